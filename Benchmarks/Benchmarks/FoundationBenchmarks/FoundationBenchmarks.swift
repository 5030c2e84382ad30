// Foundation benchmarks: PrivAgg's Swift layers next to the raw C calls, in one run.
import Benchmark
import Bignum
import RawLibs
import Sodium

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 10_000
    )
    _ = raw_init()

    let mebibyte = 1 << 20
    let seed = (0..<32).map { UInt8($0) }

    Benchmark("ChaCha20 fill 1 MiB: ChaChaRandom.fill") { benchmark in
        var generator = try ChaChaRandom(seed: seed)
        let words = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: mebibyte / 8)
        defer { words.deallocate() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { generator.fill(words) }
        blackHole(words[0])
    }

    Benchmark("ChaCha20 fill 1 MiB: raw libsodium") { benchmark in
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: mebibyte)
        defer { bytes.deallocate() }
        var counter: UInt64 = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            raw_chacha20_keystream(bytes, mebibyte, seed, counter)
            counter &+= UInt64(mebibyte / 64)
        }
        blackHole(bytes[0])
    }

    let alice = X25519.PrivateKey(), bob = X25519.PrivateKey()
    let aliceSecret = alice.rawRepresentation.unprotectedCopy

    Benchmark("X25519 agreement: Sodium") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try alice.sharedSecret(with: bob.publicKey)) }
    }

    Benchmark("X25519 agreement: raw libsodium") { benchmark in
        var shared = [UInt8](repeating: 0, count: 32)
        for _ in benchmark.scaledIterations { blackHole(raw_x25519(&shared, aliceSecret, bob.publicKey.rawRepresentation)) }
    }

    var generator = ChaChaRandom(seed: UInt64(2017))
    let modulus = BigInt.random(bits: 4096, using: &generator) | (BigInt(1) << 4095) | 1
    let base = (try? BigInt.random(below: modulus, using: &generator)) ?? 3
    let exponent = BigInt.random(bits: 2048, using: &generator) | (BigInt(1) << 2047)
    let factor = (try? BigInt.random(below: modulus, using: &generator)) ?? 5

    Benchmark("modexp 4096/2048: BigInt.formPower") { benchmark in
        var result = BigInt()
        for _ in benchmark.scaledIterations { result.formPower(base, exponent, modulo: modulus) }
        blackHole(result)
    }

    Benchmark("modexp 4096/2048: raw GMP") { benchmark in
        let context = raw_gmp_new(base.description, exponent.description, modulus.description)!
        defer { raw_gmp_free(context) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { raw_gmp_powm(context) }
    }

    Benchmark("modular product 4096: BigInt.formProduct", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var result = BigInt()
        for _ in benchmark.scaledIterations { result.formProduct(base, factor, modulo: modulus) }
        blackHole(result)
    }

    Benchmark("modular product 4096: raw GMP", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let context = raw_gmp_new(base.description, factor.description, modulus.description)!
        defer { raw_gmp_free(context) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { raw_gmp_mulmod(context) }
    }
}
