import PrivacyAccounting

/// The Laplace mechanism on reals, released on the grid of `GridGranularity` through
/// the exact discrete Laplace sampler (never inverse-CDF on doubles; Mironov 2012).
public struct LaplaceMechanism: AdditiveNoiseMechanism {
    /// The grid step g.
    public let granularity: Double
    /// The ℓ1 sensitivity.
    public let sensitivity: Double
    @usableFromInline let inverseGranularity: Double
    @usableFromInline let sampler: DiscreteLaplaceSampler

    /// Creates the mechanism with scale b and sensitivity Δ (both finite, > 0).
    ///
    /// b/g lies in [2^19, 2^20) and is rounded to an integer (relative change ≤ 2^−20,
    /// reported by `scale` and the privacy event).
    public init(scale: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        // The grid step 2^(⌊log2 scale⌋ − 19) and its inverse must both be finite normal numbers.
        guard scale.isFinite, scale >= 0x1p-1000, scale <= 0x1p1000 else {
            throw .invalidParameter(name: "scale", reason: "must be in [2^-1000, 2^1000], got \(scale)")
        }
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidParameter(name: "sensitivity", reason: "must be finite and > 0, got \(sensitivity)")
        }
        granularity = GridGranularity.step(forScale: scale)
        inverseGranularity = 1 / granularity
        sampler = try DiscreteLaplaceSampler(scaleNumerator: UInt64((scale * inverseGranularity).rounded()))
        self.sensitivity = sensitivity
    }

    /// The scale b actually used.
    public var scale: Double { sampler.scale * granularity }

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
        .discreteLaplace(scale: sampler.scale, sensitivity: (sensitivity + granularity * Double(max(dimension, 1))) * inverseGranularity)
    }

    /// The largest |value| released: 2^61 grid steps (≈ 2^42·scale). Larger inputs (and
    /// NaN, ±∞) are refused with a typed error, never clamped or passed through.
    public var largestExactMagnitude: Double { 0x1p61 * granularity }

    /// Rounds `value` to the grid and adds grid-scaled discrete Laplace noise.
    ///
    /// - Throws: `DifferentialPrivacyError.nonFiniteValue(index: 0)` for NaN or ±∞, and
    ///   `.valueOutOfRange(index: 0, range:)` for |value| > ``largestExactMagnitude``.
    public func release<G: RandomNumberGenerator>(_ value: Double, using rng: inout G) throws(DifferentialPrivacyError) -> Double {
        try checkReleasable(value, at: 0, limit: largestExactMagnitude)
        return gridRelease(value, granularity: granularity, inverse: inverseGranularity, noise: sampler.sample(using: &rng))
    }

    /// Releases every element of `buffer` in place, as `release(_:using:)` does one value (from `SecureRandom`, a long
    /// vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`). All elements are checked
    /// before any noise is added, so a refused vector is left as it was.
    ///
    /// - Throws: `DifferentialPrivacyError.nonFiniteValue(index:)` or `.valueOutOfRange(index:range:)` for the
    ///   first element that is not finite or beyond ``largestExactMagnitude``.
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Double>, using rng: inout G) throws(DifferentialPrivacyError) {
        try checkReleasable(buffer, limit: largestExactMagnitude)
        let granularity = granularity, inverse = inverseGranularity
        sampler.apply(to: buffer, using: &rng) { gridRelease($0, granularity: granularity, inverse: inverse, noise: $1) }
    }
}
