// Accounting benchmarks: one RDP ε query for DP-SGD at dp_accounting's default orders
// (q = 0.01, σ = 1.0, 10,000 steps, δ = 1e-5). dp_accounting 0.6.0 answers the same query in
// about 50 ms on the development machine; Benchmarks/peers/run-accounting.sh times both in one run.
import Benchmark
import PrivacyAccounting

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 100_000
    )

    let dpSGD = PrivacyEvent.dpSGD(samplingRate: 0.01, noiseMultiplier: 1.0, steps: 10_000)

    Benchmark("RDP ε query: DP-SGD q=0.01 σ=1 T=10000 δ=1e-5 (default orders)") { benchmark in
        for _ in benchmark.scaledIterations {
            var accountant = RDPAccountant()
            try accountant.compose(dpSGD)
            blackHole(try accountant.epsilon(delta: 1e-5))
        }
    }

    Benchmark("RDP ε query at q=0.1 σ=0.8 (where dp_accounting drops orders)") { benchmark in
        let event = PrivacyEvent.dpSGD(samplingRate: 0.1, noiseMultiplier: 0.8, steps: 1000)
        for _ in benchmark.scaledIterations {
            var accountant = RDPAccountant()
            try accountant.compose(event)
            blackHole(try accountant.epsilon(delta: 1e-5))
        }
    }

    Benchmark("Calibrate σ: ε = 1, δ = 1e-5, q = 0.01, T = 10000") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Calibration.noiseMultiplier(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.01, steps: 10_000))
        }
    }
}
