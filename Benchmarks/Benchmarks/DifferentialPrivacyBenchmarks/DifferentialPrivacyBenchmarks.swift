// Exact noise samplers on vectors of 10^6 (seeded ChaCha20, one core): the discrete Gaussian
// at σ = 10 and 1000, the grid Gaussian (continuous σ = 10 through the discrete sampler),
// the discrete and grid Laplace, Skellam, and the CSPRNG variant. OpenDP 0.16 makes the same
// vectors in Benchmarks/peers/run-noise.sh (which times `privagg bench noise` in the same run).
import Benchmark
import DifferentialPrivacy
import Sodium

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 20
    )
    let count = 1_000_000

    for sigma in [10.0, 1000.0] {
        Benchmark("discrete Gaussian σ=\(Int(sigma)), 10^6 samples (ChaCha20)") { benchmark in
            let sampler = try DiscreteGaussianSampler(sigma: sigma)
            var rng = ChaChaRandom(seed: 1)
            var buffer = [Int64](repeating: 0, count: count)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                buffer.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
                blackHole(buffer[0])
            }
        }
    }

    Benchmark("discrete Gaussian σ=10, 10^6 samples (libsodium CSPRNG)") { benchmark in
        let sampler = try DiscreteGaussianSampler(sigma: 10)
        var rng = SecureRandom()
        var buffer = [Int64](repeating: 0, count: count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            buffer.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
            blackHole(buffer[0])
        }
    }

    Benchmark("grid Gaussian σ=10, 10^6 values in place") { benchmark in
        let mechanism = try GaussianMechanism(sigma: 10)
        var rng = ChaChaRandom(seed: 2)
        var values = [Double](repeating: 0, count: count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            mechanism.addNoise(to: &values, using: &rng)
            blackHole(values[0])
        }
    }

    Benchmark("discrete Laplace b=10, 10^6 samples") { benchmark in
        let sampler = try DiscreteLaplaceSampler(scale: 10)
        var rng = ChaChaRandom(seed: 3)
        var buffer = [Int64](repeating: 0, count: count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            buffer.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
            blackHole(buffer[0])
        }
    }

    Benchmark("grid Laplace b=10, 10^6 values in place") { benchmark in
        let mechanism = try LaplaceMechanism(scale: 10)
        var rng = ChaChaRandom(seed: 4)
        var values = [Double](repeating: 0, count: count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            mechanism.addNoise(to: &values, using: &rng)
            blackHole(values[0])
        }
    }

    Benchmark("Skellam μ=50, 10^5 samples") { benchmark in
        let sampler = try SkellamSampler(mu: 50)
        var rng = ChaChaRandom(seed: 5)
        var buffer = [Int64](repeating: 0, count: 100_000)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            buffer.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
            blackHole(buffer[0])
        }
    }
}
