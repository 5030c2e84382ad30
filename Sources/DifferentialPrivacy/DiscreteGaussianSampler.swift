/// Exact discrete Gaussian sampler, P(x) ∝ exp(−x²/(2σ²)) on ℤ, with rational
/// σ = `sigmaNumerator / sigmaDenominator` (Canonne–Kamath–Steinke 2020, Algorithm 3).
///
/// Draw Y from the discrete Laplace of integer scale t and accept with probability
/// exp(−(|Y| − σ²/t)²/(2σ²)), an exact Bernoulli(exp(−γ)). The proposal times the
/// acceptance is proportional to exp(−Y²/(2σ²)) for any t > 0; t = σ for integer σ
/// (then γ = (|Y| − σ)²/(2σ²), 64-bit arithmetic for σ ≤ 2^20 and |Y| < 2^32 + σ) and
/// t = ⌊σ⌋ + 1 otherwise, as in CKS (γ = (|Y|·q²·t − p²)²/(2p²q²t²) for σ = p/q).
/// Acceptance is about √(π/2)·e^−½ ≈ 0.76 for σ ≥ 1, so a sample takes about 1.3
/// attempts, each a discrete Laplace draw plus a Bernoulli(exp(−γ)).
///
/// Bounds: σ numerator ≤ 2^20, denominator ≤ 2^10 (stored in lowest terms). Integer σ is
/// exact everywhere. For fractional σ a candidate with |Y|·q²·t ≥ 2^64 (its acceptance
/// probability is below exp(−2^23)) is rejected
/// instead of evaluated — the only deviation from exactness.
public struct DiscreteGaussianSampler: Sendable, Equatable, ReservoirSampler {
    /// Numerator of σ (lowest terms).
    public let sigmaNumerator: UInt64
    /// Denominator of σ (lowest terms).
    public let sigmaDenominator: UInt64
    @usableFromInline let laplace: DiscreteLaplaceSampler
    @usableFromInline let t: UInt64
    /// σ²/t scaled by q²·t: p for integer σ, p² for σ = p/q.
    @usableFromInline let center: UInt64
    /// q²·t, the factor of |Y| in γ's numerator.
    @usableFromInline let dt: UInt64
    /// 2p²q²t² (fractional σ) or 2σ² (integer σ).
    @usableFromInline let gammaDenominator: UInt128

    /// Creates a sampler with σ = numerator/denominator, numerator ≤ 2^20, denominator ≤ 2^10.
    public init(sigmaNumerator: UInt64, sigmaDenominator: UInt64 = 1) throws(DifferentialPrivacyError) {
        guard sigmaNumerator >= 1, sigmaNumerator <= 1 << 20, sigmaDenominator >= 1, sigmaDenominator <= 1 << 10 else {
            throw .invalidParameter(name: "sigma", reason: "numerator must be in 1...2^20 and denominator in 1...2^10")
        }
        let divisor = greatestCommonDivisor(sigmaNumerator, sigmaDenominator)
        let p = sigmaNumerator / divisor, q = sigmaDenominator / divisor
        self.sigmaNumerator = p
        self.sigmaDenominator = q
        if q == 1 {
            t = p
            center = p
            dt = 1
            gammaDenominator = 2 * UInt128(p * p)
        } else {
            t = p / q + 1
            center = p * p
            dt = q * q * t
            gammaDenominator = 2 * UInt128(p * p) * UInt128(q * q) * UInt128(t) * UInt128(t)
        }
        laplace = try DiscreteLaplaceSampler(scaleNumerator: t)
    }

    /// Creates a sampler with σ rounded to a multiple of 1/1024 (σ ≤ 1024; larger σ
    /// rounded to a coarser multiple, an integer above 1024, up to 2^20). `sigma` reports
    /// the value used.
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
        sampleOnce(using: &rng)
    }

    @inlinable
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> Int64 {
        var attempts = 0
        return sample(using: &rng, bits: &bits, attempts: &attempts)
    }

    /// One sample, adding the number of proposals drawn to `attempts`.
    @inlinable
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits, attempts: inout Int) -> Int64 {
        while true {
            attempts &+= 1
            let y = laplace.sample(using: &rng, bits: &bits)
            let (ydt, overflow) = y.magnitude.multipliedReportingOverflow(by: dt)
            if overflow { continue }
            let a = ydt >= center ? ydt - center : center - ydt
            let (high, low) = a.multipliedFullWidth(by: a)
            let accept: Bool
            if high == 0, gammaDenominator <= UInt128(UInt64.max) {
                accept = bits.bernoulliExpMinus(numerator: low, denominator: UInt64(gammaDenominator), using: &rng)
            } else {
                let square = UInt128(high) << 64 | UInt128(low)
                accept = bits.bernoulliExpMinus(numerator: square, denominator: gammaDenominator, using: &rng)
            }
            if accept { return y }
        }
    }

    /// Fills `buffer` with independent samples without allocating (from `SecureRandom`, a
    /// long vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`).
    @inlinable
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        apply(to: buffer, using: &rng) { _, sample in sample }
    }
}
