import DifferentialPrivacy
import Foundation
import Sodium
import Testing

/// Chi-square goodness of fit against the exact mass functions (see `GoodnessOfFit` for the
/// bins and the 1e-5 false-failure threshold).
@Suite struct DiscreteSamplerFitTests {
    static func chiSquare(samples: [Int64], mass: (Int64) -> Double) -> (statistic: Double, threshold: Double) {
        GoodnessOfFit.chiSquare(samples: samples, mass: mass)
    }

    static func gaussianMass(sigma: Double) -> (Int64) -> Double {
        var normaliser = 0.0
        let r = Int64(sigma * 40 + 10)
        for k in -r...r { normaliser += exp(-Double(k * k) / (2 * sigma * sigma)) }
        return { k in exp(-Double(k) * Double(k) / (2 * sigma * sigma)) / normaliser }
    }

    @Test(arguments: [0.3, 0.5, 3.0, 10.0, 1000.0, 4000.0])
    func discreteGaussianFits(sigma: Double) throws {
        let sampler = try DiscreteGaussianSampler(sigma: sigma)
        var rng = ChaChaRandom(seed: UInt64(sigma * 1000))
        var samples = [Int64](repeating: 0, count: sigma >= 1000 ? 400_000 : 100_000)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let (stat, threshold) = Self.chiSquare(samples: samples, mass: Self.gaussianMass(sigma: sampler.sigma))
        #expect(stat < threshold, "chi2 \(stat) >= \(threshold)")
    }

    @Test(arguments: [0.4, 2.0, 1000.0, 3000.0])
    func discreteLaplaceFits(scale: Double) throws {
        let sampler = try DiscreteLaplaceSampler(scale: scale)
        var rng = ChaChaRandom(seed: UInt64(scale * 100) + 7)
        var samples = [Int64](repeating: 0, count: scale >= 1000 ? 400_000 : 100_000)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let q = exp(-1 / sampler.scale)
        let mass: (Int64) -> Double = { k in (1 - q) / (1 + q) * pow(q, Double(k.magnitude)) }
        let (stat, threshold) = Self.chiSquare(samples: samples, mass: mass)
        #expect(stat < threshold, "chi2 \(stat) >= \(threshold)")
    }

    /// The sample variance against the exact series Σ k² p(k); 6 standard errors using
    /// the fourth moment, so it cannot pass for a wrong σ by more than ~1%.
    @Test(arguments: [1.5, 10.0])
    func discreteGaussianVarianceMatchesSeries(sigma: Double) throws {
        let sampler = try DiscreteGaussianSampler(sigma: sigma)
        let mass = Self.gaussianMass(sigma: sampler.sigma)
        let r = Int64(sigma * 40 + 10)
        var m2 = 0.0, m4 = 0.0
        for k in -r...r { let x = Double(k); m2 += x * x * mass(k); m4 += x * x * x * x * mass(k) }
        var rng = ChaChaRandom(seed: 99)
        let n = 200_000
        var sum = 0.0
        for _ in 0..<n { let x = Double(sampler.sample(using: &rng)); sum += x * x }
        let se = ((m4 - m2 * m2) / Double(n)).squareRoot()
        #expect(abs(sum / Double(n) - m2) < 6 * se)
        #expect(abs(m2 - sigma * sigma) / (sigma * sigma) < (sigma < 2 ? 0.05 : 1e-6))
    }

    /// σ = 7/3 exercises the fractional-σ path (t = ⌊σ⌋ + 1, 128-bit γ), one scalar
    /// draw at a time (a fresh bit reservoir per call).
    @Test func fractionalSigmaFits() throws {
        let sampler = try DiscreteGaussianSampler(sigmaNumerator: 7, sigmaDenominator: 3)
        #expect(sampler.sigmaNumerator == 7 && sampler.sigmaDenominator == 3)
        var rng = ChaChaRandom(seed: 73)
        let samples = (0..<100_000).map { _ in sampler.sample(using: &rng) }
        let (stat, threshold) = Self.chiSquare(samples: samples, mass: Self.gaussianMass(sigma: 7.0 / 3))
        #expect(stat < threshold, "chi2 \(stat) >= \(threshold)")
    }

    @Test func fractionsAreStoredInLowestTerms() throws {
        let gaussian = try DiscreteGaussianSampler(sigma: 10)
        #expect(gaussian.sigmaNumerator == 10 && gaussian.sigmaDenominator == 1)
        let laplace = try DiscreteLaplaceSampler(scale: 2.5)
        #expect(laplace.scaleNumerator == 5 && laplace.scaleDenominator == 2)
    }

    @Test func badParametersThrow() {
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteGaussianSampler(sigma: 0) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteGaussianSampler(sigma: .nan) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteGaussianSampler(sigma: 1e9) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteLaplaceSampler(scale: -1) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteLaplaceSampler(scaleNumerator: 0) }
    }
}
