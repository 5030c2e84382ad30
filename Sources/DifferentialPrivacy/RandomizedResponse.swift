import Foundation
import PrivacyAccounting

/// k-ary randomized response: with probability p (the noise parameter) the output is a
/// uniformly random bucket among all k, otherwise the true bucket — exactly the event
/// `.randomizedResponse(noiseParameter: p, buckets: k)` of `PrivacyAccounting`.
///
/// p is a rational `noiseNumerator / noiseDenominator` and is sampled exactly (a lazy
/// Bernoulli(p) and a uniform bucket). The true bucket is reported with probability
/// 1 − p + p/k and each other bucket with p/k, so the mechanism is ε-DP for
/// ε = ln(1 + k(1 − p)/p).
public struct RandomizedResponse: Mechanism {
    /// The number of buckets k ≥ 2; values are bucket indices in `0..<buckets`.
    public let buckets: Int
    /// Numerator of p.
    public let noiseNumerator: UInt64
    /// Denominator of p.
    public let noiseDenominator: UInt64

    /// The denominator used when p is derived from ε.
    public static let epsilonGridDenominator: UInt64 = 1 << 32

    /// Creates the mechanism with noise parameter p = numerator/denominator ∈ (0, 1].
    public init(noiseNumerator: UInt64, noiseDenominator: UInt64, buckets: Int) throws(DifferentialPrivacyError) {
        guard buckets >= 2, buckets <= 1 << 32 else {
            throw .invalidParameter(name: "buckets", reason: "must be in 2...2^32, got \(buckets)")
        }
        guard noiseNumerator >= 1, noiseDenominator >= noiseNumerator else {
            throw .invalidParameter(name: "noise", reason: "need 0 < \(noiseNumerator)/\(noiseDenominator) <= 1")
        }
        self.buckets = buckets
        self.noiseNumerator = noiseNumerator
        self.noiseDenominator = noiseDenominator
    }

    /// The ε-DP mechanism: p = k/(e^ε + k − 1) rounded UP to a multiple of 2^−32 (plus one
    /// step of margin for the floating-point evaluation), so the mechanism run is at least
    /// as private as asked; `epsilon` and the event report the p actually used.
    public init(epsilon: Double, buckets: Int) throws(DifferentialPrivacyError) {
        guard epsilon.isFinite, epsilon > 0, epsilon <= 700 else {
            throw .invalidParameter(name: "epsilon", reason: "must be finite and in (0, 700], got \(epsilon)")
        }
        guard buckets >= 2, buckets <= 1 << 32 else {
            throw .invalidParameter(name: "buckets", reason: "must be in 2...2^32, got \(buckets)")
        }
        let k = Double(buckets)
        let p = k / (k + expm1(epsilon))
        let grid = Double(Self.epsilonGridDenominator)
        let numerator = min(grid, (p * grid).rounded(.up) + 1)
        try self.init(noiseNumerator: UInt64(numerator), noiseDenominator: Self.epsilonGridDenominator, buckets: buckets)
    }

    /// The noise parameter p actually used.
    public var noiseParameter: Double { Double(noiseNumerator) / Double(noiseDenominator) }

    /// The ε of the mechanism as run, ln(1 + k(1 − p)/p).
    public var epsilon: Double { log1p(Double(buckets) * (1 - noiseParameter) / noiseParameter) }

    /// `.randomizedResponse(noiseParameter: p, buckets: k)`.
    public var privacyEvent: PrivacyEvent { .randomizedResponse(noiseParameter: noiseParameter, buckets: buckets) }

    /// Reports `value`, a bucket in `0..<buckets`: itself with probability 1 − p + p/k,
    /// each other bucket with p/k.
    ///
    /// - Throws: `DifferentialPrivacyError.valueOutOfRange(index: 0, range: 0...k−1)` for
    ///   a value that is not a bucket (answering it with a random bucket would hide a
    ///   caller's bug behind output that looks like a release).
    public func release<G: RandomNumberGenerator>(_ value: Int, using rng: inout G) throws(DifferentialPrivacyError) -> Int {
        guard value >= 0, value < buckets else {
            throw .valueOutOfRange(index: 0, range: 0...Double(buckets - 1))
        }
        var bits = RandomBits()
        if bits.bernoulli(numerator: noiseNumerator, denominator: noiseDenominator, using: &rng) {
            return Int(bits.uniform(below: UInt64(buckets), using: &rng))
        }
        return value
    }
}
