import DifferentialPrivacy
import Foundation
import Sodium
import Testing

/// Chi-square goodness of fit against the exact mass functions. Bins: each integer
/// with expected count ≥ 20, tails pooled. Threshold: the chi-square quantile at
/// 1 − 1e-5 via Wilson–Hilferty (+ margin), so a false failure is rarer than 1e-5.
@Suite struct DiscreteSamplerFitTests {
    static func chiSquare(samples: [Int64], mass: (Int64) -> Double) -> (statistic: Double, threshold: Double) {
        let n = Double(samples.count)
        var counts: [Int64: Int] = [:]
        for s in samples { counts[s, default: 0] += 1 }
        var low: Int64 = 0
        while mass(low - 1) * n >= 20 { low -= 1 }
        var high: Int64 = 0
        while mass(high + 1) * n >= 20 { high += 1 }
        var stat = 0.0
        var inside = 0.0
        for k in low...high {
            let e = mass(k) * n
            inside += mass(k)
            let o = Double(counts[k] ?? 0)
            stat += (o - e) * (o - e) / e
        }
        let tailExpected = max(1 - inside, 0) * n
        let tailObserved = Double(samples.count - (low...high).reduce(0) { $0 + (counts[$1] ?? 0) })
        var df = Double(high - low)
        if tailExpected >= 5 {
            stat += (tailObserved - tailExpected) * (tailObserved - tailExpected) / tailExpected
            df += 1
        }
        let z = 4.265 // 1 − 1e-5 normal quantile
        let wh = df * pow(1 - 2 / (9 * df) + z * (2 / (9 * df)).squareRoot(), 3)
        return (stat, wh + 5)
    }

    static func gaussianMass(sigma: Double) -> (Int64) -> Double {
        var normaliser = 0.0
        let r = Int64(sigma * 40 + 10)
        for k in -r...r { normaliser += exp(-Double(k * k) / (2 * sigma * sigma)) }
        return { k in exp(-Double(k) * Double(k) / (2 * sigma * sigma)) / normaliser }
    }

    @Test(arguments: [0.5, 3.0, 10.0, 1000.0])
    func discreteGaussianFits(sigma: Double) throws {
        let sampler = try DiscreteGaussianSampler(sigma: sigma)
        var rng = ChaChaRandom(seed: UInt64(sigma * 1000))
        let samples = (0..<(sigma >= 1000 ? 400_000 : 100_000)).map { _ in sampler.sample(using: &rng) }
        let (stat, threshold) = Self.chiSquare(samples: samples, mass: Self.gaussianMass(sigma: sampler.sigma))
        #expect(stat < threshold, "chi2 \(stat) >= \(threshold)")
    }

    @Test(arguments: [0.4, 2.0, 1000.0])
    func discreteLaplaceFits(scale: Double) throws {
        let sampler = try DiscreteLaplaceSampler(scale: scale)
        var rng = ChaChaRandom(seed: UInt64(scale * 100) + 7)
        let samples = (0..<(scale >= 1000 ? 400_000 : 100_000)).map { _ in sampler.sample(using: &rng) }
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

    @Test func badParametersThrow() {
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteGaussianSampler(sigma: 0) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteGaussianSampler(sigma: .nan) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteGaussianSampler(sigma: 1e9) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteLaplaceSampler(scale: -1) }
        #expect(throws: DifferentialPrivacyError.self) { try DiscreteLaplaceSampler(scaleNumerator: 0) }
    }
}
