import DifferentialPrivacy
import Foundation
import PrivacyAccounting
import Sodium
import Testing

/// Randomized response and the permute-and-flip exponential mechanism: output frequencies
/// against the exact probabilities of their definitions (chi-square, false failure < 1e-5),
/// and their privacy events.
@Suite struct SelectionMechanismTests {
    static func chiSquare(counts: [Int], probabilities: [Double]) -> (Double, Double) {
        let n = Double(counts.reduce(0, +))
        var stat = 0.0
        for (o, p) in zip(counts, probabilities) { stat += (Double(o) - n * p) * (Double(o) - n * p) / (n * p) }
        return (stat, GoodnessOfFit.chiSquareQuantile(df: Double(counts.count - 1)) + 5)
    }

    @Test(arguments: [(1.0, 4), (0.2, 2), (3.0, 10)])
    func randomizedResponseFrequencies(epsilon: Double, buckets: Int) throws {
        let rr = try RandomizedResponse(epsilon: epsilon, buckets: buckets)
        var rng = ChaChaRandom(seed: UInt64(epsilon * 10) + UInt64(buckets))
        var counts = [Int](repeating: 0, count: buckets)
        for _ in 0..<100_000 { counts[try rr.release(1, using: &rng)] += 1 }
        let p = rr.noiseParameter, k = Double(buckets)
        let probabilities = (0..<buckets).map { $0 == 1 ? 1 - p + p / k : p / k }
        let (stat, threshold) = Self.chiSquare(counts: counts, probabilities: probabilities)
        #expect(stat < threshold, "chi2 \(stat) >= \(threshold)")
        // The ratio of the true bucket's probability to another's is e^ε of the mechanism run.
        #expect(abs(log(probabilities[1] / probabilities[0]) - rr.epsilon) < 1e-9)
    }

    @Test func randomizedResponseEventMatchesParameters() throws {
        let rr = try RandomizedResponse(epsilon: 1, buckets: 4)
        #expect(rr.privacyEvent == .randomizedResponse(noiseParameter: rr.noiseParameter, buckets: 4))
        // The accountant's own ε → p helper agrees with the p used to within the 2^−32 rounding.
        guard case .randomizedResponse(let p, 4) = try PrivacyEvent.randomizedResponse(epsilon: 1, buckets: 4) else {
            Issue.record("unexpected event"); return
        }
        #expect(rr.noiseParameter >= p && rr.noiseParameter - p < 1e-9)
        var accountant = try RDPAccountant(neighboringRelation: .replaceOne)
        try accountant.compose(rr.privacyEvent)
        #expect(try accountant.epsilon(delta: 1e-6).epsilon < 1.05)
        // p is rounded up (more noise): ε of the mechanism is at most, and within 1e-8 of, the request.
        #expect(rr.noiseParameter >= 4 / (exp(1.0) + 3))
        #expect(rr.epsilon <= 1 && rr.epsilon > 1 - 1e-8)
        let exact = try RandomizedResponse(noiseNumerator: 1, noiseDenominator: 2, buckets: 3)
        #expect(exact.privacyEvent == .randomizedResponse(noiseParameter: 0.5, buckets: 3))
        var rng = ChaChaRandom(seed: 1)
        #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 0, range: 0...2)) { try exact.release(3, using: &rng) }
        #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 0, range: 0...2)) { try exact.release(-1, using: &rng) }
        #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 1, range: 0...2)) { try exact.release([2, 5, 0], using: &rng) }
        #expect(try (0..<3).contains(exact.release(2, using: &rng)))
        #expect(thrownPrivacyError { try RandomizedResponse(epsilon: 1, buckets: 1) }?.invalidParameterName == "buckets")
        #expect(thrownPrivacyError { try RandomizedResponse(epsilon: .nan, buckets: 3) }?.invalidParameterName == "epsilon")
        #expect(thrownPrivacyError { try RandomizedResponse(noiseNumerator: 3, noiseDenominator: 2, buckets: 3) }?.invalidParameterName == "noise")
    }

    /// Permute-and-flip: P(r) = p_r · Σ_{S ⊆ others} |S|!(n−1−|S|)!/n! · Π_{s∈S}(1 − p_s),
    /// p_r = exp(−ε(q* − q_r)/(2Δ)), enumerated exactly for a small candidate set.
    static func permuteAndFlipProbabilities(scores: [Int64], epsilon: Double, sensitivity: Double, monotonic: Bool) -> [Double] {
        let n = scores.count, best = scores.max()!
        let p = scores.map { exp(-epsilon * Double(best - $0) / ((monotonic ? 1 : 2) * sensitivity)) }
        func factorial(_ m: Int) -> Double { (0..<m).reduce(1.0) { $0 * Double($1 + 1) } }
        return (0..<n).map { r in
            let others = (0..<n).filter { $0 != r }
            var total = 0.0
            for mask in 0..<(1 << others.count) {
                var product = 1.0, size = 0
                for (bit, s) in others.enumerated() where mask & (1 << bit) != 0 { product *= 1 - p[s]; size += 1 }
                total += factorial(size) * factorial(n - 1 - size) / factorial(n) * product
            }
            return p[r] * total
        }
    }

    @Test(arguments: [false, true])
    func permuteAndFlipFrequencies(monotonic: Bool) throws {
        let scores: [Int64] = [0, 2, 3, 5, 5, 1]
        let mechanism = try ExponentialMechanism(epsilonNumerator: 3, epsilonDenominator: 4, sensitivity: 1, monotonic: monotonic)
        var rng = ChaChaRandom(seed: monotonic ? 21 : 22)
        var counts = [Int](repeating: 0, count: scores.count)
        for _ in 0..<100_000 { counts[try mechanism.select(scores: scores, using: &rng)] += 1 }
        let probabilities = Self.permuteAndFlipProbabilities(scores: scores, epsilon: 0.75, sensitivity: 1, monotonic: monotonic)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-12)
        let (stat, threshold) = Self.chiSquare(counts: counts, probabilities: probabilities)
        #expect(stat < threshold, "chi2 \(stat) >= \(threshold)")
    }

    @Test func exponentialMechanismEventAndErrors() throws {
        let mechanism = try ExponentialMechanism(epsilon: 0.5, sensitivity: 2)
        #expect(mechanism.epsilon == 0.5)
        #expect(mechanism.privacyEvent == .zeroConcentrated(rho: 0.125))
        // The default (add/remove) accountant accepts the event.
        var accountant = RDPAccountant()
        try accountant.compose(mechanism.privacyEvent)
        #expect(try accountant.epsilon(delta: 1e-6).epsilon > 0)
        #expect(try ExponentialMechanism(epsilon: 0.1).epsilon <= 0.1)
        var rng = ChaChaRandom(seed: 4)
        #expect(thrownPrivacyError { try mechanism.select(scores: [], using: &rng) }?.invalidParameterName == "scores")
        #expect(try mechanism.select(scores: [.min, .max], using: &rng) == 1)
        #expect(thrownPrivacyError { try ExponentialMechanism(epsilon: 0) }?.invalidParameterName == "epsilon")
        #expect(thrownPrivacyError { try ExponentialMechanism(epsilon: 1, sensitivity: 0) }?.invalidParameterName == "sensitivity")
    }
}
