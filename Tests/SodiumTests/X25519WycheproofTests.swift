import Sodium
import Testing

@Suite("X25519 against Wycheproof")
struct X25519WycheproofTests {
    struct Group: Decodable { var tests: [Vector] }
    struct Vector: Decodable {
        var tcId: Int
        var comment: String
        var flags: [String]
        var `public`: String
        var `private`: String
        var shared: String
        var result: String
    }

    /// Every vector: valid ones must match; "acceptable" low-order points (all-zero
    /// shared secret) must be rejected with `weakPublicKey`; acceptable non-canonical
    /// encodings are accepted with the RFC 7748 result, as libsodium does.
    @Test func allVectors() throws {
        let file = try loadWycheproof("x25519_test", as: Group.self)
        var checked = 0, rejectedLowOrder = 0
        for vector in file.testGroups.flatMap(\.tests) {
            let privateKey = try X25519.PrivateKey(rawRepresentation: hex(vector.private))
            let publicKey = try X25519.PublicKey(rawRepresentation: hex(vector.public))
            let expected = try hex(vector.shared)
            if expected.allSatisfy({ $0 == 0 }) {
                #expect(throws: SodiumError.weakPublicKey, "tcId \(vector.tcId)") {
                    try privateKey.sharedSecret(with: publicKey)
                }
                rejectedLowOrder += 1
            } else {
                #expect(vector.result != "invalid", "tcId \(vector.tcId) expected to fail: \(vector.comment)")
                let shared = try privateKey.sharedSecret(with: publicKey)
                #expect(shared.unprotectedCopy == expected, "tcId \(vector.tcId): \(vector.comment)")
            }
            checked += 1
        }
        #expect(checked == file.numberOfTests)
        #expect(rejectedLowOrder > 0)
    }

    @Test func agreementIsSymmetric() throws {
        let alice = X25519.PrivateKey(), bob = X25519.PrivateKey()
        #expect(try alice.sharedSecret(with: bob.publicKey) == bob.sharedSecret(with: alice.publicKey))
    }

    @Test func wrongKeyLengthsAreTypedErrors() {
        #expect(throws: SodiumError.invalidLength(what: "X25519 public key", expected: 32, actual: 31)) {
            try X25519.PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: SodiumError.invalidLength(what: "X25519 private key", expected: 32, actual: 33)) {
            try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 33))
        }
    }
}
