import Sodium
import Testing

@Suite("Ed25519 against Wycheproof")
struct Ed25519WycheproofTests {
    struct Group: Decodable {
        struct PublicKey: Decodable { var pk: String }
        var publicKey: PublicKey
        var tests: [Vector]
    }
    struct Vector: Decodable {
        var tcId: Int
        var comment: String
        var msg: String
        var sig: String
        var result: String
    }

    @Test func verificationMatchesEveryVector() throws {
        let file = try loadWycheproof("ed25519_test", as: Group.self)
        var count = 0
        for group in file.testGroups {
            let key = try Ed25519.VerifyingKey(rawRepresentation: hex(group.publicKey.pk))
            for vector in group.tests {
                // Some invalid vectors carry signatures that are not even hex-decodable lengths.
                let signature = bytes(hex: vector.sig) ?? []
                let accepted = key.isValidSignature(signature, for: try hex(vector.msg))
                #expect(accepted == (vector.result == "valid"), "tcId \(vector.tcId): \(vector.comment)")
                count += 1
            }
        }
        #expect(count == file.numberOfTests)
    }

    @Test func signAndVerifyRoundTrip() throws {
        let key = Ed25519.SigningKey()
        let message = Array("consistency check".utf8)
        let signature = key.signature(for: message)
        try key.verifyingKey.verify(signature, for: message)
        #expect(throws: SodiumError.invalidSignature) {
            try key.verifyingKey.verify(signature, for: message + [0])
        }
        #expect(throws: SodiumError.invalidLength(what: "Ed25519 signature", expected: 64, actual: 63)) {
            try key.verifyingKey.verify(Array(signature.prefix(63)), for: message)
        }
    }

    @Test func seededKeysAreDeterministic() throws {
        let seed = SecretBytes([UInt8](repeating: 7, count: 32))
        #expect(try Ed25519.SigningKey(seed: seed).verifyingKey == Ed25519.SigningKey(seed: seed).verifyingKey)
        #expect(throws: SodiumError.invalidLength(what: "Ed25519 seed", expected: 32, actual: 3)) {
            try Ed25519.SigningKey(seed: SecretBytes([1, 2, 3]))
        }
    }
}
