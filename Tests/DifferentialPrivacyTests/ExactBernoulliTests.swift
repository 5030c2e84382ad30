import DifferentialPrivacy
import Foundation
import Sodium
import Testing

@Suite struct ExactBernoulliTests {
    /// Bernoulli(exp(−γ)) frequencies for rational γ, n = 200,000: 6 standard errors
    /// (false failure < 2e-9 per case).
    @Test(arguments: [(UInt64(0), UInt64(1)), (1, 3), (1, 1), (5, 2), (7, 3)])
    func expMinusFrequencyMatches(numerator: UInt64, denominator: UInt64) throws {
        var rng = ChaChaRandom(seed: 11 + numerator * 31 + denominator)
        let n = 200_000
        var hits = 0
        for _ in 0..<n where try ExactBernoulli.checkedSampleExpMinus(numerator: numerator, denominator: denominator, using: &rng) {
            hits += 1
        }
        let p = exp(-Double(numerator) / Double(denominator))
        let se = (p * (1 - p) / Double(n)).squareRoot()
        #expect(abs(Double(hits) / Double(n) - p) <= 6 * se + 1e-12)
    }

    @Test func rationalFrequencyMatches() throws {
        var rng = ChaChaRandom(seed: 5)
        let n = 200_000
        var hits = 0
        for _ in 0..<n where try ExactBernoulli.checkedSample(numerator: 2, denominator: 7, using: &rng) { hits += 1 }
        let p = 2.0 / 7, se = (p * (1 - p) / Double(n)).squareRoot()
        #expect(abs(Double(hits) / Double(n) - p) <= 6 * se)
    }

    @Test func invalidProbabilityThrows() {
        var rng = ChaChaRandom(seed: 1)
        #expect(thrownPrivacyError { try ExactBernoulli.checkedSample(numerator: 3, denominator: 2, using: &rng) }?.invalidParameterName == "p")
        #expect(thrownPrivacyError { try ExactBernoulli.checkedSampleExpMinus(numerator: 1, denominator: 0, using: &rng) }?.invalidParameterName == "gamma")
    }
}
