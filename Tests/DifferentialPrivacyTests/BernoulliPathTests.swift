import DifferentialPrivacy
import Foundation
import Sodium
import Testing

/// Frequencies of the exact Bernoulli paths that the samplers rarely reach: 128-bit
/// operands, denominators above 2^56 (bit-by-bit comparison) and large γ. Each case
/// checks the hit rate within 6 standard errors over 200,000 draws (false failure
/// < 2e-9), tight enough that an error of one part in 100 cannot pass.
@Suite struct BernoulliPathTests {
    static func expectRate(_ p: Double, seed: UInt64, _ draw: (inout ChaChaRandom) -> Bool) {
        var rng = ChaChaRandom(seed: seed)
        let n = 200_000
        var hits = 0
        for _ in 0..<n where draw(&rng) { hits += 1 }
        let se = (p * (1 - p) / Double(n)).squareRoot()
        #expect(abs(Double(hits) / Double(n) - p) <= 6 * se + 1e-12, "rate \(Double(hits) / Double(n)) vs \(p)")
    }

    @Test func wideDenominators() {
        let big: UInt64 = (1 << 62) + 12345
        Self.expectRate(Double(big / 3) / Double(big), seed: 1) { ExactBernoulli.sample(numerator: UInt64(big / 3), denominator: UInt64(big), using: &$0) }
        let huge = UInt128(1) << 100 | 977
        Self.expectRate(0.6, seed: 2) {
            ExactBernoulli.sample(numerator: huge / 5 * 3, denominator: huge / 5 * 5, using: &$0)
        }
        Self.expectRate(2.0 / 7, seed: 3) { ExactBernoulli.sample(numerator: UInt64(2), denominator: UInt64(7), using: &$0) }
    }

    @Test func expMinusOfLargeAndWideGamma() {
        Self.expectRate(exp(-7.0 / 3), seed: 4) { ExactBernoulli.sampleExpMinus(numerator: 7 << 80, denominator: 3 << 80, using: &$0) }
        Self.expectRate(exp(-0.1), seed: 5) { ExactBernoulli.sampleExpMinus(numerator: 1, denominator: 10, using: &$0) }
        Self.expectRate(exp(-4.0), seed: 6) { ExactBernoulli.sampleExpMinus(numerator: 8, denominator: 2, using: &$0) }
    }

    @Test func degenerateProbabilities() {
        var rng = ChaChaRandom(seed: 7)
        for _ in 0..<1000 {
            #expect(ExactBernoulli.sample(numerator: UInt64(0), denominator: UInt64(5), using: &rng) == false)
            #expect(ExactBernoulli.sample(numerator: UInt64(5), denominator: UInt64(5), using: &rng) == true)
            #expect(ExactBernoulli.sampleExpMinus(numerator: 0, denominator: 5, using: &rng) == true)
        }
    }
}
