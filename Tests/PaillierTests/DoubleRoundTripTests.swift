import Bignum
import Foundation
import Paillier
import Sodium
import Testing

/// Every finite Double round-trips exactly through python-paillier's `EncodedNumber`
/// (issue 13, item 8): `3e-308` came back as 2.9999999999999997e-308 (the decimal was
/// rounded to the 16^e grid, then again on decoding) and `1e-308` as 0.0 (the decoder
/// scaled by a power of two that underflowed).
@Suite("Paillier encodes every Double exactly")
struct DoubleRoundTripTests {
    static let publicKey = TestKeys.key3072.publicKey

    /// The bit pattern of the value python-paillier decodes (it returns +0.0 for ±0).
    static func decodedBits(_ value: Double) -> UInt64 { value == 0 ? 0 : value.bitPattern }

    static func assertRoundTrip(_ value: Double, _ sourceLocation: SourceLocation = #_sourceLocation) throws {
        for maxExponent in [nil, -32] as [Int?] {
            let encoded = try Paillier.EncodedNumber(value, publicKey: publicKey, maxExponent: maxExponent)
            let decoded = try encoded.doubleValue()
            #expect(decoded.bitPattern == decodedBits(value), "\(value) (max \(String(describing: maxExponent))) → \(decoded)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("python-paillier's golden encodings: same exponent, same mantissa, same decoded Double")
    func matchesPythonPaillierGolden() throws {
        let lines = String(decoding: Fixtures.data("encoding-golden.tsv"), as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(lines.count == 400)
        for line in lines {
            let fields = line.split(separator: "\t").map(String.init)
            try #require(fields.count == 5)
            let value = Double(bitPattern: try #require(UInt64(fields[0], radix: 16)))
            for (maxExponent, offset) in [(nil, 1), (-32, 3)] as [(Int?, Int)] {
                let encoded = try Paillier.EncodedNumber(value, publicKey: Self.publicKey, maxExponent: maxExponent)
                let text = fields[offset + 1]
                let magnitude = try #require(BigInt(text.hasPrefix("-") ? String(text.dropFirst()) : text, radix: 16))
                #expect(encoded.exponent == Int(fields[offset]), "\(fields[0]) exponent")
                #expect(try encoded.mantissa() == (text.hasPrefix("-") ? -magnitude : magnitude), "\(fields[0]) mantissa")
                #expect(try encoded.doubleValue().bitPattern == Self.decodedBits(value), "\(fields[0]) decoded")
            }
        }
    }

    @Test("random bit patterns, subnormals included, round-trip exactly")
    func randomBitPatternsRoundTrip() throws {
        var generator = ChaChaRandom(seed: UInt64(20261130))
        var checked = 0, subnormals = 0
        while checked < 20_000 {
            var bits = generator.next()
            // Every fourth pattern forced subnormal (exponent field 0).
            if checked % 4 == 0 { bits &= ~(UInt64(0x7FF) << 52) }
            let value = Double(bitPattern: bits)
            guard value.isFinite else { continue }
            if value.isSubnormal { subnormals += 1 }
            try Self.assertRoundTrip(value)
            checked += 1
        }
        #expect(subnormals >= 5_000)
    }

    /// Text of random Doubles (shortest form, and 25 significant digits, which is not the
    /// Double itself) decodes to `float(text)`.
    @Test("decimal text of random Doubles decodes to float(text)")
    func randomDecimalTextRoundTrips() throws {
        var generator = ChaChaRandom(seed: UInt64(308))
        var checked = 0
        while checked < 2_000 {
            var bits = generator.next()
            if checked % 4 == 0 { bits &= ~(UInt64(0x7FF) << 52) }
            let value = Double(bitPattern: bits)
            guard value.isFinite else { continue }
            for text in [value.description, String(format: "%.24e", value)] {
                let expected = try #require(Double(text))
                for maxExponent in [nil, -32] as [Int?] {
                    let encoded = try Paillier.EncodedNumber(decimal: .init(text), publicKey: Self.publicKey, maxExponent: maxExponent)
                    #expect(try encoded.doubleValue().bitPattern == Self.decodedBits(expected), "\(text)")
                }
            }
            checked += 1
        }
    }

    @Test("the edges: ±0, the smallest subnormal, the subnormal/normal border, the largest finite")
    func edgeValuesRoundTrip() throws {
        let edges: [Double] = [
            0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, Double.leastNormalMagnitude,
            Double.leastNormalMagnitude.nextDown, Double.leastNormalMagnitude.nextUp, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, Double.greatestFiniteMagnitude.nextDown, 1, -1, 0.1, 1e-320, 3e-308, 1e-308,
            0x1p-1073, 0x1.8p-1073, Double(sign: .plus, exponent: -1050, significand: 1.5),
        ]
        for value in edges { try Self.assertRoundTrip(value) }
    }

    @Test("decimal text decodes to float(text), as pheutil's does, through real encryption")
    func decimalTextThroughEncryption() throws {
        let key = TestKeys.key3072
        for text in ["3e-308", "1e-308", "5e-324", "2.2250738585072014e-308", "1.7976931348623157e308", "-4.9e-324",
                     "0.1", "-12.5", "123456789012345678901234567890", "1e-320"] {
            let expected = try #require(Double(text))
            let number = try Paillier.EncryptedNumber(
                encrypting: .init(decimal: .init(text), publicKey: key.publicKey, maxExponent: -32))
            let decrypted = try number.decrypt(with: key)
            #expect(try decrypted.doubleValue().bitPattern == expected.bitPattern, "\(text)")
            #expect(try decrypted.decimalText() == expected.description, "\(text)")
        }
    }

    /// The fixed-point decoder shares the exact division: a result below the normal range
    /// is rounded once (ties to even), not flushed to zero.
    @Test("fixed-point decoding into the subnormal range rounds once")
    func fixedPointDecodesSubnormals() throws {
        let encoding = try Paillier.FixedPointEncoding(publicKey: Self.publicKey, fractionalBits: 1000)
        let scale = 2000  // two factors of 2^1000
        func decode(_ integer: BigInt) throws -> Double {
            try encoding.decode(try encoding.signed.encode(integer), scaleCount: 2)
        }
        #expect(try decode(BigInt(1) << (scale - 1074)) == .leastNonzeroMagnitude)
        #expect(try decode(-(BigInt(1) << (scale - 1074))) == -.leastNonzeroMagnitude)
        // 1.5 and 2.5 units of 2^−1074: ties to even, 2 units both times.
        #expect(try decode(BigInt(3) << (scale - 1075)) == 2 * .leastNonzeroMagnitude)
        #expect(try decode(BigInt(5) << (scale - 1075)) == 2 * .leastNonzeroMagnitude)
        // Just above half the smallest subnormal rounds up; exactly half rounds to 0.
        #expect(try decode((BigInt(1) << (scale - 1075)) + 1) == .leastNonzeroMagnitude)
        #expect(try decode(BigInt(1) << (scale - 1075)) == 0)
        #expect(try decode(BigInt(1) << (scale - 1022)) == .leastNormalMagnitude)
    }
}
