/// Exact Bernoulli samplers using only integer arithmetic.
///
/// `Bernoulli(p)` for rational `p = numerator/denominator` draws one uniform integer in
/// `[0, denominator)` (Lemire's unbiased method in the standard library: about one
/// 64-bit draw) and compares. `Bernoulli(exp(-γ))` follows Canonne–Kamath–Steinke 2020,
/// Algorithm 1: for γ ≤ 1 it counts successes of Bernoulli(γ/k), k = 1, 2, … and
/// accepts on an odd stop, using at most e (expected ≤ 2·e ≈ 5.4) uniform draws; for
/// γ > 1 it needs ⌊γ⌋ successes of Bernoulli(exp(−1)) (stopping at the first failure)
/// then one Bernoulli(exp(−(γ − ⌊γ⌋))).
public enum ExactBernoulli {
    /// Returns `true` with probability `numerator / denominator` exactly.
    /// Requires `numerator <= denominator` and `denominator > 0` (checked by callers).
    @inlinable
    public static func sample<G: RandomNumberGenerator>(numerator: UInt64, denominator: UInt64, using rng: inout G) -> Bool {
        if numerator >= denominator { return true }
        return rng.next(upperBound: denominator) < numerator
    }

    /// Returns `true` with probability `numerator / denominator` exactly (128-bit form).
    @inlinable
    public static func sample<G: RandomNumberGenerator>(numerator: UInt128, denominator: UInt128, using rng: inout G) -> Bool {
        if numerator >= denominator { return true }
        if denominator <= UInt128(UInt64.max) {
            return rng.next(upperBound: UInt64(denominator)) < UInt64(numerator)
        }
        return UInt128.random(in: 0..<denominator, using: &rng) < numerator
    }

    /// Returns `true` with probability `p`, validating `p = numerator/denominator ∈ [0, 1]`.
    public static func checkedSample<G: RandomNumberGenerator>(numerator: UInt64, denominator: UInt64, using rng: inout G) throws(DifferentialPrivacyError) -> Bool {
        guard denominator > 0, numerator <= denominator else {
            throw .invalidParameter(name: "p", reason: "need 0 <= \(numerator)/\(denominator) <= 1")
        }
        return sample(numerator: numerator, denominator: denominator, using: &rng)
    }

    /// Returns `true` with probability `exp(−γ)` exactly, `γ = numerator/denominator ≥ 0`,
    /// `denominator > 0`.
    @inlinable
    public static func sampleExpMinus<G: RandomNumberGenerator>(numerator: UInt128, denominator: UInt128, using rng: inout G) -> Bool {
        var whole = numerator / denominator
        let fraction = numerator % denominator
        while whole > 0 {
            if !sampleExpMinusAtMostOne(numerator: 1, denominator: 1, using: &rng) { return false }
            whole -= 1
        }
        return sampleExpMinusAtMostOne(numerator: fraction, denominator: denominator, using: &rng)
    }

    /// Bernoulli(exp(−γ)) for γ = numerator/denominator ∈ [0, 1] (CKS Algorithm 1, γ ≤ 1).
    /// Bernoulli(γ/k) is drawn as Bernoulli(γ) ∧ Bernoulli(1/k), so no product can overflow.
    @inlinable
    static func sampleExpMinusAtMostOne<G: RandomNumberGenerator>(numerator: UInt128, denominator: UInt128, using rng: inout G) -> Bool {
        if numerator == 0 { return true }
        var k: UInt64 = 1
        while true {
            let accept = sample(numerator: numerator, denominator: denominator, using: &rng)
                && (k == 1 || rng.next(upperBound: k) == 0)
            if !accept { break }
            k += 1
        }
        return k & 1 == 1
    }

    /// Returns `true` with probability `exp(−γ)`, validating `γ = numerator/denominator ≥ 0`.
    public static func checkedSampleExpMinus<G: RandomNumberGenerator>(numerator: UInt64, denominator: UInt64, using rng: inout G) throws(DifferentialPrivacyError) -> Bool {
        guard denominator > 0 else { throw .invalidParameter(name: "gamma", reason: "denominator must be > 0") }
        return sampleExpMinus(numerator: UInt128(numerator), denominator: UInt128(denominator), using: &rng)
    }
}
