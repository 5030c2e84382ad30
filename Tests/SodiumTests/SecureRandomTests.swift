import Sodium
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test func drawsDifferFromCallToCall() {
        var generator = SecureRandom()
        let first = generator.bytes(count: 32), second = generator.bytes(count: 32)
        #expect(first != second)
        #expect(first.count == 32)
    }

    /// Pearson's statistic of `counts` against equal expected counts.
    static func chiSquare(_ counts: [Int]) -> Double {
        let expected = Double(counts.reduce(0, +)) / Double(counts.count)
        return counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    /// `Int.random(in:using:)` over SecureRandom is uniform on 0..<7 (a bucket count that does
    /// not divide 2^64, so a generator whose words were biased or short would show): chi-square
    /// with 6 degrees of freedom below its 1e-6 quantile (39.7, Wilson–Hilferty), and every
    /// bucket hit.
    @Test func boundedDrawsAreUniform() {
        var generator = SecureRandom()
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[Int.random(in: 0..<7, using: &generator)] += 1 }
        #expect(Self.chiSquare(counts) < 39.7, "counts \(counts)")
        #expect(counts.allSatisfy { $0 > 0 })
    }

    /// Each of the 64 bit positions of `next()` is set about half the time (within 6 standard
    /// deviations of 20,000 draws): a stuck, copied or 32-bit-only half of the word fails.
    @Test func everyBitOfNextIsFair() {
        var generator = SecureRandom()
        var ones = [Int](repeating: 0, count: 64)
        let draws = 20_000
        for _ in 0..<draws {
            let word = generator.next()
            for bit in 0..<64 where word & (1 << UInt64(bit)) != 0 { ones[bit] += 1 }
        }
        let bound = 6 * (Double(draws) / 4).squareRoot()
        for (bit, count) in ones.enumerated() {
            #expect(abs(Double(count) - Double(draws) / 2) < bound, "bit \(bit) set \(count) of \(draws) times")
        }
    }

    /// `bytes(count:)` fills the whole buffer uniformly: chi-square over the 256 byte values of
    /// 256 KiB (255 degrees of freedom) below its 1e-6 quantile (377), so unwritten (zero) bytes
    /// or a short fill fail; an empty request is empty.
    @Test func filledBytesAreUniform() {
        var generator = SecureRandom()
        var counts = [Int](repeating: 0, count: 256)
        for byte in generator.bytes(count: 256 * 1024) { counts[Int(byte)] += 1 }
        #expect(Self.chiSquare(counts) < 377, "chi-square \(Self.chiSquare(counts))")
        #expect(generator.bytes(count: 0).isEmpty)
    }
}
