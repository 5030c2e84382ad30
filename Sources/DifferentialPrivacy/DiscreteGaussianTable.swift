import Foundation
import Sodium

/// The discrete Gaussian checks of `papers/canonne2020-discrete-gaussian.md`: for each σ,
/// the exact variance (series), the sample variance of n draws, and the expected (exact
/// series) and measured number of proposal attempts per sample, for our proposal scale
/// (t = σ for integer σ) and for CKS's t = ⌊σ⌋ + 1.
public enum DiscreteGaussianTable {
    /// One σ.
    public struct Row: Sendable, Codable, Equatable {
        /// σ actually used.
        public let sigma: Double
        /// Σ k² p(k), the exact variance (double-precision series).
        public let exactVariance: Double
        /// The sample variance of `count` draws.
        public let sampleVariance: Double
        /// Standard error of the sample variance, sqrt((μ₄ − μ₂²)/n) from the exact series.
        public let varianceStandardError: Double
        /// Expected attempts per sample with the proposal scale used here.
        public let expectedAttempts: Double
        /// Attempts per sample measured over the draws.
        public let measuredAttempts: Double
        /// Expected attempts with CKS's t = ⌊σ⌋ + 1.
        public let expectedAttemptsCKS: Double
        /// The proposal scale t used here.
        public let proposalScale: UInt64
        /// Draws.
        public let count: Int

        enum CodingKeys: String, CodingKey {
            case sigma, count
            case exactVariance = "exact_variance"
            case sampleVariance = "sample_variance"
            case varianceStandardError = "variance_standard_error"
            case expectedAttempts = "expected_attempts"
            case measuredAttempts = "measured_attempts"
            case expectedAttemptsCKS = "expected_attempts_cks"
            case proposalScale = "proposal_scale"
        }
    }

    /// The default σ's: below one, around one, and large.
    public static let defaultSigmas: [Double] = [0.25, 0.5, 1, 2, 3, 10, 100, 1000]

    /// Computes the rows with `count` seeded draws per σ.
    public static func rows(sigmas: [Double] = defaultSigmas, count: Int = 1_000_000, seed: UInt64 = 1) throws(DifferentialPrivacyError) -> [Row] {
        guard count >= 2, count <= 1 << 28 else {
            throw .invalidParameter(name: "count", reason: "must be in 2...2^28, got \(count)")
        }
        var rng = ChaChaRandom(seed: seed)
        var rows: [Row] = []
        for requested in sigmas {
            let sampler = try DiscreteGaussianSampler(sigma: requested)
            let sigma = sampler.sigma
            var bits = RandomBits()
            var attempts = 0
            var sum = 0.0, squares = 0.0
            for _ in 0..<count {
                let x = Double(sampler.sample(using: &rng, bits: &bits, attempts: &attempts))
                sum += x
                squares += x * x
            }
            let mean = sum / Double(count)
            let (m2, m4) = moments(sigma: sigma)
            rows.append(Row(
                sigma: sigma, exactVariance: m2,
                sampleVariance: (squares - Double(count) * mean * mean) / Double(count - 1),
                varianceStandardError: ((m4 - m2 * m2) / Double(count)).squareRoot(),
                expectedAttempts: 1 / acceptance(sigma: sigma, t: Double(sampler.t)),
                measuredAttempts: Double(attempts) / Double(count),
                expectedAttemptsCKS: 1 / acceptance(sigma: sigma, t: (sigma.rounded(.down) + 1)),
                proposalScale: sampler.t, count: count))
        }
        return rows
    }

    /// Second and fourth moments of the discrete Gaussian by direct summation.
    static func moments(sigma: Double) -> (Double, Double) {
        let reach = Int(sigma * 40) + 10
        var z = 0.0, m2 = 0.0, m4 = 0.0
        for k in -reach...reach {
            let x = Double(k), w = exp(-x * x / (2 * sigma * sigma))
            z += w; m2 += x * x * w; m4 += x * x * x * x * w
        }
        return (m2 / z, m4 / z)
    }

    /// P(accept) of one attempt: Σ_y L_t(y)·exp(−(|y| − σ²/t)²/(2σ²)) with L_t the discrete
    /// Laplace mass (1 − q)/(1 + q)·q^|y|, q = e^(−1/t).
    static func acceptance(sigma: Double, t: Double) -> Double {
        let q = exp(-1 / t)
        let reach = Int(max(sigma, t) * 60) + 10
        var total = 0.0
        for y in -reach...reach {
            let a = Double(abs(y))
            let gap = a - sigma * sigma / t
            total += pow(q, a) * exp(-gap * gap / (2 * sigma * sigma))
        }
        return (1 - q) / (1 + q) * total
    }
}
