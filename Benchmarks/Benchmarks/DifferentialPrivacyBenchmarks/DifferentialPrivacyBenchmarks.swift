// Exact noise samplers on vectors of 10^6 (seeded ChaCha20, one core): the discrete Gaussian
// at σ = 10 and 1000, the grid Gaussian (continuous σ = 10 through the discrete sampler),
// the discrete and grid Laplace, Poisson (10^4 samples at λ = 2^10, 2^14, 2^20), Skellam, and
// the CSPRNG variant. OpenDP 0.16 makes the same
// vectors in Benchmarks/peers/run-noise.sh (which times `privagg bench noise` in the same run).
import Benchmark
import DifferentialPrivacy
import Sodium

/// A benchmark that refills one preallocated vector of `count` elements per iteration, so
/// the malloc count measures the sampler alone.
func vectorBenchmark<Element: Numeric, R: RandomNumberGenerator>(
    _ name: String, count: Int, generator: @escaping @Sendable () -> R,
    _ fill: @escaping @Sendable (inout [Element], inout R) -> Void
) {
    Benchmark(name) { benchmark in
        var rng = generator()
        var values = [Element](repeating: 0, count: count)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            fill(&values, &rng)
            blackHole(values[0])
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 20
    )
    let count = 1_000_000
    let seeded: @Sendable (UInt64) -> @Sendable () -> ChaChaRandom = { seed in { ChaChaRandom(seed: seed) } }

    for sigma in [10.0, 1000.0] {
        let sampler = try! DiscreteGaussianSampler(sigma: sigma)
        vectorBenchmark("discrete Gaussian σ=\(Int(sigma)), 10^6 samples (ChaCha20)", count: count, generator: seeded(1)) {
            (values: inout [Int64], rng: inout ChaChaRandom) in values.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        }
    }
    let csprngSampler = try! DiscreteGaussianSampler(sigma: 10)
    vectorBenchmark("discrete Gaussian σ=10, 10^6 samples (libsodium CSPRNG)", count: count, generator: { SecureRandom() }) {
        (values: inout [Int64], rng: inout SecureRandom) in values.withUnsafeMutableBufferPointer { csprngSampler.fill($0, using: &rng) }
    }
    let gaussian = try! GaussianMechanism(sigma: 10)
    vectorBenchmark("grid Gaussian σ=10, 10^6 values in place", count: count, generator: seeded(2)) {
        (values: inout [Double], rng: inout ChaChaRandom) in try! gaussian.addNoise(to: &values, using: &rng)
    }
    let laplaceSampler = try! DiscreteLaplaceSampler(scale: 10)
    vectorBenchmark("discrete Laplace b=10, 10^6 samples", count: count, generator: seeded(3)) {
        (values: inout [Int64], rng: inout ChaChaRandom) in values.withUnsafeMutableBufferPointer { laplaceSampler.fill($0, using: &rng) }
    }
    let laplace = try! LaplaceMechanism(scale: 10)
    vectorBenchmark("grid Laplace b=10, 10^6 values in place", count: count, generator: seeded(4)) {
        (values: inout [Double], rng: inout ChaChaRandom) in try! laplace.addNoise(to: &values, using: &rng)
    }
    // Poisson at λ = 2^10, 2^14, 2^20 (O(√λ) envelope rejection), 10^4 samples each. Release
    // timing of the same fill before and after the sublinear sampler (xoshiro256** source,
    // one core, loaded machine): 67 µs → 0.71 µs at 2^10, 1.0 ms → 2.1 µs at 2^14,
    // 64 ms → 14 µs at 2^20 per sample (see the Poisson sampler's report in issue 17).
    for exponent in [10, 14, 20] {
        let poisson = try! PoissonSampler(rateNumerator: 1 << UInt64(exponent))
        vectorBenchmark("Poisson λ=2^\(exponent), 10^4 samples", count: 10_000, generator: seeded(UInt64(10 + exponent))) {
            (values: inout [Int64], rng: inout ChaChaRandom) in values.withUnsafeMutableBufferPointer { poisson.fill($0, using: &rng) }
        }
    }
    let skellam = try! SkellamSampler(mu: 50)
    vectorBenchmark("Skellam μ=50, 10^5 samples", count: 100_000, generator: seeded(5)) {
        (values: inout [Int64], rng: inout ChaChaRandom) in values.withUnsafeMutableBufferPointer { skellam.fill($0, using: &rng) }
    }
}
