import Bignum
import Foundation
import Paillier
import Testing

/// Issue 13 items 12, 13 and 15: exponents, duplicate JSON keys and ciphertexts from
/// another key.
@Suite("bounded pheutil inputs")
struct BoundedInputTests {
    let key = TestKeys.small
    let other = TestKeys.otherSmall

    /// The byte offsets at which `needle` occurs in `text`'s UTF-8.
    private func byteOffsets(of needle: String, in text: String) -> [Int] {
        let haystack = Array(text.utf8), pattern = Array(needle.utf8)
        return (0...(haystack.count - pattern.count)).filter { haystack[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }

    private func ciphertextFile(_ value: String, under key: Paillier.PrivateKey) throws -> Data {
        let number = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init(value), publicKey: key.publicKey, maxExponent: -32))
        return try Paillier.Pheutil.write(number)
    }

    /// `{"v":"1","v":"<real>",...}` decodes to the first "v" in Foundation and the last in
    /// python-paillier: refused, in ciphertexts and in both kinds of key file.
    @Test func duplicateKeysAreRefused() throws {
        let real = try #require(String(data: try ciphertextFile("5", under: key), encoding: .utf8))
        let doubled = real.replacingOccurrences(of: #"{"e""#, with: #"{"v":"1","e""#)
        #expect(throws: PaillierError.malformedFile(
            #"not a pheutil ciphertext {"v": "<decimal>", "e": <int>}: duplicate key "v" at byte \#(try #require(byteOffsets(of: #""v":"#, in: doubled).last))"#)) {
            try Paillier.Pheutil.readEncryptedNumber(Data(doubled.utf8), publicKey: key.publicKey)
        }
        // The same key spelled with an escape is the same key.
        let escaped = real.replacingOccurrences(of: #"{"e""#, with: #"{"\u0076":"1","e""#)
        #expect(throws: PaillierError.malformedFile(
            #"not a pheutil ciphertext {"v": "<decimal>", "e": <int>}: duplicate key "v" at byte \#(try #require(byteOffsets(of: #""v":"#, in: escaped).last))"#)) {
            try Paillier.Pheutil.readEncryptedNumber(Data(escaped.utf8), publicKey: key.publicKey)
        }
        let publicText = try #require(String(data: try Paillier.Pheutil.write(key.publicKey), encoding: .utf8))
        let publicDoubled = publicText.replacingOccurrences(of: #"{"alg""#, with: #"{"n":"AQAB","alg""#)
        #expect(throws: PaillierError.malformedFile("not a pheutil public key: duplicate key \"n\" at byte \(try #require(byteOffsets(of: #""n":"#, in: publicDoubled).last))")) {
            try Paillier.Pheutil.readPublicKey(Data(publicDoubled.utf8), allowInsecureForTests: true)
        }
        let privateText = try #require(String(data: try Paillier.Pheutil.write(key), encoding: .utf8))
        let privateDoubled = privateText.replacingOccurrences(of: #"{"key_ops""#, with: #"{"p":"Aw","key_ops""#)
        // Two "p": the second (the file's own) is the duplicate.
        let secondP = try #require(byteOffsets(of: #""p":"#, in: privateDoubled).dropFirst().first)
        #expect(throws: PaillierError.malformedFile("not a pheutil private key: duplicate key \"p\" at byte \(secondP)")) {
            try Paillier.Pheutil.readPrivateKey(Data(privateDoubled.utf8), allowInsecureForTests: true)
        }
    }

    /// The issue's files with `"e": 100000` and `"e": -100000` (addenc took 47 s aligning
    /// them) are refused on read.
    @Test func exponentsOutsideTheRangeAreRefusedOnRead() throws {
        let real = try #require(String(data: try ciphertextFile("5", under: key), encoding: .utf8))
        for exponent in [100_000, -100_000, 1025, -1025] {
            let text = real.replacingOccurrences(of: #""e":-32"#, with: #""e":\#(exponent)"#)
            #expect(throws: PaillierError.exponentOutOfRange(exponent)) {
                try Paillier.Pheutil.readEncryptedNumber(Data(text.utf8), publicKey: key.publicKey)
            }
        }
        for exponent in [1024, -1024] {
            let text = real.replacingOccurrences(of: #""e":-32"#, with: #""e":\#(exponent)"#)
            #expect(try Paillier.Pheutil.readEncryptedNumber(Data(text.utf8), publicKey: key.publicKey).exponent == exponent)
        }
    }

    /// The widest alignment the range allows (16^2048) is one exponentiation, not a minute.
    @Test func alignmentAcrossTheWholeRangeIsBounded() throws {
        let high = Paillier.EncryptedNumber(ciphertext: try key.publicKey.encrypt(BigInt(0)), exponent: 1024)
        let low = Paillier.EncryptedNumber(ciphertext: try key.publicKey.encrypt(BigInt(3)), exponent: -1024)
        let clock = ContinuousClock()
        let start = clock.now
        let sum = try high.adding(low)
        #expect(clock.now - start < .seconds(5))
        #expect(sum.exponent == -1024)
        #expect(try sum.decrypt(with: key).mantissa() == 3)
        #expect(throws: PaillierError.exponentOutOfRange(-1025)) { try low.decreasingExponent(to: -1025) }
    }

    /// `multiply` wrote exponent −100013, which `decrypt` then refused: the product's
    /// exponent is checked before anything is computed or written.
    @Test func aProductIsNeverGivenAnUnreadableExponent() throws {
        let small = Paillier.EncryptedNumber(ciphertext: try key.publicKey.encrypt(BigInt(1)), exponent: -1000)
        // 1e-300's precision exponent is −263; −1000 − 263 is outside the range.
        #expect(throws: PaillierError.exponentOutOfRange(-1263)) { try small.multiplied(by: .init("1e-300")) }
        let number = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init("2.5"), publicKey: key.publicKey, maxExponent: -32))
        let product = try number.multiplied(by: .init("1e-300"))
        let reread = try Paillier.Pheutil.readEncryptedNumber(try Paillier.Pheutil.write(product.rerandomized()), publicKey: key.publicKey)
        #expect(reread.exponent == product.exponent)
    }

    /// The range covers every exponent a finite Double encodes with, and any product of two.
    @Test func everyFiniteDoubleEncodesInsideTheRange() {
        var generator = SystemRandomNumberGenerator()
        var extremes: [Double] = [.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 0, 1, -1e-308]
        for _ in 0..<10_000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { extremes.append(value) }
        }
        let exponents = extremes.map(Paillier.EncodedNumber.precisionExponent(of:))
        let lowest = exponents.min()!, highest = exponents.max()!
        #expect(lowest >= -282 && highest <= 242)
        #expect(Paillier.EncodedNumber.exponentRange.contains(2 * -282))
        #expect(Paillier.EncodedNumber.exponentRange.contains(2 * 242))
    }

    /// A ciphertext written under one key and read with another says so, instead of
    /// decrypting to an overflow or to garbage.
    @Test func aCiphertextFromAnotherKeyIsRefusedByItsFingerprint() throws {
        let file = try ciphertextFile("7", under: other)
        #expect(throws: PaillierError.differentKey(
            "the file's key fingerprint is \(other.publicKey.fingerprint), the key given is \(key.publicKey.fingerprint)")) {
            try Paillier.Pheutil.readEncryptedNumber(file, publicKey: key.publicKey)
        }
        #expect(try Paillier.Pheutil.readEncryptedNumber(file, publicKey: other.publicKey).decrypt(with: other).decimalText() == "7.0")
    }

    @Test func fingerprintsAreStableHexAndDistinct() throws {
        let fingerprint = key.publicKey.fingerprint
        #expect(fingerprint.count == 32 && fingerprint.allSatisfy(\.isHexDigit))
        #expect(fingerprint == (try Paillier.PublicKey(n: key.publicKey.n, allowInsecureForTests: true)).fingerprint)
        #expect(fingerprint != other.publicKey.fingerprint)
        // The file written carries it beside pheutil's two fields.
        let json = try #require(try JSONSerialization.jsonObject(with: try ciphertextFile("1", under: key)) as? [String: Any])
        #expect(Set(json.keys) == ["v", "e", "key_fingerprint"])
        #expect(json["key_fingerprint"] as? String == fingerprint)
    }
}
