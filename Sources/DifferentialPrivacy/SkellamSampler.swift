/// Exact Skellam sampler: the difference N₁ − N₂ of independent Poisson(μ₁) and Poisson(μ₂)
/// (mean μ₁ − μ₂, variance μ₁ + μ₂), with rational μ's.
///
/// Cost: one draw of each `PoissonSampler`: linear in μ below μ = 8, O(√μ) from there
/// (about 2√μ exact Bernoulli draws; 0.7 µs at μ = 2^10, 14 µs at μ = 2^20 per Poisson in a
/// release build), μ ≤ 2^36. The discrete Gaussian's cost does not grow with σ, so it stays
/// the faster of the two at large variances.
public struct SkellamSampler: Sendable, Equatable, ReservoirSampler {
    /// The Poisson whose draw is added.
    public let positive: PoissonSampler
    /// The Poisson whose draw is subtracted.
    public let negative: PoissonSampler

    /// Creates Skellam(μ₁, μ₂) from two Poisson samplers.
    public init(positive: PoissonSampler, negative: PoissonSampler) {
        self.positive = positive
        self.negative = negative
    }

    /// The symmetric Skellam(μ, μ) (variance 2μ), μ rounded to a multiple of 1/1024.
    ///
    /// - Parameter mu: Each Poisson's mean, finite, > 0 and ≤ 2^36.
    /// - Throws: ``DifferentialPrivacyError/invalidParameter(name:reason:)`` named `rate`
    ///   for μ outside (0, 2^36].
    public init(mu: Double) throws(DifferentialPrivacyError) {
        let poisson = try PoissonSampler(rate: mu)
        self.init(positive: poisson, negative: poisson)
    }

    /// The variance μ₁ + μ₂ actually used.
    public var variance: Double { positive.rate + negative.rate }

    /// Draws one sample.
    @inlinable
    public func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int64 {
        sampleOnce(using: &rng)
    }

    @inlinable
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> Int64 {
        positive.sample(using: &rng, bits: &bits) - negative.sample(using: &rng, bits: &bits)
    }

    /// Fills `buffer` with independent samples without allocating (from `SecureRandom`, a
    /// long vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`).
    @inlinable
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        apply(to: buffer, using: &rng) { _, sample in sample }
    }
}
