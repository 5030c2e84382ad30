import Foundation
import PrivacyAccounting

/// The exponential mechanism by permute-and-flip (McKenna–Sheldon 2020), exact.
///
/// Given integer (quantized) scores q_r of sensitivity Δ, visit the candidates in a
/// uniformly random order and return the first r for which Bernoulli(exp(−ε(q* − q_r)/(2Δ)))
/// succeeds, q* = max q (Δ instead of 2Δ when the scores are monotonic). The best candidate
/// always succeeds, so at most n candidates are visited. ε is rational, and every
/// Bernoulli(exp(−γ)) has rational γ and is exact (CKS 2020, Algorithm 1). Permute-and-flip
/// is ε-DP and never worse in expected score than the classic exponential mechanism.
///
/// Not a `Mechanism` (it maps scores to an index, not a value to a value), but it carries
/// its `privacyEvent`: as an ε-DP mechanism it is (ε²/2)-zCDP (Bun–Steinke 2016,
/// Prop. 1.4), an event every neighbouring relation of `RDPAccountant` accepts.
public struct ExponentialMechanism: Sendable, Equatable {
    /// Numerator of ε.
    public let epsilonNumerator: UInt64
    /// Denominator of ε.
    public let epsilonDenominator: UInt64
    /// The sensitivity Δ of the scores, in score units.
    public let sensitivity: UInt64
    /// Whether the scores are monotonic (adding a record never lowers any score), which
    /// halves the exponent's denominator.
    public let monotonic: Bool

    /// Creates the mechanism with ε = numerator/denominator and score sensitivity Δ
    /// (all in 1...2^40).
    public init(epsilonNumerator: UInt64, epsilonDenominator: UInt64, sensitivity: UInt64, monotonic: Bool = false) throws(DifferentialPrivacyError) {
        guard (1...(1 << 40)).contains(epsilonNumerator), (1...(1 << 40)).contains(epsilonDenominator) else {
            throw .invalidParameter(name: "epsilon", reason: "numerator and denominator must be in 1...2^40")
        }
        guard (1...(1 << 40)).contains(sensitivity) else {
            throw .invalidParameter(name: "sensitivity", reason: "must be in 1...2^40, got \(sensitivity)")
        }
        let divisor = greatestCommonDivisor(epsilonNumerator, epsilonDenominator)
        self.epsilonNumerator = epsilonNumerator / divisor
        self.epsilonDenominator = epsilonDenominator / divisor
        self.sensitivity = sensitivity
        self.monotonic = monotonic
    }

    /// Creates the mechanism with ε rounded DOWN to a multiple of 2^−20 (at least 2^−20),
    /// so it is never less private than asked; `epsilon` reports the value used.
    public init(epsilon: Double, sensitivity: UInt64 = 1, monotonic: Bool = false) throws(DifferentialPrivacyError) {
        guard epsilon.isFinite, epsilon >= 0x1p-20, epsilon <= 0x1p20 else {
            throw .invalidParameter(name: "epsilon", reason: "must be finite and in [2^-20, 2^20], got \(epsilon)")
        }
        try self.init(epsilonNumerator: UInt64((epsilon * 0x1p20).rounded(.down)), epsilonDenominator: 1 << 20,
                      sensitivity: sensitivity, monotonic: monotonic)
    }

    /// The ε actually used.
    public var epsilon: Double { Double(epsilonNumerator) / Double(epsilonDenominator) }

    /// `.zeroConcentrated(rho: ε²/2)`: what ε-DP implies (Bun–Steinke 2016, Prop. 1.4).
    public var privacyEvent: PrivacyEvent { .zeroConcentrated(rho: epsilon * epsilon / 2) }

    /// The index of the selected candidate. Allocates one permutation of the indices.
    ///
    /// - Throws: `DifferentialPrivacyError.invalidParameter` for an empty score list.
    public func select<G: RandomNumberGenerator>(scores: [Int64], using rng: inout G) throws(DifferentialPrivacyError) -> Int {
        guard let best = scores.max() else {
            throw .invalidParameter(name: "scores", reason: "need at least one candidate")
        }
        var bits = RandomBits()
        var order = Array(scores.indices)
        // γ_r = (q* − q_r)·ε_num / (ε_den·c·Δ), c = 2 or 1; (q* − q_r) < 2^64 and the
        // factors are ≤ 2^40, so both sides fit in UInt128.
        let denominator = UInt128(epsilonDenominator) * UInt128(sensitivity) * (monotonic ? 1 : 2)
        for i in order.indices {
            // Lazy Fisher–Yates: position i receives a uniform choice among the rest.
            let j = i + Int(bits.uniform(below: UInt64(order.count - i), using: &rng))
            order.swapAt(i, j)
            let candidate = order[i]
            let gap = UInt64(bitPattern: best &- scores[candidate])
            let numerator = UInt128(gap) * UInt128(epsilonNumerator)
            if bits.bernoulliExpMinus(numerator: numerator, denominator: denominator, using: &rng) {
                return candidate
            }
        }
        // Unreachable: the best candidate has γ = 0 and always succeeds.
        return order[order.count - 1]
    }
}
