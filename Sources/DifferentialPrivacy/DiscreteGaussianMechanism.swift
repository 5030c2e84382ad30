import PrivacyAccounting

/// The discrete Gaussian mechanism on integers (Canonne–Kamath–Steinke 2020).
public struct DiscreteGaussianMechanism: AdditiveNoiseMechanism {
    /// The exact sampler.
    public let sampler: DiscreteGaussianSampler
    /// The integer ℓ2 sensitivity of the released value.
    public let sensitivity: Double

    /// Creates the mechanism with noise σ and sensitivity Δ > 0.
    public init(sigma: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidParameter(name: "sensitivity", reason: "must be finite and > 0, got \(sensitivity)")
        }
        sampler = try DiscreteGaussianSampler(sigma: sigma)
        self.sensitivity = sensitivity
    }

    /// `.discreteGaussian(sigma:sensitivity:)` with the σ actually used.
    public var privacyEvent: PrivacyEvent { .discreteGaussian(sigma: sampler.sigma, sensitivity: sensitivity) }

    /// The largest |value| released, 2^62: value + noise then stays inside Int64, so
    /// nothing saturates. Larger values are refused.
    public var largestExactMagnitude: Int64 { largestIntegerMagnitude }

    /// Adds discrete Gaussian noise.
    ///
    /// - Throws: `DifferentialPrivacyError.valueOutOfRange(index: 0, range:)` for
    ///   |value| > ``largestExactMagnitude``.
    public func release<G: RandomNumberGenerator>(_ value: Int64, using rng: inout G) throws(DifferentialPrivacyError) -> Int64 {
        try checkReleasable(value, at: 0)
        return noisyAdd(value, sampler.sample(using: &rng))
    }

    /// Adds independent discrete Gaussian noise to every element of `buffer`, in place (from `SecureRandom`, a long
    /// vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`). All elements are
    /// checked before any noise is added, so a refused vector is left as it was.
    ///
    /// - Throws: `DifferentialPrivacyError.valueOutOfRange(index:range:)` for the first element beyond
    ///   ``largestExactMagnitude``.
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) throws(DifferentialPrivacyError) {
        try checkReleasable(buffer)
        sampler.apply(to: buffer, using: &rng, noisyAdd)
    }
}
