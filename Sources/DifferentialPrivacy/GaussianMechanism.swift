import PrivacyAccounting

/// The Gaussian mechanism on reals, released on the grid of `GridGranularity`
/// through the exact discrete Gaussian sampler (never Box–Muller on doubles).
public struct GaussianMechanism: Mechanism {
    /// The grid step g.
    public let granularity: Double
    /// The ℓ2 sensitivity.
    public let sensitivity: Double
    @usableFromInline let sampler: DiscreteGaussianSampler

    /// Creates the mechanism with noise σ and sensitivity Δ (both finite, > 0).
    public init(sigma: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        guard sigma.isFinite, sigma > 0, sigma < 1e300 else {
            throw .invalidParameter(name: "sigma", reason: "must be finite and > 0, got \(sigma)")
        }
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidParameter(name: "sensitivity", reason: "must be finite and > 0, got \(sensitivity)")
        }
        granularity = GridGranularity.step(forScale: sigma)
        sampler = try DiscreteGaussianSampler(sigma: sigma / granularity)
        self.sensitivity = sensitivity
    }

    /// The σ actually used (grid σ times the step).
    public var sigma: Double { sampler.sigma * granularity }

    /// `.gaussian(noiseMultiplier: σ/Δ)`.
    public var privacyEvent: PrivacyEvent { .gaussian(noiseMultiplier: sigma / sensitivity) }

    /// Rounds `value` to the grid and adds grid-scaled discrete Gaussian noise.
    /// Non-finite inputs, or inputs beyond 2^62 grid steps, are returned unchanged
    /// only if they are not finite; finite out-of-range inputs saturate to the grid edge.
    public func release<G: RandomNumberGenerator>(_ value: Double, using rng: inout G) -> Double {
        gridRelease(value, granularity: granularity, noise: sampler.sample(using: &rng))
    }
}

/// Rounds `value` to the grid, adds `noise` grid steps and scales back.
@inlinable
func gridRelease(_ value: Double, granularity: Double, noise: Int64) -> Double {
    guard value.isFinite else { return value }
    let limit = Double(1 << 62)
    let steps = min(max((value / granularity).rounded(), -limit), limit)
    return Double(Int64(steps) + noise) * granularity
}
