import Bignum
import Sodium
import Testing

@Suite("BigInt randomness")
struct RandomTests {
    @Test func randomBelowStaysInRangeAndIsUnbiased() throws {
        var generator = ChaChaRandom(seed: UInt64(99))
        let bound = BigInt(6)
        var counts = [Int](repeating: 0, count: 6)
        let draws = 60_000
        for _ in 0..<draws {
            let value = try BigInt.random(below: bound, using: &generator)
            counts[try #require(value.intValue)] += 1
        }
        // χ²(5) 99.99th percentile is 25.74.
        let expected = Double(draws) / 6
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 25.74)
        #expect(throws: BignumError.invalidParameter(name: "bound", reason: "random(below:) needs a positive bound")) { try BigInt.random(below: 0, using: &generator) }
    }

    @Test func randomPrimesHaveExactSizeAndTopBits() throws {
        var generator = ChaChaRandom(seed: UInt64(5))
        for bits in [64, 256, 512] {
            let p = try BigInt.randomPrime(bits: bits, using: &generator)
            #expect(p.bitWidth == bits)
            #expect(p.testBit(bits - 2))
            #expect(p.isProbablePrime())
        }
        let p = try BigInt.randomPrime(bits: 512), q = try BigInt.randomPrime(bits: 512)
        #expect((p * q).bitWidth == 1024)
        #expect(throws: BignumError.invalidParameter(name: "bits", reason: "prime size must be at least 8 bits, got 4")) { try BigInt.randomPrime(bits: 4) }
    }

    @Test func seededDrawsAreReproducible() {
        var a = ChaChaRandom(seed: UInt64(1)), b = ChaChaRandom(seed: UInt64(1))
        #expect(BigInt.random(bits: 1000, using: &a) == BigInt.random(bits: 1000, using: &b))
    }
}
