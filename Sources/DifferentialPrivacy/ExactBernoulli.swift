/// Exact Bernoulli samplers using only integer arithmetic.
///
/// `Bernoulli(p)` for rational `p = numerator/denominator` compares p's binary expansion
/// with lazily drawn fair bits: expected 2 bits, no division. `Bernoulli(exp(−γ))` follows
/// Canonne–Kamath–Steinke 2020, Algorithm 1: for γ ≤ 1 it counts successes of
/// Bernoulli(γ/k), k = 1, 2, … and accepts on an odd stop (expected ≤ e Bernoulli pairs);
/// for γ > 1 it needs ⌊γ⌋ successes of Bernoulli(exp(−1)), stopping at the first failure
/// (expected ≤ 1.6 of them), then one Bernoulli(exp(−(γ − ⌊γ⌋))). Each call draws whole
/// 64-bit words from `rng` and discards the bits it does not use.
public enum ExactBernoulli {
    /// Returns `true` with probability `numerator / denominator` exactly.
    /// `numerator >= denominator` returns `true`; `denominator > 0` is the caller's duty
    /// (use `checkedSample` for untrusted input).
    @inlinable
    public static func sample<G: RandomNumberGenerator>(numerator: UInt64, denominator: UInt64, using rng: inout G) -> Bool {
        var bits = RandomBits()
        return bits.bernoulli(numerator: numerator, denominator: denominator, using: &rng)
    }

    /// Returns `true` with probability `numerator / denominator` exactly (128-bit form).
    @inlinable
    public static func sample<G: RandomNumberGenerator>(numerator: UInt128, denominator: UInt128, using rng: inout G) -> Bool {
        var bits = RandomBits()
        return bits.bernoulli(numerator: numerator, denominator: denominator, using: &rng)
    }

    /// Returns `true` with probability `p`, validating `p = numerator/denominator ∈ [0, 1]`.
    public static func checkedSample<G: RandomNumberGenerator>(numerator: UInt64, denominator: UInt64, using rng: inout G) throws(DifferentialPrivacyError) -> Bool {
        guard denominator > 0, numerator <= denominator else {
            throw .invalidParameter(name: "p", reason: "need 0 <= \(numerator)/\(denominator) <= 1")
        }
        return sample(numerator: numerator, denominator: denominator, using: &rng)
    }

    /// Returns `true` with probability `exp(−γ)` exactly, `γ = numerator/denominator ≥ 0`,
    /// `denominator > 0` (the caller's duty; see `checkedSampleExpMinus`).
    @inlinable
    public static func sampleExpMinus<G: RandomNumberGenerator>(numerator: UInt128, denominator: UInt128, using rng: inout G) -> Bool {
        var bits = RandomBits()
        if numerator <= UInt128(UInt64.max), denominator <= UInt128(UInt64.max) {
            return bits.bernoulliExpMinus(numerator: UInt64(numerator), denominator: UInt64(denominator), using: &rng)
        }
        return bits.bernoulliExpMinus(numerator: numerator, denominator: denominator, using: &rng)
    }

    /// Returns `true` with probability `exp(−γ)`, validating `γ = numerator/denominator ≥ 0`.
    public static func checkedSampleExpMinus<G: RandomNumberGenerator>(numerator: UInt64, denominator: UInt64, using rng: inout G) throws(DifferentialPrivacyError) -> Bool {
        guard denominator > 0 else { throw .invalidParameter(name: "gamma", reason: "denominator must be > 0") }
        var bits = RandomBits()
        return bits.bernoulliExpMinus(numerator: numerator, denominator: denominator, using: &rng)
    }
}
