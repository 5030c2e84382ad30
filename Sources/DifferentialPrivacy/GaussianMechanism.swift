import PrivacyAccounting

/// The Gaussian mechanism on reals, released on the grid of `GridGranularity`
/// through the exact discrete Gaussian sampler (never Box–Muller on doubles).
public struct GaussianMechanism: AdditiveNoiseMechanism {
    /// The ℓ2 sensitivity.
    public let sensitivity: Double
    @usableFromInline let grid: GridRelease<DiscreteGaussianSampler>

    /// The grid step g.
    public var granularity: Double { grid.granularity }

    /// Creates the mechanism with noise σ and sensitivity Δ (both finite, > 0).
    ///
    /// σ/g lies in [2^19, 2^20) and is rounded to an integer (relative change ≤ 2^−20,
    /// reported by `sigma` and the privacy event), which keeps the sampler on 64-bit
    /// arithmetic.
    public init(sigma: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        let grid = try GridRelease(scale: sigma, name: "sigma") { (steps) throws(DifferentialPrivacyError) in
            try DiscreteGaussianSampler(sigmaNumerator: steps)
        }
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidParameter(name: "sensitivity", reason: "must be finite and > 0, got \(sensitivity)")
        }
        self.grid = grid
        self.sensitivity = sensitivity
    }

    /// The σ actually used (grid σ times the step).
    public var sigma: Double { grid.sampler.sigma * granularity }

    /// The event of one scalar release: `.gaussian(noiseMultiplier: σ/(Δ + g))`.
    ///
    /// Rounding to the grid moves each input by at most g/2, so neighbouring rounded inputs
    /// differ by at most Δ + g; the discrete Gaussian on gℤ with that (grid-multiple) shift
    /// has the Gaussian's RDP curve (Canonne–Kamath–Steinke 2020). g ≤ 2^−19·σ, so the
    /// correction is tiny.
    public var privacyEvent: PrivacyEvent { privacyEvent(dimension: 1) }

    /// The event of one release of a vector of `dimension` coordinates whose ℓ2 sensitivity
    /// is Δ: `.gaussian(noiseMultiplier: σ/(Δ + g·√dimension))` (the rounding errors of two
    /// vectors differ by at most g·√d in ℓ2).
    public func privacyEvent(dimension: Int) -> PrivacyEvent {
        .gaussian(noiseMultiplier: sigma / (sensitivity + granularity * Double(max(dimension, 1)).squareRoot()))
    }

    /// The largest |value| released: 2^61 grid steps (≈ 2^42·scale). Larger inputs (and
    /// NaN, ±∞) are refused with a typed error, never clamped or passed through.
    public var largestExactMagnitude: Double { grid.largestExactMagnitude }

    /// Rounds `value` to the grid and adds grid-scaled discrete Gaussian noise.
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
