import Sodium
import Testing

@Suite("KDF and BLAKE2b")
struct KDFTests {
    let key = SecretBytes((0..<32).map { UInt8($0) })

    /// RFC 7693 Appendix A: BLAKE2b-512("abc").
    @Test func blake2bMatchesRFC7693() throws {
        let digest = BLAKE2b.hash(Array("abc".utf8), length: 64)
        #expect(digest == (try hex("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")))
    }

    @Test func derivationIsDeterministicAndDomainSeparated() throws {
        let a = try KDF.derive(from: key, domain: "PrivAgg.test.a", info: [1, 2])
        #expect(a == (try KDF.derive(from: key, domain: "PrivAgg.test.a", info: [1, 2])))
        #expect(a != (try KDF.derive(from: key, domain: "PrivAgg.test.b", info: [1, 2])))
        #expect(a != (try KDF.derive(from: key, domain: "PrivAgg.test.a", info: [1, 3])))
        // Length prefixes keep ("ab", [c]) and ("a", [b, c]) apart.
        let split1 = try KDF.derive(from: key, domain: "ab", info: [0x63])
        let split2 = try KDF.derive(from: key, domain: "a", info: [0x62, 0x63])
        #expect(split1 != split2)
    }

    @Test func longOutputsAreConsistentBlocks() throws {
        let long = try KDF.derive(from: key, domain: "PrivAgg.test", length: 200)
        #expect(long.count == 200)
        #expect(Set(long.unprotectedCopy).count > 50)
    }

    @Test func badLengthsAreTypedErrors() {
        #expect(throws: SodiumError.lengthOutOfRange(what: "KDF output", range: 1...65536, actual: 0)) {
            try KDF.derive(from: key, domain: "x", length: 0)
        }
        #expect(throws: SodiumError.lengthOutOfRange(what: "KDF input key", range: 16...64, actual: 3)) {
            try KDF.derive(from: SecretBytes([1, 2, 3]), domain: "x")
        }
    }
}
