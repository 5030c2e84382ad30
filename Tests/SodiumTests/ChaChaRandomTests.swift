import Sodium
import Testing

@Suite("ChaChaRandom")
struct ChaChaRandomTests {
    static let seed = (0..<32).map { UInt8($0) }

    @Test func sameSeedSameStream() throws {
        var first = try ChaChaRandom(seed: Self.seed), second = try ChaChaRandom(seed: Self.seed)
        for _ in 0..<1000 { #expect(first.next() == second.next()) }
    }

    @Test func secretSeedMatchesByteSeed() throws {
        var fromBytes = try ChaChaRandom(seed: Self.seed, stream: 3)
        var fromSecret = try ChaChaRandom(seed: SecretBytes(Self.seed), stream: 3)
        for _ in 0..<100 { #expect(fromBytes.next() == fromSecret.next()) }
        #expect(throws: SodiumError.invalidLength(what: "ChaChaRandom seed", expected: 32, actual: 16)) {
            try ChaChaRandom(seed: SecretBytes(randomCount: 16))
        }
    }

    @Test func differentSeedsOrStreamsDiffer() throws {
        var base = try ChaChaRandom(seed: Self.seed)
        var otherSeed = try ChaChaRandom(seed: [UInt8](repeating: 9, count: 32))
        var otherStream = try ChaChaRandom(seed: Self.seed, stream: 1)
        let values = (0..<4).map { _ in base.next() }
        #expect(values != (0..<4).map { _ in otherSeed.next() })
        #expect(values != (0..<4).map { _ in otherStream.next() })
        var a = ChaChaRandom(seed: UInt64(1)), b = ChaChaRandom(seed: UInt64(2))
        #expect(a.next() != b.next())
    }

    /// The generator reads the original-variant ChaCha20 keystream with a zero nonce.
    @Test func streamIsTheChaCha20Keystream() throws {
        var generator = try ChaChaRandom(seed: Self.seed)
        var expected = [UInt8](repeating: 0, count: 1000)
        try expected.withUnsafeMutableBytes { try ChaCha20.keystream(into: $0, key: Self.seed, nonce: [UInt8](repeating: 0, count: 8)) }
        var produced = [UInt8](repeating: 0, count: 1000)
        produced.withUnsafeMutableBytes { generator.fillBytes($0) }
        #expect(produced == expected)
    }

    /// next(), fill and fillBytes interleave as one byte stream, however they are mixed.
    @Test func mixedReadsFollowOneByteStream() throws {
        var reference = try ChaChaRandom(seed: Self.seed)
        var stream = [UInt8](repeating: 0, count: 4096)
        stream.withUnsafeMutableBytes { reference.fillBytes($0) }

        var generator = try ChaChaRandom(seed: Self.seed)
        var produced: [UInt8] = []
        var odd = [UInt8](repeating: 0, count: 3)
        odd.withUnsafeMutableBytes { generator.fillBytes($0) }
        produced += odd
        let word = generator.next()
        produced += (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) }
        var words = [UInt32](repeating: 0, count: 700)
        words.withUnsafeMutableBufferPointer { generator.fill($0) }
        for value in words { produced += (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
        #expect(produced == Array(stream.prefix(produced.count)))
    }

    @Test func addThenSubtractKeystreamRestoresTheBuffer() throws {
        var values = (0..<10_000).map { UInt32($0) &* 2_654_435_761 }
        let original = values
        var masker = try ChaChaRandom(seed: Self.seed), unmasker = try ChaChaRandom(seed: Self.seed)
        values.withUnsafeMutableBufferPointer { masker.addKeystream(to: $0) }
        #expect(values != original)
        values.withUnsafeMutableBufferPointer { unmasker.subtractKeystream(from: $0) }
        #expect(values == original)
    }

    @Test func copiesContinueIndependently() throws {
        var original = try ChaChaRandom(seed: Self.seed)
        _ = original.next()
        var copy = original
        #expect(original.next() == copy.next())
    }

    /// Bounded draws through the standard library have no modulo bias: chi-square over
    /// 7 cells with 70,000 draws. The 99.99th percentile of χ²(6) is 27.86.
    @Test func boundedDrawsAreUniform() {
        var generator = ChaChaRandom(seed: UInt64(20_261_122))
        var counts = [Int](repeating: 0, count: 7)
        let draws = 70_000
        for _ in 0..<draws { counts[Int.random(in: 0..<7, using: &generator)] += 1 }
        let expected = Double(draws) / 7
        let chiSquare = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 27.86)
    }

    @Test func wrongSeedLengthIsATypedError() {
        #expect(throws: SodiumError.invalidLength(what: "ChaChaRandom seed", expected: 32, actual: 5)) {
            try ChaChaRandom(seed: [1, 2, 3, 4, 5])
        }
    }
}
