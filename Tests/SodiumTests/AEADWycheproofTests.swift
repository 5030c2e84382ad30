import Sodium
import Testing

@Suite("AEAD against Wycheproof")
struct AEADWycheproofTests {
    struct Group: Decodable {
        var ivSize: Int
        var keySize: Int
        var tagSize: Int
        var tests: [Vector]
    }
    struct Vector: Decodable {
        var tcId: Int
        var comment: String
        var key: String
        var iv: String
        var aad: String
        var msg: String
        var ct: String
        var tag: String
        var result: String
    }

    /// Valid vectors must encrypt to the expected bytes and decrypt back; invalid ones
    /// (modified tags, wrong nonce sizes) must be refused with a typed error.
    @Test(arguments: ["chacha20_poly1305_test", "xchacha20_poly1305_test"])
    func allVectors(file name: String) throws {
        let file = try loadWycheproof(name, as: Group.self)
        let extended = name.hasPrefix("xchacha")
        var valid = 0, invalid = 0
        for group in file.testGroups {
            for vector in group.tests {
                let key = SecretBytes(try hex(vector.key))
                let nonce = try hex(vector.iv), aad = try hex(vector.aad), message = try hex(vector.msg)
                let sealed = try hex(vector.ct) + hex(vector.tag)
                let opened: Result<[UInt8], SodiumError>
                if extended {
                    opened = Result { () throws(SodiumError) in try AEAD.XChaCha20Poly1305.open(nonce + sealed, key: key, associatedData: aad) }
                } else {
                    opened = Result { () throws(SodiumError) in try AEAD.ChaCha20Poly1305.open(sealed, key: key, nonce: nonce, associatedData: aad) }
                }
                if vector.result == "valid" {
                    #expect(try opened.get() == message, "\(name) tcId \(vector.tcId): \(vector.comment)")
                    let resealed = try extended
                        ? AEAD.XChaCha20Poly1305.seal(message, key: key, nonce: nonce, associatedData: aad)
                        : nonce + AEAD.ChaCha20Poly1305.seal(message, key: key, nonce: nonce, associatedData: aad)
                    #expect(resealed == nonce + sealed, "\(name) tcId \(vector.tcId)")
                    valid += 1
                } else {
                    // A nonce of the right size leaves only the tag to fail; a wrong-size nonce is
                    // a length error (or, glued in front of an XChaCha20 box, a shifted tag).
                    let rightNonce = nonce.count == (extended ? 24 : 12)
                    switch opened {
                    case .success:
                        Issue.record("\(name) tcId \(vector.tcId) must be rejected: \(vector.comment)")
                    case .failure(.authenticationFailed):
                        break
                    case .failure(.invalidLength(what: _, expected: 12, actual: nonce.count)) where !rightNonce && !extended:
                        break
                    case .failure(.ciphertextTooShort) where !rightNonce && extended:
                        break
                    case let .failure(error):
                        Issue.record("\(name) tcId \(vector.tcId): \(error), expected authenticationFailed (nonce \(nonce.count) bytes)")
                    }
                    invalid += 1
                }
            }
        }
        #expect(valid + invalid == file.numberOfTests)
        #expect(invalid > 0)
    }

    @Test func associatedDataIsAuthenticated() throws {
        let key = SecretBytes(randomCount: 32)
        let sealed = try AEAD.XChaCha20Poly1305.seal(Array("share".utf8), key: key, associatedData: [1, 2])
        #expect(throws: SodiumError.authenticationFailed) {
            try AEAD.XChaCha20Poly1305.open(sealed, key: key, associatedData: [1, 3])
        }
    }

    @Test func truncatedCiphertextIsATypedError() throws {
        let key = SecretBytes(randomCount: 32)
        let sealed = try AEAD.XChaCha20Poly1305.seal([1, 2, 3], key: key)
        #expect(throws: SodiumError.ciphertextTooShort(minimum: 40, actual: 39)) {
            try AEAD.XChaCha20Poly1305.open(Array(sealed.prefix(39)), key: key)
        }
        for length in 40..<sealed.count {
            #expect(throws: SodiumError.authenticationFailed) {
                try AEAD.XChaCha20Poly1305.open(Array(sealed.prefix(length)), key: key)
            }
        }
    }

    @Test func wrongKeyLengthIsATypedError() {
        #expect(throws: SodiumError.invalidLength(what: "AEAD key", expected: 32, actual: 16)) {
            try AEAD.XChaCha20Poly1305.seal([1], key: SecretBytes(randomCount: 16))
        }
    }
}
