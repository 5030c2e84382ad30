/// Exact discrete Gaussian sampler, P(x) ∝ exp(−x²/(2σ²)) on ℤ, with rational
/// σ = `sigmaNumerator / sigmaDenominator` (Canonne–Kamath–Steinke 2020, Algorithm 3).
///
/// With t = ⌊σ⌋ + 1, draw Y from the discrete Laplace of scale t and accept with
/// probability exp(−(|Y| − σ²/t)²/(2σ²)), an exact Bernoulli(exp(−γ)) with
/// γ = (|Y|·d·t − n)² / (2·n·d·t²) for σ² = n/d. Expected attempts < 1.5 for σ ≥ 1
/// (CKS Prop. 5), each a discrete Laplace draw plus a Bernoulli(exp(−γ)).
///
/// Bounds: σ numerator ≤ 2^20, denominator ≤ 2^10 keep every product inside UInt128.
/// A candidate with |Y|·d·t ≥ 2^63 (i.e. |Y| > 2^13·t, prior probability < exp(−8000))
/// is rejected instead of evaluated — the only deviation from exactness.
public struct DiscreteGaussianSampler: Sendable, Equatable {
    /// Numerator of σ.
    public let sigmaNumerator: UInt64
    /// Denominator of σ.
    public let sigmaDenominator: UInt64
    @usableFromInline let laplace: DiscreteLaplaceSampler
    @usableFromInline let t: UInt64
    @usableFromInline let n: UInt64
    @usableFromInline let d: UInt64
    @usableFromInline let gammaDenominator: UInt128

    /// Creates a sampler with σ = numerator/denominator, numerator ≤ 2^20, denominator ≤ 2^10.
    public init(sigmaNumerator: UInt64, sigmaDenominator: UInt64 = 1) throws(DifferentialPrivacyError) {
        guard sigmaNumerator >= 1, sigmaNumerator <= 1 << 20, sigmaDenominator >= 1, sigmaDenominator <= 1 << 10 else {
            throw .invalidParameter(name: "sigma", reason: "numerator must be in 1...2^20 and denominator in 1...2^10")
        }
        self.sigmaNumerator = sigmaNumerator
        self.sigmaDenominator = sigmaDenominator
        t = sigmaNumerator / sigmaDenominator + 1
        n = sigmaNumerator * sigmaNumerator
        d = sigmaDenominator * sigmaDenominator
        laplace = try DiscreteLaplaceSampler(scaleNumerator: t)
        gammaDenominator = 2 * UInt128(n) * UInt128(d) * UInt128(t) * UInt128(t)
    }

    /// Creates a sampler with σ rounded to a multiple of 1/1024 (σ ≤ 1024; larger σ
    /// rounded to an integer, up to 2^20). `sigma` reports the value used.
    public init(sigma: Double) throws(DifferentialPrivacyError) {
        guard sigma.isFinite, sigma > 0, sigma <= Double(1 << 20) else {
            throw .invalidParameter(name: "sigma", reason: "must be finite, > 0 and <= 2^20, got \(sigma)")
        }
        var denominator: UInt64 = 1024
        while denominator > 1, sigma * Double(denominator) > Double(1 << 20) { denominator >>= 1 }
        let numerator = max(1, (sigma * Double(denominator)).rounded())
        try self.init(sigmaNumerator: UInt64(numerator), sigmaDenominator: denominator)
    }

    /// The σ actually used.
    public var sigma: Double { Double(sigmaNumerator) / Double(sigmaDenominator) }

    /// Draws one sample.
    @inlinable
    public func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int64 {
        while true {
            let y = laplace.sample(using: &rng)
            let (ydt, overflow) = y.magnitude.multipliedReportingOverflow(by: d * t)
            if overflow || ydt >= 1 << 63 { continue }
            let a = ydt >= n ? ydt - n : n - ydt
            let gammaNumerator = UInt128(a) * UInt128(a)
            if ExactBernoulli.sampleExpMinus(numerator: gammaNumerator, denominator: gammaDenominator, using: &rng) {
                return y
            }
        }
    }

    /// Fills `buffer` with independent samples without allocating.
    @inlinable
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        for i in buffer.indices { buffer[i] = sample(using: &rng) }
    }
}
