/// The granularity used to release continuous Laplace / Gaussian noise through the
/// exact discrete samplers (the approach of Google's secure-noise library).
///
/// For scale s the grid step is g = 2^(⌊log2 s⌋ − 19), so s/g ∈ [2^19, 2^20): the
/// discrete distribution on gℤ has scale ≥ 2^19 grid steps. Its distance from the
/// continuous one (after rounding the input to the grid, an offset ≤ g/2 ≤ s·2^−19)
/// is of order 2^−19 in total variation per release, and the ratio of neighbouring
/// grid masses matches the continuous density, so the privacy guarantee holds for the
/// grid mechanism itself (sensitivity rounded up to the grid).
public enum GridGranularity {
    /// The grid step for a noise scale `scale > 0`.
    public static func step(forScale scale: Double) -> Double {
        Double(sign: .plus, exponent: scale.exponent - 19, significand: 1)
    }
}
