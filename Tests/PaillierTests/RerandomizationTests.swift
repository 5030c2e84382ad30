import Bignum
import Foundation
import Paillier
import Sodium
import Testing

@Suite("Re-randomization is tracked and required before writing")
struct RerandomizationTests {
    let key = TestKeys.small

    @Test func encryptionAndRerandomizationMarkTheNumber() throws {
        let a = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init("1.5"), publicKey: key.publicKey))
        let b = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init("2.25"), publicKey: key.publicKey))
        #expect(a.isRerandomized && b.isRerandomized)
        let sum = try a.adding(b)
        #expect(!sum.isRerandomized)
        #expect(!(try a.adding(.init("3"))).isRerandomized)
        #expect(!(try a.multiplied(by: .init("3"))).isRerandomized)
        #expect(!Paillier.EncryptedNumber(ciphertext: a.ciphertext, exponent: a.exponent).isRerandomized)
        let fresh = sum.rerandomized()
        #expect(fresh.isRerandomized)
        #expect(fresh.ciphertext != sum.ciphertext)
        #expect(try fresh.decrypt(with: key).decimalText() == "3.75")
    }

    @Test func theFileWriterRefusesAHomomorphicResult() throws {
        let a = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init("4"), publicKey: key.publicKey, maxExponent: -32))
        let product = try a.multiplied(by: .init("2"))
        #expect(throws: PaillierError.notRerandomized) { try Paillier.Pheutil.write(product) }
        #expect(throws: PaillierError.notRerandomized) { try Paillier.Pheutil.write(a.adding(a)) }
        let written = try Paillier.Pheutil.write(product.rerandomized())
        let back = try Paillier.Pheutil.readEncryptedNumber(written, publicKey: key.publicKey)
        // A file's ciphertext is already public: it may be written again unchanged.
        #expect(back.isRerandomized)
        #expect(try Paillier.Pheutil.write(back) == written)
        #expect(try back.decrypt(with: key).decimalText() == "8.0")
    }

    /// The `using:` overloads draw all their randomness from the generator given.
    @Test func seededGeneratorsReproduceCiphertexts() throws {
        let encoded = try Paillier.EncodedNumber(decimal: .init("-7.5"), publicKey: key.publicKey)
        var first = ChaChaRandom(seed: 7), second = ChaChaRandom(seed: 7), third = ChaChaRandom(seed: 8)
        let a = try Paillier.EncryptedNumber(encrypting: encoded, using: &first)
        let b = try Paillier.EncryptedNumber(encrypting: encoded, using: &second)
        let c = try Paillier.EncryptedNumber(encrypting: encoded, using: &third)
        #expect(a == b && a != c)
        #expect(a.rerandomized(using: &first) == b.rerandomized(using: &second))
        let encryptor = TestKeys.shortExponentSmall
        let x = try encryptor.encrypt(BigInt(42), using: &first), y = try encryptor.encrypt(BigInt(42), using: &second)
        #expect(x == y)
        #expect(try encryptor.rerandomize(x, using: &first) == encryptor.rerandomize(y, using: &second))
        #expect(try key.decrypt(encryptor.rerandomize(x, using: &third)) == BigInt(42))
    }
}
