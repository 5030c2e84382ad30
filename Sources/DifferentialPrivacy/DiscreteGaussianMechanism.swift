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

    /// Adds discrete Gaussian noise (saturating at the Int64 range).
    public func release<G: RandomNumberGenerator>(_ value: Int64, using rng: inout G) -> Int64 {
        saturatingAdd(value, sampler.sample(using: &rng))
    }

    /// Adds independent noise to every element of `buffer`, in place (saturating) (from `SecureRandom`, a long
    /// vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`).
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        sampler.apply(to: buffer, using: &rng, saturatingAdd)
    }
}
