import PrivacyAccounting

/// The discrete Laplace (geometric) mechanism on integers: (Δ/b)-DP.
public struct DiscreteLaplaceMechanism: Mechanism {
    /// The exact sampler.
    public let sampler: DiscreteLaplaceSampler
    /// The ℓ1 sensitivity of the released value.
    public let sensitivity: Double

    /// Creates the mechanism with scale b and sensitivity Δ > 0.
    public init(scale: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidParameter(name: "sensitivity", reason: "must be finite and > 0, got \(sensitivity)")
        }
        sampler = try DiscreteLaplaceSampler(scale: scale)
        self.sensitivity = sensitivity
    }

    /// `.laplace(scale:sensitivity:)` with the scale actually used.
    public var privacyEvent: PrivacyEvent { .laplace(scale: sampler.scale, sensitivity: sensitivity) }

    /// Adds discrete Laplace noise (saturating at the Int64 range).
    public func release<G: RandomNumberGenerator>(_ value: Int64, using rng: inout G) -> Int64 {
        let (sum, overflow) = value.addingReportingOverflow(sampler.sample(using: &rng))
        return overflow ? (value > 0 ? .max : .min) : sum
    }
}
