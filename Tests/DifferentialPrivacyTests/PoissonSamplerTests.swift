@testable import DifferentialPrivacy
import Foundation
import Sodium
import Testing

/// The Poisson sampler's two exact algorithms (sum of Poisson(1) draws below λ = 8, the
/// sublinear envelope rejection from there): chi-square fits against the exact mass function
/// (thresholds in `GoodnessOfFit`: false failure < 1e-5 per case), moments at λ = 2^30,
/// the envelope's exact bounds, and parameter validation.
@Suite struct PoissonSamplerTests {
    static let fitCases: [(UInt64, UInt64, Int)] = [
        (1, 2, 100_000), (13, 4, 100_000), (63, 1, 100_000), (64, 1, 100_000), (2001, 2, 100_000), (1 << 20, 1, 20_000),
    ]
    static let envelopeRates: [(UInt64, UInt64)] = [
        (8, 1), (17, 2), (1000, 1), (2001, 2), (1 << 20, 1), ((1 << 46) - 1, 1024),
        (1 << 36, 1), (UInt64.max, 1 << 28), (UInt64.max, (1 << 32) - 3),
    ]

    /// λ as (numerator, denominator): 0.5 and 3.25 take the thinning path of the sum
    /// algorithm, the rest the envelope. Large λ are binned (width ≈ √λ/16) so each bin
    /// expects hundreds of samples.
    @Test(arguments: Self.fitCases)
    func fitsTheExactMass(numerator: UInt64, denominator: UInt64, count: Int) throws {
        let sampler = try PoissonSampler(rateNumerator: numerator, rateDenominator: denominator)
        let rate = Double(numerator) / Double(denominator)
        var rng = ChaChaRandom(seed: 900 + numerator &* 31 + denominator)
        var samples = [Int64](repeating: 0, count: count)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let (stat, threshold) = Self.binnedChiSquare(samples: samples, rate: rate)
        #expect(stat < threshold, "λ = \(rate): chi2 \(stat) >= \(threshold)")
    }

    /// Both algorithms at the same λ around the switch (the sum algorithm runs at any λ):
    /// each fits the exact mass, and a two-sample chi-square finds them indistinguishable.
    @Test(arguments: [(UInt64(8), UInt64(1)), (19, 2), (63, 1), (257, 4)])
    func bothAlgorithmsAgree(numerator: UInt64, denominator: UInt64) throws {
        let sampler = try PoissonSampler(rateNumerator: numerator, rateDenominator: denominator)
        let envelope = try #require(sampler.envelope)
        let rate = Double(numerator) / Double(denominator)
        let count = 60_000
        var rng = ChaChaRandom(seed: 77 + numerator)
        var bits = RandomBits()
        let bySum = (0..<count).map { _ in sampler.sampleBySum(using: &rng, bits: &bits) }
        let byEnvelope = (0..<count).map { _ in Int64(envelope.sample(using: &rng, bits: &bits)) }
        for (name, samples) in [("sum", bySum), ("envelope", byEnvelope)] {
            let (stat, threshold) = GoodnessOfFit.chiSquare(
                samples: samples, mass: GoodnessOfFit.poissonMass(rate: rate), center: Int64(rate))
            #expect(stat < threshold, "\(name) at λ = \(rate): chi2 \(stat) >= \(threshold)")
        }
        let (stat, threshold) = Self.twoSampleChiSquare(bySum, byEnvelope)
        #expect(stat < threshold, "λ = \(rate): two-sample chi2 \(stat) >= \(threshold)")
    }

    /// λ = 2^30 (about 2^16 Bernoulli draws a sample): mean and variance within 6 standard
    /// errors (SE of the mean √(λ/n); of the sample variance ≈ λ√(2/n), Poisson's excess
    /// kurtosis 1/λ being negligible).
    @Test func momentsAtTwoToTheThirty() throws {
        let rate = Double(1 << 30)
        let sampler = try PoissonSampler(rateNumerator: 1 << 30)
        var rng = ChaChaRandom(seed: 30)
        let n = 1_500
        var samples = [Int64](repeating: 0, count: n)
        samples.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        let deviations = samples.map { Double($0) - rate }
        let mean = deviations.reduce(0, +) / Double(n)
        let variance = deviations.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n - 1)
        #expect(abs(mean) < 6 * (rate / Double(n)).squareRoot(), "mean offset \(mean)")
        #expect(abs(variance - rate) < 6 * rate * (2 / Double(n)).squareRoot(), "variance \(variance)")
    }

    /// The envelope dominates the target exactly: the tail factors at the window's edges
    /// (their largest values) are ≤ 1, T and T′ are the smallest integers that make them so,
    /// and the masses add up; across small, rational, and the largest admitted λ.
    @Test(arguments: Self.envelopeRates)
    func envelopeBoundsAreExact(numerator: UInt64, denominator: UInt64) throws {
        let sampler = try PoissonSampler(rateNumerator: numerator, rateDenominator: denominator)
        let e = try #require(sampler.envelope)
        let p = UInt128(e.p), q = UInt128(e.q), m = UInt128(e.mode), w = UInt128(e.halfWidth)
        #expect(m == p / q && w * w >= m && (w - 1) * (w - 1) < m)
        // Right: pT ≤ q(T−1)(m+w+1), and fails for T − 1.
        let edge = m + w + 1, t = UInt128(e.rightT)
        #expect(p * t <= q * (t - 1) * edge)
        #expect(p * (t - 1) > q * (t - 2) * edge)
        // Left: qT′(m−w) ≤ p(T′−1), and fails for T′ − 1.
        let low = m - w, s = UInt128(e.leftT)
        #expect(q * s * low <= p * (s - 1))
        #expect(s == 1 || q * (s - 1) * low > p * (s - 2))
        #expect(e.totalMass == 2 * e.halfWidth + 1 + e.rightT - 1 + e.leftT - 1)
        #expect(e.rightNumerator == p * t && e.rightScale == q * (t - 1))
        #expect(e.leftScale == q * s && e.leftDenominator == p * (s - 1))
    }

    @Test func sublinearStartsAtTheThreshold() throws {
        let threshold = PoissonSampler.sublinearThreshold
        #expect(try PoissonSampler(rateNumerator: threshold * 4 - 1, rateDenominator: 4).envelope == nil)
        #expect(try PoissonSampler(rateNumerator: threshold).envelope != nil)
        #expect(try PoissonSampler(rate: Double(PoissonSampler.maximumRate)).envelope?.mode == 1 << 36)
        #expect(try PoissonSampler(rateNumerator: 6, rateDenominator: 4).rateDenominator == 2)
    }

    @Test func badRatesAreRefusedByName() {
        for rate in [0, -1, .nan, .infinity, 0x1p36 + 1] {
            #expect(thrownPrivacyError { try PoissonSampler(rate: rate) }?.invalidParameterName == "rate", "rate \(rate)")
        }
        let fractions: [(UInt64, UInt64)] = [(0, 1), (1, 0), (1, (1 << 32) + 1), ((1 << 36) + 1, 1), ((1 << 38) + 1, 4)]
        for (numerator, denominator) in fractions {
            let error = thrownPrivacyError { try PoissonSampler(rateNumerator: numerator, rateDenominator: denominator) }
            #expect(error?.invalidParameterName == "rate", "\(numerator)/\(denominator)")
        }
        #expect(thrownPrivacyError { try SkellamSampler(mu: 0x1p37) }?.invalidParameterName == "rate")
    }

    /// Chi-square against the exact Poisson mass, bins of width ⌈√λ/16⌉ (1 below λ = 256).
    static func binnedChiSquare(samples: [Int64], rate: Double) -> (statistic: Double, threshold: Double) {
        let width = Int64(max(1, (rate.squareRoot() / 16).rounded(.up)))
        let mass = GoodnessOfFit.poissonMass(rate: rate)
        let binned = samples.map { $0 >= 0 ? $0 / width : -1 }
        return GoodnessOfFit.chiSquare(
            samples: binned,
            mass: { bin in bin < 0 ? 0 : (bin * width..<(bin + 1) * width).reduce(0) { $0 + mass($1) } },
            center: Int64(rate) / width)
    }

    /// Two-sample homogeneity chi-square over the values both samples see at least 20 times
    /// together (the rest pooled), with the `GoodnessOfFit` threshold.
    static func twoSampleChiSquare(_ a: [Int64], _ b: [Int64]) -> (statistic: Double, threshold: Double) {
        var countsA: [Int64: Int] = [:], countsB: [Int64: Int] = [:]
        for x in a { countsA[x, default: 0] += 1 }
        for x in b { countsB[x, default: 0] += 1 }
        var cells: [(Double, Double)] = []
        var pooled = (0.0, 0.0)
        for key in Set(countsA.keys).union(countsB.keys) {
            let pair = (Double(countsA[key] ?? 0), Double(countsB[key] ?? 0))
            if pair.0 + pair.1 >= 40 { cells.append(pair) } else { pooled = (pooled.0 + pair.0, pooled.1 + pair.1) }
        }
        if pooled.0 + pooled.1 >= 10 { cells.append(pooled) }
        let na = Double(a.count), nb = Double(b.count), n = na + nb
        var stat = 0.0
        for (x, y) in cells {
            let total = x + y
            let ea = total * na / n, eb = total * nb / n
            stat += (x - ea) * (x - ea) / ea + (y - eb) * (y - eb) / eb
        }
        let df = Double(max(cells.count - 1, 1))
        return (stat, GoodnessOfFit.chiSquareQuantile(df: df) + 5)
    }
}
