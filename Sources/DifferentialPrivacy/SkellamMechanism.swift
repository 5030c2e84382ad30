import PrivacyAccounting

/// The Skellam mechanism on integers (Agarwal–Kairouz–Liu 2021): adds Skellam(μ, μ) noise,
/// the difference of two Poisson(μ) draws (variance 2μ), which stays Skellam when
/// summed across clients under secure aggregation.
///
/// Accounting: `PrivacyEvent` has no Skellam case, so the event is the conservative
/// `.zeroConcentrated(rho: (Δ₂² + 3Δ₁)/(4μ))`. Agarwal–Kairouz–Liu bound the Rényi
/// divergence of shifted Skellams by ε(α) ≤ αΔ₂²/(4μ) + min(((2α − 1)Δ₂² + 6Δ₁)/(16μ²), 3Δ₁/(4μ));
/// taking the second branch of the min and α ≥ 1 gives ε(α) ≤ α·(Δ₂² + 3Δ₁)/(4μ), i.e. ρ-zCDP
/// with that ρ. It costs at most a (1 + 3Δ₁/Δ₂²) factor in ρ over the Gaussian of the same
/// variance, which vanishes as the sensitivity (in grid units) grows.
public struct SkellamMechanism: AdditiveNoiseMechanism {
    /// The exact sampler.
    public let sampler: SkellamSampler
    /// The ℓ1 sensitivity Δ₁ of the released integer vector.
    public let l1Sensitivity: Double
    /// The ℓ2 sensitivity Δ₂ of the released integer vector.
    public let l2Sensitivity: Double

    /// Creates the mechanism with Poisson mean μ (noise variance 2μ, μ ≤ 2^20, rounded to
    /// a multiple of 1/1024) and sensitivities Δ₁ ≥ Δ₂ > 0 (for a scalar, Δ₁ = Δ₂).
    public init(mu: Double, l1Sensitivity: Double, l2Sensitivity: Double) throws(DifferentialPrivacyError) {
        guard l2Sensitivity.isFinite, l2Sensitivity > 0 else {
            throw .invalidParameter(name: "l2Sensitivity", reason: "must be finite and > 0, got \(l2Sensitivity)")
        }
        guard l1Sensitivity.isFinite, l1Sensitivity >= l2Sensitivity else {
            throw .invalidParameter(name: "l1Sensitivity", reason: "must be finite and >= the l2 sensitivity, got \(l1Sensitivity)")
        }
        sampler = try SkellamSampler(mu: mu)
        self.l1Sensitivity = l1Sensitivity
        self.l2Sensitivity = l2Sensitivity
    }

    /// Creates the mechanism for a scalar of sensitivity Δ (Δ₁ = Δ₂ = Δ).
    public init(mu: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        try self.init(mu: mu, l1Sensitivity: sensitivity, l2Sensitivity: sensitivity)
    }

    /// μ actually used (each Poisson's mean).
    public var mu: Double { sampler.positive.rate }

    /// `.zeroConcentrated(rho: (Δ₂² + 3Δ₁)/(4μ))` (see the type's documentation).
    public var privacyEvent: PrivacyEvent {
        .zeroConcentrated(rho: (l2Sensitivity * l2Sensitivity + 3 * l1Sensitivity) / (4 * mu))
    }

    /// Adds Skellam noise (saturating at the Int64 range).
    public func release<G: RandomNumberGenerator>(_ value: Int64, using rng: inout G) -> Int64 {
        saturatingAdd(value, sampler.sample(using: &rng))
    }

    /// Adds independent Skellam noise to every element of `buffer`, in place (saturating) (from `SecureRandom`, a long
    /// vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`).
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        if var keystream = BulkRandom.keystream(replacing: &rng, count: buffer.count) {
            addNoiseDirectly(to: buffer, using: &keystream)
        } else {
            addNoiseDirectly(to: buffer, using: &rng)
        }
    }

    @inlinable
    func addNoiseDirectly<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        var bits = RandomBits()
        for i in buffer.indices { buffer[i] = saturatingAdd(buffer[i], sampler.sample(using: &rng, bits: &bits)) }
    }
}
