/// The granularity used to release continuous Laplace / Gaussian noise through the
/// exact discrete samplers (the approach of Google's secure-noise library).
///
/// For scale s the grid step is g = 2^(⌊log2 s⌋ − 19), so s/g ∈ [2^19, 2^20): the
/// discrete distribution on gℤ has scale ≥ 2^19 grid steps. Its distance from the
/// continuous one (after rounding the input to the grid, an offset ≤ g/2 ≤ s·2^−19)
/// is of order 2^−19 in total variation per release. The privacy guarantee is that of the
/// discrete mechanism on the grid itself: rounding moves an input by at most g/2 per
/// coordinate, so the mechanisms' events use the sensitivity Δ + g (scalar), Δ + g·√d
/// (ℓ2, d coordinates) or Δ + g·d (ℓ1). The mechanisms round s/g to an integer number of
/// grid steps (a relative change ≤ 2^−20, reported by their `sigma` / `scale`).
public enum GridGranularity {
    /// The grid step for a noise scale `scale > 0`.
    public static func step(forScale scale: Double) -> Double {
        Double(sign: .plus, exponent: scale.exponent - 19, significand: 1)
    }
}
