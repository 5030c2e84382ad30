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
            // The cheap check agrees with what a scalar multiplication finds, vector by vector.
            #expect(publicKey.hasSmallOrder == expected.allSatisfy({ $0 == 0 }), "tcId \(vector.tcId): \(vector.comment)")
            if expected.allSatisfy({ $0 == 0 }) {
                #expect(throws: SodiumError.weakPublicKey, "tcId \(vector.tcId)") {
                    try privateKey.sharedSecret(with: publicKey)
                }
                rejectedLowOrder += 1
            } else {
                #expect(vector.result != "invalid", "tcId \(vector.tcId) expected to fail: \(vector.comment)")
                let shared = try privateKey.sharedSecret(with: publicKey)
                #expect(shared.withUnsafeBytes { Array($0) } == expected, "tcId \(vector.tcId): \(vector.comment)")
            }
            checked += 1
        }
        #expect(checked == file.numberOfTests)
        #expect(rejectedLowOrder > 0)
    }

    /// Every listed small-order encoding, with and without the ignored top bit, makes
    /// agreement fail; fresh keys are never flagged.
    @Test func smallOrderListMatchesScalarMultiplication() throws {
        let key = X25519.PrivateKey()
        for flag: UInt8 in [0, 0x80] {
            for bytes in try smallOrderEncodings() {
                var encoding = bytes
                encoding[31] |= flag
                let point = try X25519.PublicKey(rawRepresentation: encoding)
                #expect(point.hasSmallOrder)
                #expect(throws: SodiumError.weakPublicKey) { try key.sharedSecret(with: point) }
            }
        }
        for _ in 0..<100 { #expect(!X25519.PrivateKey().publicKey.hasSmallOrder) }
    }

    private func smallOrderEncodings() throws -> [[UInt8]] {
        [
            try hex("0000000000000000000000000000000000000000000000000000000000000000"),
            try hex("0100000000000000000000000000000000000000000000000000000000000000"),
            try hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
            try hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
            try hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            try hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
            try hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        ]
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
