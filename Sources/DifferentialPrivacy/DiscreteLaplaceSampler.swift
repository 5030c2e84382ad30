/// Exact discrete Laplace sampler: P(x) ∝ exp(−|x|/b) on ℤ with rational scale
/// `b = scaleNumerator / scaleDenominator` (Canonne–Kamath–Steinke 2020, Algorithm 2).
///
/// Each attempt draws U uniform in `[0, t)` (t = numerator), accepts it with
/// Bernoulli(exp(−U/t)), adds `t·V` with V geometric (Bernoulli(exp(−1)) successes before
/// the first failure), divides by the denominator and draws a sign bit. U is accepted with
/// probability (1 − e^−1)/(t·(1 − e^−1/t)) ≥ 0.63, E[V] = 1/(e − 1) ≈ 0.58, and a
/// "−0" is retried, so a sample takes fewer than 1.6 attempts of about 2⌈log2 t⌉ + 12
/// random bits each. Integer arithmetic only; the fraction is stored in lowest terms.
public struct DiscreteLaplaceSampler: Sendable, Equatable, ReservoirSampler {
    /// Numerator of the scale b (in lowest terms).
    public let scaleNumerator: UInt64
    /// Denominator of the scale b (in lowest terms).
    public let scaleDenominator: UInt64

    /// Creates a sampler of scale `numerator/denominator`; both in `1...2^40`.
    public init(scaleNumerator: UInt64, scaleDenominator: UInt64 = 1) throws(DifferentialPrivacyError) {
        guard scaleNumerator >= 1, scaleNumerator <= 1 << 40, scaleDenominator >= 1, scaleDenominator <= 1 << 40 else {
            throw .invalidParameter(name: "scale", reason: "numerator and denominator must be in 1...2^40")
        }
        let divisor = greatestCommonDivisor(scaleNumerator, scaleDenominator)
        self.scaleNumerator = scaleNumerator / divisor
        self.scaleDenominator = scaleDenominator / divisor
    }

    /// Creates a sampler whose scale is `scale` rounded to a multiple of 1/1024
    /// (the rounding is reported by `scale`).
    public init(scale: Double) throws(DifferentialPrivacyError) {
        guard scale.isFinite, scale > 0, scale <= Double(1 << 30) else {
            throw .invalidParameter(name: "scale", reason: "must be finite, > 0 and <= 2^30, got \(scale)")
        }
        let numerator = max(1, (scale * 1024).rounded())
        try self.init(scaleNumerator: UInt64(numerator), scaleDenominator: 1024)
    }

    /// The scale actually used, `scaleNumerator / scaleDenominator`.
    public var scale: Double { Double(scaleNumerator) / Double(scaleDenominator) }

    /// Draws one sample.
    @inlinable
    public func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int64 {
        sampleOnce(using: &rng)
    }

    @inlinable
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> Int64 {
        let t = scaleNumerator, s = scaleDenominator
        while true {
            let u = bits.uniform(below: t, using: &rng)
            if !bits.bernoulliExpMinus(numerator: u, denominator: t, using: &rng) { continue }
            var v: UInt64 = 0
            while bits.bernoulliExpMinusOne(using: &rng) { v &+= 1 }
            let (tv, overflow) = t.multipliedReportingOverflow(by: v)
            // Reaching t·v ≥ 2^63 needs v ≥ 2^23 (probability below exp(−2^23)): retried, not wrapped.
            if overflow || tv > UInt64(Int64.max) - u { continue }
            let y = s == 1 ? u + tv : (u + tv) / s
            let negative = bits.nextBit(using: &rng)
            if negative && y == 0 { continue }
            return negative ? -Int64(y) : Int64(y)
        }
    }

    /// Fills `buffer` with independent samples without allocating (from `SecureRandom`, a
    /// long vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`).
    @inlinable
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        apply(to: buffer, using: &rng) { _, sample in sample }
    }
}

/// Euclid's algorithm; `gcd(0, b) = b`.
@usableFromInline
func greatestCommonDivisor(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var (x, y) = (a, b)
    while y != 0 { (x, y) = (y, x % y) }
    return x
}
