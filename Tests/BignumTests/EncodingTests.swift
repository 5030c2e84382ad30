import Bignum
import Foundation
import Sodium
import Testing

@Suite("BigInt encodings")
struct EncodingTests {
    @Test func bigEndianRoundTrips() throws {
        var generator = ChaChaRandom(seed: UInt64(3))
        for bits in [1, 7, 8, 9, 63, 64, 65, 1024, 2048, 3071] {
            let value = BigInt.random(bits: bits, using: &generator)
            #expect(BigInt(bigEndianBytes: try value.bigEndianBytes()) == value)
            let padded = try value.bigEndianBytes(count: 400)
            #expect(padded.count == 400 && BigInt(bigEndianBytes: padded) == value)
        }
        #expect(try BigInt(0x0102).bigEndianBytes() == [1, 2])
        #expect(try BigInt(0).bigEndianBytes() == [])
        #expect(BigInt(bigEndianBytes: [0, 0, 1]) == 1)
        #expect(throws: BignumError.negativeValue) { try BigInt(-1).bigEndianBytes() }
        #expect(throws: BignumError.doesNotFit(byteCount: 1, needed: 2)) { try BigInt(256).bigEndianBytes(count: 1) }
    }

    @Test func decimalAndRadixStrings() {
        let text = "-123456789012345678901234567890"
        #expect(BigInt(text)?.description == text)
        #expect(BigInt("ff", radix: 16) == 255)
        #expect(BigInt(255).toString(radix: 16) == "ff")
        for malformed in ["", "-", "12a", " 12", "12 ", "+5", "1_000", "٣"] {
            #expect(BigInt(malformed) == nil, "'\(malformed)' must not parse")
        }
        #expect(BigInt("19", radix: 9) == nil)
    }

    /// RFC 7515 Appendix C's example and JWK-style moduli round-trip through base64url.
    @Test func base64URLRoundTrips() throws {
        #expect(try BigInt(bigEndianBytes: [3, 236, 255, 224, 193]).base64URLEncoded() == "A-z_4ME")
        #expect(try BigInt(base64URL: "A-z_4ME") == BigInt(bigEndianBytes: [3, 236, 255, 224, 193]))
        #expect(try BigInt(base64URL: "AQAB") == 65537)
        #expect(try BigInt(65537).base64URLEncoded() == "AQAB")
        var generator = ChaChaRandom(seed: UInt64(11))
        for bits in [8, 16, 24, 2048, 3072] {
            let value = BigInt.random(bits: bits, using: &generator)
            #expect(try BigInt(base64URL: value.base64URLEncoded()) == value)
        }
    }

    @Test func malformedBase64URLIsATypedError() {
        for malformed in ["", "A", "AB+C", "AB/C", "A*BC", "AQB"] {
            #expect(thrownCase(BignumError.self) { try BigInt(base64URL: malformed) } == "malformedString", "'\(malformed)'")
        }
        #expect(throws: BignumError.negativeValue) { try BigInt(-5).base64URLEncoded() }
    }

    @Test func codableUsesDecimalStrings() throws {
        let value = (BigInt(1) << 200) + 17
        let data = try JSONEncoder().encode([value])
        #expect(String(decoding: data, as: UTF8.self) == "[\"\(value.description)\"]")
        #expect(try JSONDecoder().decode([BigInt].self, from: data) == [value])
        #expect(try JSONDecoder().decode([BigInt].self, from: Data("[42]".utf8)) == [42])
        let error = #expect(throws: DecodingError.self) { try JSONDecoder().decode([BigInt].self, from: Data("[\"4x2\"]".utf8)) }
        guard case .dataCorrupted(let context)? = error else {
            Issue.record("expected dataCorrupted, got \(String(describing: error))")
            return
        }
        #expect(context.debugDescription == "'4x2' is not a decimal integer")
    }
}
