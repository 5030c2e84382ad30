import Bignum
import Foundation
import Paillier
import Testing

@Suite("pheutil files")
struct PheutilFileTests {
    /// Every committed ciphertext (pheutil's and ours) decrypts to what pheutil printed for it.
    @Test func committedFixturesDecryptAsPheutilPrinted() throws {
        #expect(Fixtures.expected.count == 17)
        for (file, printed) in Fixtures.expected {
            let prefix = file.split(separator: "-").prefix(2).joined(separator: "-")
            let key = try Paillier.Pheutil.readPrivateKey(Fixtures.data("\(prefix)-private.json"))
            let number = try Paillier.Pheutil.readEncryptedNumber(Fixtures.data(file), publicKey: key.publicKey)
            #expect(try number.decrypt(with: key).decimalText() == printed, "\(file)")
        }
    }

    @Test func publicKeysMatchTheirPrivateKeys() throws {
        for prefix in ["phe-2048", "phe-3072", "privagg-2048"] {
            let key = try Paillier.Pheutil.readPrivateKey(Fixtures.data("\(prefix)-private.json"))
            #expect(try Paillier.Pheutil.readPublicKey(Fixtures.data("\(prefix)-public.json")) == key.publicKey)
            #expect(try Paillier.Pheutil.readPublicKey(Fixtures.data("\(prefix)-private.json")) == key.publicKey)
        }
    }

    @Test func writtenFilesReadBack() throws {
        let key = TestKeys.small
        let readKey = try Paillier.Pheutil.readPrivateKey(Paillier.Pheutil.write(key), allowInsecureForTests: true)
        #expect(readKey == key)
        let number = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init("-3.75"), publicKey: key.publicKey))
        let data = try Paillier.Pheutil.write(number)
        let back = try Paillier.Pheutil.readEncryptedNumber(data, publicKey: key.publicKey)
        #expect(try back.exponent == -32 && back.decrypt(with: key).decimalText() == "-3.75")
    }

    @Test func malformedKeysGiveTypedErrors() throws {
        let good = String(decoding: Fixtures.data("phe-2048-public.json"), as: UTF8.self)
        let n = try #require(good.split(separator: "\"n\": \"").last?.split(separator: "\"").first.map(String.init))
        let cases: [(String, PaillierError)] = [
            ("not json", .malformedFile("")),
            (#"{"kty": "RSA", "alg": "PAI-GN1", "n": "\#(n)"}"#, .malformedFile("kty must be \"DAJ\", got \"RSA\"")),
            (#"{"kty": "DAJ", "alg": "RSA1", "n": "\#(n)"}"#, .malformedFile("alg must be \"PAI-GN1\"")),
            (#"{"kty": "DAJ", "alg": "PAI-GN1", "n": "a+b/"}"#, .malformedFile("")),
            (#"{"kty": "DAJ", "alg": "PAI-GN1", "n": "AQAB"}"#, .keyTooSmall(bits: 17, minimum: 128)),
        ]
        for (text, expected) in cases {
            do {
                _ = try Paillier.Pheutil.readPublicKey(Data(text.utf8))
                Issue.record("accepted \(text)")
            } catch {
                if case .malformedFile = expected, case .malformedFile = error { continue }
                #expect(error == expected)
            }
        }
        // A private key whose primes do not multiply to its n.
        var other = try JSONSerialization.jsonObject(with: Fixtures.data("phe-2048-private.json")) as? [String: Any] ?? [:]
        let foreign = try JSONSerialization.jsonObject(with: Fixtures.data("privagg-2048-private.json")) as? [String: Any] ?? [:]
        other["p"] = foreign["p"]
        other["q"] = foreign["q"]
        #expect(throws: PaillierError.invalidKey("p·q does not equal the public modulus n")) {
            try Paillier.Pheutil.readPrivateKey(JSONSerialization.data(withJSONObject: other))
        }
        other["p"] = "AQAB"
        #expect(throws: PaillierError.invalidKey("p·q does not equal the public modulus n")) {
            try Paillier.Pheutil.readPrivateKey(JSONSerialization.data(withJSONObject: other))
        }
    }

    @Test func malformedCiphertextsGiveTypedErrors() throws {
        let key = TestKeys.small.publicKey
        let p = TestKeys.small.p
        let cases: [(String, PaillierError)] = [
            (#"{"v": "0", "e": 0}"#, .invalidCiphertext("value must lie in [1, n²)")),
            (#"{"v": "-5", "e": 0}"#, .invalidCiphertext("value must lie in [1, n²)")),
            (#"{"v": "\#(key.nSquared)", "e": 0}"#, .invalidCiphertext("value must lie in [1, n²)")),
            (#"{"v": "\#(p * 7)", "e": 0}"#, .invalidCiphertext("value shares a factor with n")),
            (#"{"v": "12x", "e": 0}"#, .malformedFile("\"v\" is not a decimal integer")),
            (#"{"v": "12", "e": 1000000}"#, .exponentOutOfRange(1000000)),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text)") { try Paillier.Pheutil.readEncryptedNumber(Data(text.utf8), publicKey: key) }
        }
        // Not the JSON shape at all: malformedFile (its text quotes the JSON decoder).
        for text in [#"{"v": 12, "e": 0}"#, #"{"v": "12"}"#, "[]"] {
            do {
                _ = try Paillier.Pheutil.readEncryptedNumber(Data(text.utf8), publicKey: key)
                Issue.record("\(text) was read")
            } catch .malformedFile(_) {
                // The expected case.
            } catch {
                Issue.record("\(text): \(error), expected malformedFile")
            }
        }
    }
}
