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
                let key = try SymmetricKey(rawRepresentation: hex(vector.key))
                let nonce = try hex(vector.iv), aad = try hex(vector.aad), message = try hex(vector.msg)
                let sealed = try hex(vector.ct) + hex(vector.tag)
                let opened: Result<[UInt8], SodiumError>
                if extended {
                    opened = Result { () throws(SodiumError) in
                        try AEAD.XChaCha20Poly1305.open(.init(combined: nonce + sealed), using: key, authenticating: aad)
                    }
                } else {
                    opened = Result { () throws(SodiumError) in
                        try AEAD.ChaCha20Poly1305.open(.init(combined: nonce + sealed), using: key, authenticating: aad)
                    }
                }
                if vector.result == "valid" {
                    #expect(try opened.get() == message, "\(name) tcId \(vector.tcId): \(vector.comment)")
                    // One layout for both constructions: nonce ‖ ciphertext ‖ tag.
                    let resealed = try extended
                        ? AEAD.XChaCha20Poly1305.seal(message, using: key, nonce: .init(rawRepresentation: nonce), authenticating: aad).combined
                        : AEAD.ChaCha20Poly1305.seal(message, using: key, nonce: .init(rawRepresentation: nonce), authenticating: aad).combined
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
                    case .failure(.invalidLength(what: "ChaCha20-Poly1305 nonce", expected: 12, actual: nonce.count)) where !rightNonce && !extended:
                        break
                    case .failure(.ciphertextTooShort) where !rightNonce:
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
        let key = SymmetricKey()
        let sealed = try AEAD.XChaCha20Poly1305.seal(Array("share".utf8), using: key, authenticating: [1, 2])
        #expect(throws: SodiumError.authenticationFailed) {
            try AEAD.XChaCha20Poly1305.open(sealed, using: key, authenticating: [1, 3])
        }
        #expect(try AEAD.XChaCha20Poly1305.open(sealed, using: key, authenticating: [1, 2]) == Array("share".utf8))
    }

    @Test func truncatedCiphertextIsATypedError() throws {
        let key = SymmetricKey()
        let sealed = try AEAD.XChaCha20Poly1305.seal([1, 2, 3], using: key).combined
        #expect(throws: SodiumError.ciphertextTooShort(minimum: 40, actual: 39)) {
            try AEAD.XChaCha20Poly1305.SealedBox(combined: sealed.prefix(39))
        }
        #expect(throws: SodiumError.ciphertextTooShort(minimum: 28, actual: 27)) {
            try AEAD.ChaCha20Poly1305.SealedBox(combined: sealed.prefix(27))
        }
        for length in 40..<sealed.count {
            #expect(throws: SodiumError.authenticationFailed) {
                try AEAD.XChaCha20Poly1305.open(.init(combined: sealed.prefix(length)), using: key)
            }
        }
    }

    @Test func wrongKeyAndNonceLengthsAreTypedErrors() {
        #expect(throws: SodiumError.invalidLength(what: "AEAD key", expected: 32, actual: 16)) {
            try SymmetricKey(rawRepresentation: [UInt8](repeating: 1, count: 16))
        }
        #expect(throws: SodiumError.invalidLength(what: "AEAD key", expected: 32, actual: 16)) {
            try SymmetricKey(SecretBytes(randomCount: 16))
        }
        #expect(throws: SodiumError.invalidLength(what: "XChaCha20-Poly1305 nonce", expected: 24, actual: 12)) {
            try AEAD.XChaCha20Poly1305.Nonce(rawRepresentation: [UInt8](repeating: 0, count: 12))
        }
        #expect(throws: SodiumError.invalidLength(what: "ChaCha20-Poly1305 nonce", expected: 12, actual: 24)) {
            try AEAD.ChaCha20Poly1305.Nonce(rawRepresentation: [UInt8](repeating: 0, count: 24))
        }
        #expect(throws: SodiumError.invalidLength(what: "ChaCha20-Poly1305 tag", expected: 16, actual: 15)) {
            try AEAD.ChaCha20Poly1305.SealedBox(
                nonce: .init(rawRepresentation: [UInt8](repeating: 0, count: 12)), ciphertext: [1], tag: [UInt8](repeating: 0, count: 15))
        }
    }

    /// The parts of a box and its combined form agree, for both constructions.
    @Test func sealedBoxPartsMatchTheCombinedLayout() throws {
        let key = SymmetricKey()
        let nonce = try AEAD.ChaCha20Poly1305.Nonce(rawRepresentation: [UInt8](repeating: 9, count: 12))
        let box = try AEAD.ChaCha20Poly1305.seal([1, 2, 3, 4], using: key, nonce: nonce)
        #expect(box.combined == nonce.rawRepresentation + box.ciphertext + box.tag)
        #expect(box.ciphertext.count == 4 && box.tag.count == AEAD.tagByteCount)
        let rebuilt = try AEAD.ChaCha20Poly1305.SealedBox(nonce: box.nonce, ciphertext: box.ciphertext, tag: box.tag)
        #expect(rebuilt == box)
        #expect(try AEAD.ChaCha20Poly1305.SealedBox(combined: box.combined) == box)
        #expect(try AEAD.ChaCha20Poly1305.open(rebuilt, using: key) == [1, 2, 3, 4])
        let extended = try AEAD.XChaCha20Poly1305.seal([5, 6], using: key)
        #expect(extended.combined.count == 24 + 2 + 16)
        #expect(try AEAD.XChaCha20Poly1305.SealedBox(combined: extended.combined) == extended)
    }

    /// A shared secret only reaches an AEAD key through the KDF: the derived key opens what
    /// the other party sealed, and equals the KDF's 32-byte output.
    @Test func sharedSecretsBecomeKeysOnlyThroughTheKDF() throws {
        let alice = X25519.PrivateKey(), bob = X25519.PrivateKey()
        let aliceKey = try KDF.deriveKey(from: alice.sharedSecret(with: bob.publicKey), domain: "PrivAgg.test")
        let bobKey = try KDF.deriveKey(from: bob.sharedSecret(with: alice.publicKey), domain: "PrivAgg.test")
        #expect(aliceKey == bobKey)
        let raw = try KDF.derive(from: alice.sharedSecret(with: bob.publicKey), domain: "PrivAgg.test", length: 32)
        #expect(try SymmetricKey(raw) == aliceKey)
        let box = try AEAD.XChaCha20Poly1305.seal([42], using: aliceKey)
        #expect(try AEAD.XChaCha20Poly1305.open(box, using: bobKey) == [42])
    }
}
