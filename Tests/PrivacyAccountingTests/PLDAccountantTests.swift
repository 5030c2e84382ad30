import Foundation
import Testing
@testable import PrivacyAccounting

/// The PLD accountant against closed forms and dp_accounting 0.6.0's own test anchors.
@Suite struct PLDAccountantTests {
    /// δ(ε) of the Gaussian mechanism N(0, σ²) with sensitivity 1, exactly.
    static func gaussianDelta(sigma: Double, epsilon: Double) -> Double {
        func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        return phi(-epsilon * sigma + 1 / (2 * sigma)) - exp(epsilon) * phi(-epsilon * sigma - 1 / (2 * sigma))
    }

    /// dp_accounting's pld_privacy_accountant_test anchors: Gaussian σ = √3 composed 3 times,
    /// δ(1) ≈ 0.126936; Poisson q = 0.2, σ = 0.5, 3 steps, δ(1) ≈ 0.15594.
    @Test func dpAccountingAnchors() throws {
        var gaussian = try PLDAccountant()
        try gaussian.compose(.gaussian(noiseMultiplier: 3.0.squareRoot()), count: 3)
        let g = try gaussian.delta(epsilon: 1)
        #expect(abs(g.delta - 0.126936) < 1e-5)
        #expect(g.delta >= Self.gaussianDelta(sigma: 1, epsilon: 1))
        var sampled = try PLDAccountant()
        try sampled.compose(.poissonSampled(rate: 0.2, event: .gaussian(noiseMultiplier: 0.5)), count: 3)
        let s = try sampled.delta(epsilon: 1)
        #expect(abs(s.delta - 0.15594) < 1e-4)
        #expect(try #require(s.deltaLower) <= s.delta)
    }

    /// Gaussians composed through convolution (heterogeneous) and FFT self-composition of the
    /// composed pair: N(0, σᵢ²) composed is the Gaussian with σ = (Σ σᵢ⁻²)^{−1/2} in closed
    /// form; the upper estimate must lie above it and the lower bound below.
    @Test(arguments: [(2.0, 3.0, 1), (2.0, 3.0, 50), (1.0, 4.0, 200)])
    func composedGaussiansBracketTheClosedForm(first: Double, second: Double, count: Int) throws {
        var accountant = try PLDAccountant()
        try accountant.compose(.selfComposed(.composed([.gaussian(noiseMultiplier: first), .gaussian(noiseMultiplier: second)]), count: count))
        let sigma = 1 / (Double(count) * (1 / (first * first) + 1 / (second * second))).squareRoot()
        for epsilon in [0.1, 0.5, 1.0, 2.0, 4.0] {
            let exact = Self.gaussianDelta(sigma: sigma, epsilon: epsilon)
            let answer = try accountant.delta(epsilon: epsilon)
            #expect(answer.delta >= exact * (1 - 1e-9), "upper \(answer.delta) < exact \(exact) at ε = \(epsilon)")
            #expect(try #require(answer.deltaLower) <= exact * (1 + 1e-9), "lower above exact at ε = \(epsilon)")
            #expect(answer.delta <= exact * 1.01 + 1e-12)
        }
    }

    /// The FFT self-composition against an exact answer: randomized response (replace one)
    /// composed T times has losses jL (|j| ≤ T) with trinomial probabilities.
    @Test(arguments: [1, 7, 40, 300])
    func randomizedResponseCompositionBracketsTheExactTrinomial(count: Int) throws {
        let p = 0.5, k = 2
        var accountant = try PLDAccountant(neighboringRelation: .replaceOne)
        try accountant.compose(.randomizedResponse(noiseParameter: p, buckets: k), count: count)
        // Binary RR: loss +L with probability a = 1 − p/2, −L with b = p/2.
        let a = 1 - p / 2, b = p / 2, loss = log(a / b)
        for epsilon in [0.0, 0.3, 1.0, 3.0] {
            var exact = 0.0
            for plus in 0...count {
                let total = Double(2 * plus - count) * loss
                guard total > epsilon else { continue }
                let logMass = lgamma(Double(count + 1)) - lgamma(Double(plus + 1)) - lgamma(Double(count - plus + 1))
                    + Double(plus) * log(a) + Double(count - plus) * log(b)
                exact += exp(logMass) * -expm1(epsilon - total)
            }
            let answer = try accountant.delta(epsilon: epsilon)
            #expect(answer.delta >= exact - 1e-12, "upper below exact at T = \(count), ε = \(epsilon)")
            #expect(try #require(answer.deltaLower) <= exact + 1e-12, "lower above exact at T = \(count), ε = \(epsilon)")
        }
    }

    /// The headline: DP-SGD at q = 0.01, σ = 1, 10⁴ steps, δ = 1e-5: dp_accounting's PLD
    /// gives 6.19 and RDP 6.71; the interval is narrow and RDP is looser.
    @Test func dpSGDIsTighterThanRDP() throws {
        let event = PrivacyEvent.dpSGD(samplingRate: 0.01, noiseMultiplier: 1, steps: 10_000)
        let pld = try PLDAccountant().composing(event).epsilon(delta: 1e-5)
        let rdp = try RDPAccountant().composing(event).epsilon(delta: 1e-5)
        let lower = try #require(pld.epsilonLower)
        #expect(lower <= pld.epsilon)
        #expect(pld.epsilon < rdp.epsilon)
        #expect(pld.epsilon - lower < 0.1, "interval [\(lower), \(pld.epsilon)]")
    }

    @Test func nonPrivateAndUnsupportedEvents() throws {
        var accountant = try PLDAccountant()
        #expect(!accountant.supports(.zeroConcentrated(rho: 0.1)))
        #expect(throws: PrivacyAccountingError.unsupportedEvent(
            event: "randomized_response(p=0.5, k=2)",
            reason: "randomized response needs the replace_one or replace_special neighbouring relation")) {
            try accountant.compose(.composed([.gaussian(noiseMultiplier: 1), .randomizedResponse(noiseParameter: 0.5, buckets: 2)]))
        }
        // Nothing was composed by the failed call.
        #expect(try accountant.epsilon(delta: 1e-5).epsilon == 0)
        try accountant.compose(.nonPrivate)
        #expect(try accountant.epsilon(delta: 1e-5).epsilon == .infinity)
    }

    /// The add direction is read off the remove direction as its dual: for the Poisson-sampled
    /// Gaussian it matches the add direction's own closed-form δ at every grid point.
    @Test func dualOfTheRemoveDirectionIsTheAddDirection() throws {
        let h = 1e-3
        let remove = AdditiveNoiseCurve(noise: .gaussian(sigma: 0.8), sensitivity: 1, samplingRate: 0.1, direction: .remove)
        let add = AdditiveNoiseCurve(noise: .gaussian(sigma: 0.8), sensitivity: 1, samplingRate: 0.1, direction: .add)
        let dual = remove.connectTheDots(step: h).dual()
        for epsilon in stride(from: 0.0, through: 0.1, by: 0.01) {
            let direct = add.delta(epsilon)
            #expect(abs(dual.delta(epsilon: epsilon) - direct) <= 1e-9 + 1e-6 * direct, "ε = \(epsilon)")
        }
        // Randomized response against a special value: p = 0 leaves the add direction non-private.
        let rr = AtomicLossCurve.randomizedResponse(p: 0, buckets: 4, relation: .replaceSpecial, direction: .remove)
        #expect(abs(rr.connectTheDots(step: h).dual().infinityMass - 0.75) < 1e-12)
    }

    /// A mechanism whose loss would not fit the grid is refused by name, and nothing is composed.
    @Test func nearlyNonPrivateMechanismsAreRefusedNotAllocated() throws {
        var accountant = try PLDAccountant()
        try accountant.compose(.gaussian(noiseMultiplier: 2))
        let before = try accountant.epsilon(delta: 1e-5)
        #expect(throws: PrivacyAccountingError.unsupportedEvent(
            event: "gaussian(σ=0.0001)",
            reason: "its privacy loss needs more than 2^25 grid points of h = 0.0001 (a nearly non-private mechanism at this resolution); "
                + "use the RDP accountant or a larger discretization")) {
            try accountant.compose(.gaussian(noiseMultiplier: 1e-4))
        }
        #expect(try accountant.epsilon(delta: 1e-5) == before)
        #expect(throws: PrivacyAccountingError.unsupportedEvent(
            event: "discrete_gaussian(σ=1000000.0, Δ=1.0)", reason: "σ = 1000000.0 is too large for an exact distribution (at most 1e5)")) {
            try accountant.compose(.discreteGaussian(sigma: 1e6, sensitivity: 1))
        }
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "discretization", reason: "must be in (0, 1], got 0.0")) {
            try PLDAccountant(discretization: 0)
        }
    }
}
