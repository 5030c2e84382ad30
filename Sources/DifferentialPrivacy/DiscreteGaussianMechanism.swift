import PrivacyAccounting

/// The discrete Gaussian mechanism on integers (Canonne–Kamath–Steinke 2020).
public struct DiscreteGaussianMechanism: AdditiveNoiseMechanism {
    @usableFromInline let integer: IntegerRelease<DiscreteGaussianSampler>

    /// The exact sampler.
    public var sampler: DiscreteGaussianSampler { integer.sampler }
    /// The integer ℓ2 sensitivity of the released value.
    public var sensitivity: Double { integer.sensitivity }

    /// Creates the mechanism with noise σ and sensitivity Δ > 0.
    public init(sigma: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        integer = try IntegerRelease(sensitivity: sensitivity) { () throws(DifferentialPrivacyError) in
            try DiscreteGaussianSampler(sigma: sigma)
        }
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
        try integer.release(value, using: &rng)
    }

    /// Adds independent discrete Gaussian noise to every element of `buffer`, in place (from `SecureRandom`, a long
    /// vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`). All elements are
    /// checked before any noise is added, so a refused vector is left as it was.
    ///
    /// - Throws: `DifferentialPrivacyError.valueOutOfRange(index:range:)` for the first element beyond
    ///   ``largestExactMagnitude``.
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) throws(DifferentialPrivacyError) {
        try integer.addNoise(to: buffer, using: &rng)
    }
}
