// Paillier benchmarks: fast (DJN) and standard encryption, CRT decryption, addition and
// packed vectors at 2048 and 3072 bits. The python-paillier comparison in the same run
// is Benchmarks/peers/run-paillier.sh.
import Benchmark
import Bignum
import Paillier

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    for bits in [2048, 3072] {
        guard let key = try? Paillier.PrivateKey.generate(bits: bits),
              let fast = try? Paillier.ShortExponentEncryptor(publicKey: key.publicKey),
              let scheme = try? Paillier.PackingScheme(publicKey: key.publicKey, valueBits: 16, maxAddends: 1024),
              let ciphertext = try? fast.encrypt(123_456),
              let other = try? fast.encrypt(654_321) else { continue }
        let publicKey = key.publicKey
        let values = (0..<scheme.slotsPerPlaintext).map { ($0 * 7919) % 65535 - 32767 }

        Benchmark("encrypt fast (DJN short exponent) \(bits)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try fast.encrypt(123_456)) }
        }
        Benchmark("encrypt standard r^n \(bits)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try publicKey.encrypt(123_456)) }
        }
        Benchmark("encrypt key owner CRT \(bits)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try key.encrypt(123_456)) }
        }
        Benchmark("encrypt packed \(scheme.slotsPerPlaintext) values \(bits)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try Paillier.PackedCiphertext(encrypting: values, scheme: scheme, encryptor: fast))
            }
        }
        Benchmark("decrypt CRT \(bits)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try key.decrypt(ciphertext)) }
        }
        Benchmark("add (product mod n²) \(bits)") { benchmark in
            var accumulator = ciphertext
            for _ in benchmark.scaledIterations { try accumulator.add(other) }
            blackHole(accumulator)
        }
    }
}
