@testable import Sodium
import Testing

/// A primitive that reports failure must never have its output used (issue 13, item 6).
@Suite("Sodium fails closed")
struct FailClosedTests {
    @Test("AEAD seal throws when the encrypt primitive returns a non-zero status")
    func sealRefusesAFailedEncryptStatus() throws {
        let key = SymmetricKey()
        let nonce = [UInt8](repeating: 7, count: 12)
        let failing: AEAD.EncryptFunction = { _, length, _, _, _, _, _, _, _ in
            length?.pointee = 0
            return -1
        }
        #expect(throws: SodiumError.primitiveFailed(what: "AEAD encryption", status: -1)) {
            try AEAD.seal([1, 2, 3], key: key, nonce: nonce, associatedData: [], using: failing)
        }
    }

    @Test("AEAD seal with the real primitive still round-trips")
    func sealWithTheRealPrimitiveRoundTrips() throws {
        let key = SymmetricKey()
        let nonce = try AEAD.ChaCha20Poly1305.Nonce(rawRepresentation: [UInt8](repeating: 7, count: AEAD.ChaCha20Poly1305.nonceByteCount))
        let sealed = try AEAD.ChaCha20Poly1305.seal([1, 2, 3], using: key, nonce: nonce)
        #expect(sealed.combined.count == 12 + 3 + AEAD.tagByteCount)
        #expect(try AEAD.ChaCha20Poly1305.open(sealed, using: key) == [1, 2, 3])
    }
}
