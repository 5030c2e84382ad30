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
        // σ is rounded to a multiple of 1/1024 (coarser above 1024), as documented: the mass is
        // that of the σ used, checked here to be the rounding of the σ asked for.
        #expect(abs(sampler.sigma - sigma) <= max(1.0 / 2048, sigma / 1024), "σ \(sampler.sigma) for \(sigma)")
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

    /// Moments of the discrete Gaussian N_Z(0, σ²) by Poisson summation: with b = 2π²σ²,
    /// Σ_k k^j e^{−k²/2σ²} = σ√(2π) Σ_m P_j(m) e^{−b m²}, where P_0 = 1, P_2 = σ² − 4π²σ⁴m² and
    /// P_4 = 3σ⁴ − 24π²σ⁶m² + 16π⁴σ⁸m⁴ (Fourier transforms of x^j e^{−x²/2σ²}). The dual series
    /// shares nothing with the direct sum in `gaussianMass` or with the sampler, so it is an
    /// independent reference for both.
    static func dualMoments(sigma: Double) -> (normaliser: Double, variance: Double, fourth: Double) {
        let s2 = sigma * sigma, pi2 = Double.pi * Double.pi, b = 2 * pi2 * s2
        var z = 0.0, m2 = 0.0, m4 = 0.0
        for m in -20...20 {
            let mm = Double(m * m), weight = exp(-b * mm)
            z += weight
            m2 += (s2 - 4 * pi2 * s2 * s2 * mm) * weight
            m4 += (3 * s2 * s2 - 24 * pi2 * s2 * s2 * s2 * mm + 16 * pi2 * pi2 * s2 * s2 * s2 * s2 * mm * mm) * weight
        }
        return (sigma * (2 * Double.pi).squareRoot() * z, m2 / z, m4 / z)
    }

    /// The test's direct mass function agrees with the dual series (so the chi-square tests
    /// measure the sampler against the right distribution).
    @Test(arguments: [0.3, 0.5, 1.5, 10.0])
    func gaussianMassMatchesDualSeries(sigma: Double) {
        let mass = Self.gaussianMass(sigma: sigma)
        let reference = Self.dualMoments(sigma: sigma)
        #expect(abs(mass(0) * reference.normaliser - 1) < 1e-12)
        let r = Int64(sigma * 40 + 10)
        var m2 = 0.0
        for k in -r...r { m2 += Double(k) * Double(k) * mass(k) }
        #expect(abs(m2 - reference.variance) <= 1e-12 * max(1, reference.variance))
    }

    /// The sampler's variance and P(0) against the dual-series reference at the σ that was
    /// asked for (not the sampler's own idea of σ); 6 standard errors from the reference's
    /// fourth moment. At σ = 0.5 the reference variance is 0.2151, not σ² = 0.25, which 200,000
    /// draws tell apart by about 40 standard errors; at σ = 10 a σ off by 1% moves the variance
    /// 2%, about 6 standard errors.
    @Test(arguments: [0.5, 1.5, 10.0])
    func discreteGaussianVarianceMatchesSeries(sigma: Double) throws {
        let sampler = try DiscreteGaussianSampler(sigma: sigma)
        #expect(sampler.sigma == sigma)  // multiples of 1/1024 are used as given
        let reference = Self.dualMoments(sigma: sigma)
        if sigma == 0.5 { #expect(abs(reference.variance - 0.2151) < 5e-4) }
        var rng = ChaChaRandom(seed: 99)
        let n = 200_000
        var sum = 0.0, zeros = 0
        for _ in 0..<n {
            let draw = sampler.sample(using: &rng)
            sum += Double(draw) * Double(draw)
            if draw == 0 { zeros += 1 }
        }
        let se = ((reference.fourth - reference.variance * reference.variance) / Double(n)).squareRoot()
        #expect(abs(sum / Double(n) - reference.variance) < 6 * se, "variance \(sum / Double(n)), reference \(reference.variance) ± \(se)")
        let p0 = 1 / reference.normaliser
        let p0Error = (p0 * (1 - p0) / Double(n)).squareRoot()
        #expect(abs(Double(zeros) / Double(n) - p0) < 6 * p0Error, "P(0) \(Double(zeros) / Double(n)), reference \(p0)")
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
        #expect(thrownPrivacyError { try DiscreteGaussianSampler(sigma: 0) }?.invalidParameterName == "sigma")
        #expect(thrownPrivacyError { try DiscreteGaussianSampler(sigma: .nan) }?.invalidParameterName == "sigma")
        #expect(thrownPrivacyError { try DiscreteGaussianSampler(sigma: 1e9) }?.invalidParameterName == "sigma")
        #expect(thrownPrivacyError { try DiscreteLaplaceSampler(scale: -1) }?.invalidParameterName == "scale")
        #expect(thrownPrivacyError { try DiscreteLaplaceSampler(scaleNumerator: 0) }?.invalidParameterName == "scale")
    }
}
