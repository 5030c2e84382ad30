import PrivacyAccounting

/// The Skellam mechanism on integers (Agarwal–Kairouz–Liu 2021): adds Skellam(μ, μ) noise,
/// the difference of two Poisson(μ) draws (variance 2μ), which stays Skellam when
/// summed across clients under secure aggregation.
///
/// Accounting: the event is `.skellam(mu:l1Sensitivity:l2Sensitivity:)`, which the RDP
/// accountant evaluates by Agarwal–Kairouz–Liu 2021 (Thm. 3.5; there μ denotes the
/// variance 2μ of ours): at every integer order α > 1,
/// ε(α) ≤ αA + min(((2α − 1)Δ₂² + 6Δ₁)/(16μ²), B), A = Δ₂²/(4μ), B = 3Δ₁/(4μ),
/// and at a fractional order the value at ⌈α⌉ (Rényi divergences grow with α). This
/// replaces the earlier zCDP bound ρ = 2A + B, about twice the Gaussian's ρ = A.
public struct SkellamMechanism: AdditiveNoiseMechanism {
    /// The exact sampler.
    public let sampler: SkellamSampler
    /// The ℓ1 sensitivity Δ₁ of the released integer vector.
    public let l1Sensitivity: Double
    /// The ℓ2 sensitivity Δ₂ of the released integer vector.
    public let l2Sensitivity: Double

    /// Creates the mechanism with Poisson mean μ (noise variance 2μ, μ ≤ 2^36, rounded to
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

    /// `.skellam(mu: μ, l1Sensitivity: Δ₁, l2Sensitivity: Δ₂)` (see the type's documentation).
    public var privacyEvent: PrivacyEvent {
        .skellam(mu: mu, l1Sensitivity: l1Sensitivity, l2Sensitivity: l2Sensitivity)
    }

    /// The largest |value| released, 2^62: value + noise then stays inside Int64, so
    /// nothing saturates. Larger values are refused.
    public var largestExactMagnitude: Int64 { largestIntegerMagnitude }

    /// Adds Skellam noise.
    ///
    /// - Throws: `DifferentialPrivacyError.valueOutOfRange(index: 0, range:)` for
    ///   |value| > ``largestExactMagnitude``.
    public func release<G: RandomNumberGenerator>(_ value: Int64, using rng: inout G) throws(DifferentialPrivacyError) -> Int64 {
        try checkReleasable(value, at: 0)
        return noisyAdd(value, sampler.sample(using: &rng))
    }

    /// Adds independent Skellam noise to every element of `buffer`, in place (from `SecureRandom`, a long
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
