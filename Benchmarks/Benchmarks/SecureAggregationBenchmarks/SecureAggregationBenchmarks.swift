// Secure aggregation benchmarks: one client's masks next to raw libsodium ChaCha20 for the
// same bytes, Shamir, message encoding and a whole simulated round, in one run.
// Flower's SecAgg+ primitives are timed by Benchmarks/peers/secagg-vs-flower.sh.
import Benchmark
import RawLibs
import SecureAggregation
import Sodium

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )
    _ = raw_init()

    // One client of (100 clients, 20 neighbours, 10^5 entries): a self mask and 20 pairwise masks.
    let dimension = 100_000, masks = 21
    let seeds = (0..<masks).map { index in (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) } }

    Benchmark("client masks 21 x 10^5 UInt32: ChaChaRandom.addKeystream") { benchmark in
        let words = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: dimension)
        words.initialize(repeating: 0)
        defer { words.deallocate() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for (index, seed) in seeds.enumerated() {
                var generator = try ChaChaRandom(seed: seed)
                if index % 2 == 0 { generator.addKeystream(to: words) } else { generator.subtractKeystream(from: words) }
            }
        }
        blackHole(words[0])
    }

    Benchmark("client masks 21 x 10^5 UInt32: raw libsodium keystream, same bytes") { benchmark in
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: dimension * 4)
        defer { bytes.deallocate() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for seed in seeds { raw_chacha20_keystream(bytes, dimension * 4, seed, 0) }
        }
        blackHole(bytes[0])
    }

    let secret = SecretBytes((0..<32).map { UInt8($0) })
    let holders = (0..<21).map { UInt32($0) }
    var generator = ChaChaRandom(seed: UInt64(2017))
    let shares = (try? Shamir.split(secret, threshold: 11, participants: holders, using: &generator)) ?? []

    Benchmark("Shamir split 32 bytes, 11 of 21", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var random = ChaChaRandom(seed: UInt64(1))
        for _ in benchmark.scaledIterations {
            blackHole(try Shamir.split(secret, threshold: 11, participants: holders, using: &random))
        }
    }

    Benchmark("Shamir combine 32 bytes, 11 shares", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try Shamir.combine(Array(shares.prefix(11)), threshold: 11)) }
    }

    guard let vector = try? ModularVector(words: [UInt32](repeating: 7, count: dimension)) else { return }
    let message = MaskedInput(round: 1, sender: 1, vector: vector)
    let encoded = message.serialized()

    Benchmark("MaskedInput 10^5 entries: encode") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(message.serialized()) }
    }

    Benchmark("MaskedInput 10^5 entries: decode") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try MaskedInput(serialized: encoded)) }
    }

    Benchmark("simulated round: 100 clients, 20 neighbours, 10^4 entries, 10% dropout", configuration: .init(maxIterations: 20)) { benchmark in
        var parameters = SecAggSimulation.Parameters(clientCount: 100, degree: 20, threshold: 11, dimension: 10_000)
        parameters.seed = 7
        parameters.dropouts = [.maskedInputCollection: Set((0..<10).map { UInt32($0 * 10) })]
        for _ in benchmark.scaledIterations {
            let report = try SecAggSimulation.run(parameters)
            precondition(report.sumVerified, "the simulated sum must verify")
            blackHole(report)
        }
    }
}
