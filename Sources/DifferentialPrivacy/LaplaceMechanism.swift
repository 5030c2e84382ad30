import PrivacyAccounting

/// The Laplace mechanism on reals, released on the grid of `GridGranularity` through
/// the exact discrete Laplace sampler (never inverse-CDF on doubles; Mironov 2012).
public struct LaplaceMechanism: AdditiveNoiseMechanism {
    /// The ℓ1 sensitivity.
    public let sensitivity: Double
    @usableFromInline let grid: GridRelease<DiscreteLaplaceSampler>

    /// The grid step g.
    public var granularity: Double { grid.granularity }

    /// Creates the mechanism with scale b and sensitivity Δ (both finite, > 0).
    ///
    /// b/g lies in [2^19, 2^20) and is rounded to an integer (relative change ≤ 2^−20,
    /// reported by `scale` and the privacy event).
    public init(scale: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        let grid = try GridRelease(scale: scale, name: "scale") { (steps) throws(DifferentialPrivacyError) in
            try DiscreteLaplaceSampler(scaleNumerator: steps)
        }
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidParameter(name: "sensitivity", reason: "must be finite and > 0, got \(sensitivity)")
        }
        self.grid = grid
        self.sensitivity = sensitivity
    }

    /// The scale b actually used.
    public var scale: Double { grid.sampler.scale * granularity }

    /// The event of one scalar release, in grid units: `.discreteLaplace(scale: b/g,
    /// sensitivity: (Δ + g)/g)`. Rounding moves each input by at most g/2, so neighbouring
    /// rounded inputs differ by at most Δ + g, and the noise is exactly a discrete Laplace on
    /// gℤ. This is pure ε-DP with ε ≤ (Δ + 2g)/b (g ≤ 2^−19·b); its Rényi curve is the
    /// discrete one, which sits a relative 10^−12 above the continuous Laplace's — so the
    /// continuous event would understate it.
    public var privacyEvent: PrivacyEvent { privacyEvent(dimension: 1) }

    /// The event of one release of a vector of `dimension` coordinates whose ℓ1 sensitivity
    /// is Δ: `.discreteLaplace(scale: b/g, sensitivity: (Δ + g·dimension)/g)`.
    public func privacyEvent(dimension: Int) -> PrivacyEvent {
        .discreteLaplace(scale: grid.sampler.scale, sensitivity: (sensitivity + granularity * Double(max(dimension, 1))) * grid.inverseGranularity)
    }

    /// The largest |value| released: 2^61 grid steps (≈ 2^42·scale). Larger inputs (and
    /// NaN, ±∞) are refused with a typed error, never clamped or passed through.
    public var largestExactMagnitude: Double { grid.largestExactMagnitude }

    /// Rounds `value` to the grid and adds grid-scaled discrete Laplace noise.
    ///
    /// - Throws: `DifferentialPrivacyError.nonFiniteValue(index: 0)` for NaN or ±∞, and
    ///   `.valueOutOfRange(index: 0, range:)` for |value| > ``largestExactMagnitude``.
    public func release<G: RandomNumberGenerator>(_ value: Double, using rng: inout G) throws(DifferentialPrivacyError) -> Double {
        try grid.release(value, using: &rng)
    }

    /// Releases every element of `buffer` in place, as `release(_:using:)` does one value (from `SecureRandom`, a long
    /// vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`). All elements are checked
    /// before any noise is added, so a refused vector is left as it was.
    ///
    /// - Throws: `DifferentialPrivacyError.nonFiniteValue(index:)` or `.valueOutOfRange(index:range:)` for the
    ///   first element that is not finite or beyond ``largestExactMagnitude``.
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Double>, using rng: inout G) throws(DifferentialPrivacyError) {
        try grid.addNoise(to: buffer, using: &rng)
    }
}
