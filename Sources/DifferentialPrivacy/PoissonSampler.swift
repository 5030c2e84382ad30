/// Exact Poisson sampler, P(k) = e^−λ λ^k / k!, for rational λ = `rateNumerator / rateDenominator`.
///
/// Poisson(1) by rejection from the geometric law P(K = k) = 2^−(k+1) (a run of fair bits):
/// K is accepted with probability 2^(k−1)/k! — 1/2 for k = 0, 1 for k = 1, 2, and the
/// product of independent Bernoulli(2/j), j = 3…k, beyond — so the accepted K has mass
/// (1/4)/k! ∝ e^−1/k!. Acceptance is e/4 ≈ 0.68: about 1.47 attempts and 5 random bits per
/// Poisson(1). Poisson(m) for m = ⌈λ⌉ is the sum of m of them, and a fractional λ thins it,
/// keeping each of the N points with Bernoulli(λ/m) (binomial thinning of a Poisson count
/// is Poisson). Expected cost: about 5⌈λ⌉ random bits plus, for non-integer λ, ⌈λ⌉
/// Bernoulli draws of about 2 bits — linear in λ, hence the bound λ ≤ 2^20. Integer
/// arithmetic only, every step exact.
public struct PoissonSampler: Sendable, Equatable, ReservoirSampler {
    /// Numerator of λ (lowest terms).
    public let rateNumerator: UInt64
    /// Denominator of λ (lowest terms).
    public let rateDenominator: UInt64
    /// ⌈λ⌉.
    @usableFromInline let ceiling: UInt64

    /// The largest λ accepted (the cost is linear in λ).
    public static let maximumRate: UInt64 = 1 << 20

    /// Creates a sampler of mean λ = numerator/denominator with 0 < λ ≤ 2^20 and
    /// denominator ≤ 2^32.
    public init(rateNumerator: UInt64, rateDenominator: UInt64 = 1) throws(DifferentialPrivacyError) {
        guard rateNumerator >= 1, rateDenominator >= 1, rateDenominator <= 1 << 32,
              rateNumerator <= Self.maximumRate * rateDenominator else {
            throw .invalidParameter(name: "rate", reason: "need 0 < \(rateNumerator)/\(rateDenominator) <= 2^20, denominator <= 2^32")
        }
        let divisor = greatestCommonDivisor(rateNumerator, rateDenominator)
        self.rateNumerator = rateNumerator / divisor
        self.rateDenominator = rateDenominator / divisor
        ceiling = (self.rateNumerator + self.rateDenominator - 1) / self.rateDenominator
    }

    /// Creates a sampler whose mean is `rate` rounded to a multiple of 1/1024 (reported by `rate`).
    public init(rate: Double) throws(DifferentialPrivacyError) {
        guard rate.isFinite, rate > 0, rate <= Double(Self.maximumRate) else {
            throw .invalidParameter(name: "rate", reason: "must be finite, > 0 and <= 2^20, got \(rate)")
        }
        try self.init(rateNumerator: UInt64(max(1, (rate * 1024).rounded())), rateDenominator: 1024)
    }

    /// The λ actually used.
    public var rate: Double { Double(rateNumerator) / Double(rateDenominator) }

    /// Draws one sample.
    @inlinable
    public func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int64 {
        sampleOnce(using: &rng)
    }

    @inlinable
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> Int64 {
        var count: UInt64 = 0
        for _ in 0..<ceiling { count &+= Self.poissonOne(using: &rng, bits: &bits) }
        if rateDenominator == 1 { return Int64(count) }
        // Thinning to λ/⌈λ⌉ = p/(q·⌈λ⌉); q·⌈λ⌉ < p + q fits easily.
        let keepDenominator = rateDenominator * ceiling
        var kept: UInt64 = 0
        for _ in 0..<count where bits.bernoulli(numerator: rateNumerator, denominator: keepDenominator, using: &rng) {
            kept &+= 1
        }
        return Int64(kept)
    }

    /// One exact Poisson(1) draw (see the type's documentation).
    @inlinable
    static func poissonOne<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> UInt64 {
        attempt: while true {
            var k: UInt64 = 0
            while bits.nextBit(using: &rng) { k &+= 1 }
            if k == 0 {
                if bits.nextBit(using: &rng) { return 0 }
                continue
            }
            var j: UInt64 = 3
            while j <= k {
                if !bits.bernoulli(numerator: 2, denominator: j, using: &rng) { continue attempt }
                j &+= 1
            }
            return k
        }
    }

    /// Fills `buffer` with independent samples without allocating (from `SecureRandom`, a
    /// long vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`).
    @inlinable
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        apply(to: buffer, using: &rng) { _, sample in sample }
    }
}
