import DifferentialPrivacy
import Sodium

/// Release-mode timing of the exact samplers on vectors, for `privagg bench noise` and the
/// OpenDP comparison in `Benchmarks/peers/run-noise.sh`.
public enum NoiseBenchmark {
    /// One timed case.
    public struct Result: Sendable, Codable, Equatable {
        /// What was timed, e.g. `discrete_gaussian`.
        public let name: String
        /// σ for the Gaussians, b for the Laplaces.
        public let scale: Double
        /// Samples per repetition (the vector length).
        public let count: Int
        /// Best wall time of one repetition, in seconds.
        public let seconds: Double
        /// `count / seconds`.
        public let samplesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case name, scale, count, seconds
            case samplesPerSecond = "samples_per_second"
        }
    }

    /// All cases of one run.
    public struct Report: Sendable, Codable, Equatable {
        /// The generator used (`chacha20` seeded, or `libsodium` CSPRNG).
        public let generator: String
        /// Repetitions per case (the best is kept).
        public let repetitions: Int
        /// The timed cases.
        public let results: [Result]
    }

    /// Times every case on a vector of `count` samples, best of `repetitions`, on one core.
    /// A `seed` selects `ChaChaRandom(seed:)`, otherwise `SecureRandom`.
    public static func run(count: Int = 1_000_000, repetitions: Int = 3, seed: UInt64? = 1) throws(DifferentialPrivacyError) -> Report {
        guard count >= 1, count <= 1 << 28 else {
            throw .invalidParameter(name: "count", reason: "must be in 1...2^28, got \(count)")
        }
        guard repetitions >= 1, repetitions <= 100 else {
            throw .invalidParameter(name: "repetitions", reason: "must be in 1...100, got \(repetitions)")
        }
        if let seed {
            var rng = ChaChaRandom(seed: seed)
            return Report(generator: "chacha20", repetitions: repetitions, results: try cases(count, repetitions, &rng))
        }
        var rng = SecureRandom()
        return Report(generator: "libsodium", repetitions: repetitions, results: try cases(count, repetitions, &rng))
    }

    static func cases<G: RandomNumberGenerator>(_ count: Int, _ repetitions: Int, _ rng: inout G) throws(DifferentialPrivacyError) -> [Result] {
        var integers = [Int64](repeating: 0, count: count)
        var reals = [Double](repeating: 0, count: count)
        var results: [Result] = []
        for sigma in [10.0, 1000.0] {
            let sampler = try DiscreteGaussianSampler(sigma: sigma)
            results.append(time("discrete_gaussian", sigma, count, repetitions) {
                integers.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
            })
        }
        let gaussian = try GaussianMechanism(sigma: 10)
        results.append(time("grid_gaussian", 10, count, repetitions) {
            // The buffer holds zeros plus a few repetitions of noise, far inside the grid.
            do { try gaussian.addNoise(to: &reals, using: &rng) } catch { preconditionFailure("\(error)") }
        })
        let laplace = try DiscreteLaplaceSampler(scale: 10)
        results.append(time("discrete_laplace", 10, count, repetitions) {
            integers.withUnsafeMutableBufferPointer { laplace.fill($0, using: &rng) }
        })
        let gridLaplace = try LaplaceMechanism(scale: 10)
        results.append(time("grid_laplace", 10, count, repetitions) {
            // The buffer holds zeros plus a few repetitions of noise, far inside the grid.
            do { try gridLaplace.addNoise(to: &reals, using: &rng) } catch { preconditionFailure("\(error)") }
        })
        return results
    }

    static func time(_ name: String, _ scale: Double, _ count: Int, _ repetitions: Int, _ body: () -> Void) -> Result {
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<repetitions {
            let elapsed = clock.measure(body)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            best = min(best, seconds)
        }
        return Result(name: name, scale: scale, count: count, seconds: best, samplesPerSecond: Double(count) / best)
    }
}
