/// Exact discrete Laplace sampler: P(x) ∝ exp(−|x|/b) on ℤ with rational scale
/// `b = scaleNumerator / scaleDenominator` (Canonne–Kamath–Steinke 2020, Algorithm 2).
///
/// Each attempt draws U uniform in `[0, num)`, accepts it with Bernoulli(exp(−U/num)),
/// adds `num·V` with V geometric (Bernoulli(exp(−1)) failures), divides by `den` and a
/// sign bit; expected attempts are below 2 for b ≥ 1, so a sample costs a handful of
/// uniform draws. Integer arithmetic only.
public struct DiscreteLaplaceSampler: Sendable, Equatable {
    /// Numerator of the scale b.
    public let scaleNumerator: UInt64
    /// Denominator of the scale b.
    public let scaleDenominator: UInt64

    /// Creates a sampler of scale `numerator/denominator`; both in `1...2^40`.
    public init(scaleNumerator: UInt64, scaleDenominator: UInt64 = 1) throws(DifferentialPrivacyError) {
        guard scaleNumerator >= 1, scaleNumerator <= 1 << 40, scaleDenominator >= 1, scaleDenominator <= 1 << 40 else {
            throw .invalidParameter(name: "scale", reason: "numerator and denominator must be in 1...2^40")
        }
        self.scaleNumerator = scaleNumerator
        self.scaleDenominator = scaleDenominator
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
        let t = scaleNumerator, s = scaleDenominator
        while true {
            let u = rng.next(upperBound: t)
            if !ExactBernoulli.sampleExpMinus(numerator: UInt128(u), denominator: UInt128(t), using: &rng) { continue }
            var v: UInt64 = 0
            while ExactBernoulli.sampleExpMinusAtMostOne(numerator: 1, denominator: 1, using: &rng) { v &+= 1 }
            let (tv, overflow) = t.multipliedReportingOverflow(by: v)
            // Reaching v ≥ 2^24 has probability below exp(−2^24): retried, not wrapped.
            if overflow || tv > UInt64(Int64.max) - u { continue }
            let y = (u + tv) / s
            let negative = rng.next() & 1 == 1
            if negative && y == 0 { continue }
            return negative ? -Int64(y) : Int64(y)
        }
    }

    /// Fills `buffer` with independent samples without allocating.
    @inlinable
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        for i in buffer.indices { buffer[i] = sample(using: &rng) }
    }
}
