import Federation
import Foundation
import Paillier
import Sodium
import Testing

/// The strict decoder of Paillier payloads: every malformed input gets its typed error.
struct PaillierWireTests {
    static func fixture() throws -> (Paillier.PackingScheme, Paillier.PackedCiphertext, [UInt8]) {
        let key = try Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true)
        let scheme = try Paillier.PackingScheme(publicKey: key.publicKey, valueBits: 32, maxAddends: 4)
        let vector = try Paillier.PackedCiphertext(
            encrypting: [1, -2, 3, 4, -5, 6, 7], scheme: scheme, encryptor: try Paillier.ShortExponentEncryptor(publicKey: key.publicKey))
        return (scheme, vector, try PaillierWire.encode(vector, kind: PaillierWire.siteVector))
    }

    @Test("round trip, then truncated, trailing, version, kind, count, addends and residue refused")
    func strictDecoding() throws {
        let (scheme, vector, bytes) = try Self.fixture()
        let decoded = try PaillierWire.decode(bytes, kind: PaillierWire.siteVector, count: 7, scheme: scheme, maximumAddends: 1)
        #expect(decoded == vector)
        func refusal(_ payload: [UInt8], kind: UInt8 = PaillierWire.siteVector, count: Int = 7) -> PaillierWireError? {
            do {
                _ = try PaillierWire.decode(payload, kind: kind, count: count, scheme: scheme, maximumAddends: 1)
                return nil
            } catch let error as PaillierWireError {
                return error
            } catch {
                return nil
            }
        }
        #expect(refusal(Array(bytes.prefix(10))) == .wrongLength(expected: 16, got: 10))
        #expect(refusal(Array(bytes.dropLast())) == .wrongLength(expected: bytes.count, got: bytes.count - 1))
        #expect(refusal(bytes + [0]) == .wrongLength(expected: bytes.count, got: bytes.count + 1))
        var version = bytes
        version[0] = 2
        #expect(refusal(version) == .unsupportedVersion(2))
        #expect(refusal(bytes, kind: PaillierWire.encryptedSum) == .unexpectedKind(expected: PaillierWire.encryptedSum, got: PaillierWire.siteVector))
        guard case .outOfRange = refusal(bytes, count: 8) else { Issue.record("a wrong value count was accepted"); return }
        var addends = bytes
        addends[9] = 2  // 2 addends where a site's vector has 1
        guard case .outOfRange = refusal(addends) else { Issue.record("2 addends were accepted"); return }
        var zero = bytes
        for index in 16..<zero.count { zero[index] = 0 }  // ciphertext 0 is not a residue coprime to n
        guard case .invalidCiphertext(let index, _) = refusal(zero) else { Issue.record("a zero ciphertext was accepted"); return }
        #expect(index == 0)
    }
}
