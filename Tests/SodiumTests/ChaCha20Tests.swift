import Sodium
import Testing

@Suite("ChaCha20 keystream (RFC 8439, Appendix A.1)")
struct ChaCha20Tests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var key: String, nonce: String, counter: UInt32, keystream: String
        var testDescription: String { "counter \(counter), key …\(key.suffix(4)), nonce …\(nonce.suffix(4))" }
    }

    // RFC 8439 A.1 test vectors #1–#5 (also re-derived with pyca/cryptography 48.0.0).
    static let vectors: [Vector] = [
        Vector(key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12), counter: 0,
               keystream: "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586"),
        Vector(key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 12), counter: 1,
               keystream: "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f"),
        Vector(key: String(repeating: "00", count: 31) + "01", nonce: String(repeating: "00", count: 12), counter: 1,
               keystream: "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0"),
        Vector(key: "00ff" + String(repeating: "00", count: 30), nonce: String(repeating: "00", count: 12), counter: 2,
               keystream: "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096"),
        Vector(key: String(repeating: "00", count: 32), nonce: String(repeating: "00", count: 11) + "02", counter: 0,
               keystream: "c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d"),
    ]

    @Test(arguments: vectors)
    func ietfKeystreamMatchesRFC(_ vector: Vector) throws {
        let stream = try ChaCha20.ietfKeystream(key: hex(vector.key), nonce: hex(vector.nonce), counter: vector.counter, count: 64)
        #expect(stream == (try hex(vector.keystream)))
    }

    /// The original variant with a 64-bit counter equals the IETF one whose nonce starts
    /// with four zero bytes, so ChaChaRandom's stream is tied to the RFC vectors too.
    @Test func originalVariantMatchesIETFWithZeroNoncePrefix() throws {
        let key = (0..<32).map { UInt8($0) }
        let nonce: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        var original = [UInt8](repeating: 0xAA, count: 200)
        try original.withUnsafeMutableBytes { try ChaCha20.keystream(into: $0, key: key, nonce: nonce, counter: 3) }
        let ietf = try ChaCha20.ietfKeystream(key: key, nonce: [0, 0, 0, 0] + nonce, counter: 3, count: 200)
        #expect(original == ietf)
    }

    @Test func badLengthsAreTypedErrors() {
        #expect(throws: SodiumError.invalidLength(what: "ChaCha20 key", expected: 32, actual: 16)) {
            try ChaCha20.ietfKeystream(key: [UInt8](repeating: 0, count: 16), nonce: [UInt8](repeating: 0, count: 12), count: 1)
        }
        #expect(throws: SodiumError.invalidLength(what: "ChaCha20 IETF nonce", expected: 12, actual: 8)) {
            try ChaCha20.ietfKeystream(key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 8), count: 1)
        }
        #expect(throws: SodiumError.invalidParameter(name: "count", reason: "keystream length must be non-negative, got -1")) {
            try ChaCha20.ietfKeystream(key: [UInt8](repeating: 0, count: 32), nonce: [UInt8](repeating: 0, count: 12), count: -1)
        }
    }
}
