import DifferentialPrivacy
import Foundation
import PrivacyAccounting
import Sodium
import Testing

/// Chi-square fits of the Poisson and Skellam samplers against their exact mass functions
/// (thresholds in `GoodnessOfFit`: false failure < 1e-5 per case).
@Suite struct PoissonSkellamFitTests {
    @Test(arguments: [(UInt64(3), UInt64(10)), (1, 1), (5, 2), (40, 1), (1000, 3)])
    func poissonFits(numerator: UInt64, denominator: UInt64) throws {
        let sampler = try PoissonSampler(rateNumerator: numerator, rateDenominator: denominator)
        let rate = Double(numerator) / Double(denominator)
        var rng = ChaChaRandom(seed: 500 + numerator * 7 + denominator)
        var samples = [Int64](repeating: 0, count: rate > 100 ? 60_000 : 100_000)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let (stat, threshold) = GoodnessOfFit.chiSquare(
            samples: samples, mass: GoodnessOfFit.poissonMass(rate: rate), center: Int64(rate))
        #expect(stat < threshold, "λ = \(rate): chi2 \(stat) >= \(threshold)")
    }

    @Test(arguments: [(0.5, 0.5), (3.0, 3.0), (2.0, 0.25), (30.0, 30.0)])
    func skellamFits(mu1: Double, mu2: Double) throws {
        let sampler = SkellamSampler(positive: try PoissonSampler(rate: mu1), negative: try PoissonSampler(rate: mu2))
        #expect(sampler.variance == mu1 + mu2)
        var rng = ChaChaRandom(seed: UInt64(mu1 * 100 + mu2 * 10) + 3)
        var samples = [Int64](repeating: 0, count: 100_000)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let (stat, threshold) = GoodnessOfFit.chiSquare(
            samples: samples, mass: GoodnessOfFit.skellamMass(mu1, mu2), center: Int64((mu1 - mu2).rounded()))
        #expect(stat < threshold, "Skellam(\(mu1), \(mu2)): chi2 \(stat) >= \(threshold)")
    }

    /// Poisson(1) through scalar draws (fresh reservoir per call): the mean 1 and variance 1
    /// within 6 standard errors.
    @Test func scalarPoissonMomentsMatch() throws {
        let sampler = try PoissonSampler(rateNumerator: 1)
        var rng = ChaChaRandom(seed: 8)
        let n = 100_000
        var sum = 0.0, squares = 0.0
        for _ in 0..<n { let x = Double(sampler.sample(using: &rng)); sum += x; squares += x * x }
        let mean = sum / Double(n), variance = squares / Double(n) - mean * mean
        #expect(abs(mean - 1) < 6 * (1 / Double(n)).squareRoot())
        // Var of the sample variance of Poisson(1): (μ4 − σ⁴)/n = (3 + 1 − 1)/n.
        #expect(abs(variance - 1) < 6 * (3 / Double(n)).squareRoot())
    }

    @Test func badRatesThrow() {
        #expect(thrownPrivacyError { try PoissonSampler(rate: 0) }?.invalidParameterName == "rate")
        #expect(thrownPrivacyError { try PoissonSampler(rate: .infinity) }?.invalidParameterName == "rate")
        #expect(thrownPrivacyError { try PoissonSampler(rate: 1e11) }?.invalidParameterName == "rate")
        #expect(thrownPrivacyError { try PoissonSampler(rateNumerator: 0) }?.invalidParameterName == "rate")
        #expect(thrownPrivacyError { try SkellamMechanism(mu: 10, sensitivity: 0) }?.invalidParameterName == "l2Sensitivity")
        #expect(thrownPrivacyError { try SkellamMechanism(mu: 10, l1Sensitivity: 1, l2Sensitivity: 2) }?.invalidParameterName == "l1Sensitivity")
    }

    @Test func skellamMechanismEventIsTheSkellamBound() throws {
        let mechanism = try SkellamMechanism(mu: 50, l1Sensitivity: 4, l2Sensitivity: 2)
        #expect(mechanism.mu == 50)
        #expect(mechanism.privacyEvent == .skellam(mu: 50, l1Sensitivity: 4, l2Sensitivity: 2))
        // At every integer order the accountant gives the Agarwal–Kairouz–Liu bound, which is
        // never below the Gaussian of the same variance 2μ and below the old zCDP event's ρα.
        let orders = (2...256).map(Double.init)
        let curve = try RDPAccountant(orders: orders).curve(of: mechanism.privacyEvent)
        let a = 4 / (4 * 50.0), b = 12 / (4 * 50.0)
        for (x, value) in zip(orders, curve) {
            let bound = x * a + min(((2 * x - 1) * 4 + 24) / (16 * 2500), b)
            #expect(abs(value - bound) <= 1e-12 * bound)
            #expect(value >= x * 4 / (2 * 100.0))
            #expect(value <= (8 + 12) / 200.0 * x)
        }
        var rng = ChaChaRandom(seed: 2)
        let edge = mechanism.largestExactMagnitude
        var values: [Int64] = [0, edge, -edge, 7]
        try mechanism.addNoise(to: &values, using: &rng)
        #expect(abs(values[1] - edge) < 1000 && abs(values[2] + edge) < 1000)
        var beyond: [Int64] = [0, .max, 7]
        #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 1, range: -0x1p62...0x1p62)) {
            try mechanism.addNoise(to: &beyond, using: &rng)
        }
        #expect(beyond == [0, .max, 7])
    }
}
