import Bignum
import Paillier
import Testing

@Suite("Paillier encodings")
struct EncodingTests {
    let key = TestKeys.small
    var publicKey: Paillier.PublicKey { key.publicKey }

    @Test func signedValuesRoundTripAndSumsAcrossZero() throws {
        let encoding = try Paillier.SignedEncoding(publicKey: publicKey)
        for value in [BigInt(0), 1, -1, 123_456_789, -987_654_321, publicKey.maxInt, -publicKey.maxInt] {
            #expect(try encoding.decode(key.decrypt(publicKey.encrypt(encoding.encode(value)))) == value)
        }
        let sum = try publicKey.encrypt(encoding.encode(-500)).adding(publicKey.encrypt(encoding.encode(200)))
        #expect(try encoding.decode(key.decrypt(sum)) == -300)
    }

    @Test func signedOverflowIsDetectedNotWrapped() throws {
        let encoding = try Paillier.SignedEncoding(publicKey: publicKey)
        let big = try encoding.encode(publicKey.maxInt)
        let doubled = try publicKey.encrypt(big).adding(publicKey.encrypt(big))
        #expect(thrownCase(PaillierError.self) { try encoding.decode(key.decrypt(doubled)) } == "overflow")
        #expect(thrownCase(PaillierError.self) { try encoding.encode(publicKey.maxInt + 1) } == "plaintextOutOfRange")
        let narrow = try Paillier.SignedEncoding(publicKey: publicKey, maxMagnitude: 1000)
        #expect(thrownCase(PaillierError.self) { try narrow.decode(1001) } == "overflow")
        #expect(try narrow.decode(publicKey.n - 1000) == -1000)
        #expect(thrownCase(PaillierError.self) { try Paillier.SignedEncoding(publicKey: publicKey, maxMagnitude: publicKey.n) } == "plaintextOutOfRange")
    }

    @Test func valuesBeyondADoubleAreAnOverflowNotInfinity() throws {
        let key = TestKeys.key2048.publicKey
        // 2^1100 / 16 has no Double: python-paillier raises OverflowError, so must we.
        let huge = try Paillier.EncodedNumber(encoding: BigInt(1) << 1100, exponent: -1, publicKey: key)
        #expect(thrownCase(PaillierError.self) { try huge.decimalText() } == "overflow")
        #expect(thrownCase(PaillierError.self) { try huge.doubleValue() } == "overflow")
        let fits = try Paillier.EncodedNumber(encoding: BigInt(1) << 1000, exponent: -1, publicKey: key)
        #expect(try fits.doubleValue() == 0x1p996)
        // A non-negative exponent prints the exact integer, however large.
        #expect(try Paillier.EncodedNumber(encoding: BigInt(1) << 1100, exponent: 1, publicKey: key).decimalText() == (BigInt(1) << 1104).description)
    }

    @Test func fixedPointHasTheStatedPrecision() throws {
        let encoding = try Paillier.FixedPointEncoding(publicKey: publicKey, fractionalBits: 20)
        let values = [0.0, 1.5, -2.25, 3.141592653589793, -1e6 / 3, 1e-7]
        var total = try publicKey.encrypt(0)
        for value in values {
            let decoded = try encoding.decode(key.decrypt(publicKey.encrypt(encoding.encode(value))))
            #expect(abs(decoded - value) <= 0x1p-21)
            try total.add(publicKey.encrypt(encoding.encode(value)))
        }
        #expect(abs(try encoding.decode(key.decrypt(total)) - values.reduce(0, +)) <= Double(values.count) * 0x1p-21)
        let product = try publicKey.encrypt(encoding.encode(1.5)).multiplied(by: try encoding.signed.decode(encoding.encode(-2.0)))
        #expect(try encoding.decode(key.decrypt(product), scaleCount: 2) == -3.0)
        #expect(thrownCase(PaillierError.self) { try encoding.encode(.nan) } == "malformedNumber")
    }

    @Test func encodedNumberFollowsPythonPaillier() throws {
        // python-paillier: EncodedNumber.encode(pk, 5.0) has exponent ⌊(3 − 53)/4⌋ = −13.
        #expect(Paillier.EncodedNumber.precisionExponent(of: 5.0) == -13)
        #expect(Paillier.EncodedNumber.precisionExponent(of: 0.0) == -14)
        #expect(Paillier.EncodedNumber.precisionExponent(of: 0.1) == -14)
        let five = try Paillier.EncodedNumber(5.0, publicKey: publicKey)
        #expect(five.exponent == -13 && five.encoding == BigInt(5) << 52)
        let minus = try Paillier.EncodedNumber(decimal: Paillier.DecimalNumber("-12.5"), publicKey: publicKey, maxExponent: -32)
        #expect(minus.exponent == -32)
        #expect(try minus.mantissa() == -(BigInt(25) << 127))
        #expect(try minus.decimalText() == "-12.5")
        let integer = try Paillier.EncodedNumber(BigInt(-7), publicKey: publicKey)
        #expect(try integer.exponent == 0 && integer.decimalText() == "-7")
        #expect(try Paillier.EncodedNumber(decimal: .init("0.1"), publicKey: publicKey, maxExponent: -32).doubleValue() == 0.1)
        #expect(thrownCase(PaillierError.self) { try Paillier.EncodedNumber(publicKey.maxInt + 1, publicKey: publicKey) } == "plaintextOutOfRange")
        #expect(thrownCase(PaillierError.self) { try Paillier.EncodedNumber(encoding: publicKey.maxInt + 1, exponent: 0, publicKey: publicKey).mantissa() } == "overflow")
    }

    /// python-paillier decodes anything within ±max_int, so four copies of a value near it,
    /// or the value times 3, wrap around n and decode to a wrong number. PrivAgg keeps
    /// headroom: honest sums and products stay exact, and wrapped results are refused.
    @Test func sumsAndProductsThatWrapAroundNAreRefused() throws {
        let key = TestKeys.small, publicKey = key.publicKey
        #expect(publicKey.overflowHeadroomBits == 64)
        // The largest encodable value: 2^64 copies of it, or it times a 63-bit scalar, still fit.
        let largest = try Paillier.EncodedNumber(publicKey.maxEncodedMagnitude, publicKey: publicKey)
        let encrypted = try Paillier.EncryptedNumber(encrypting: largest)
        var sum = encrypted
        for _ in 1..<4 { sum = try sum.adding(encrypted) }
        #expect(try sum.decrypt(with: key).mantissa() == publicKey.maxEncodedMagnitude * 4)
        let product = try encrypted.multiplied(by: Paillier.DecimalNumber("-9007199254740993"))
        #expect(try product.decrypt(with: key).mantissa() == publicKey.maxEncodedMagnitude * -9_007_199_254_740_993)
        #expect(thrownCase(PaillierError.self) { try Paillier.EncodedNumber(publicKey.maxEncodedMagnitude + 1, publicKey: publicKey) } == "plaintextOutOfRange")
        // A python-paillier-style ciphertext near max_int: refused alone, summed or multiplied.
        let nearMax = Paillier.EncryptedNumber(ciphertext: try publicKey.encrypt(publicKey.maxInt - 5), exponent: -32)
        var wrapped = nearMax
        for _ in 1..<4 { wrapped = try wrapped.adding(nearMax) }
        for result in [nearMax, wrapped, try nearMax.multiplied(by: Paillier.DecimalNumber("7"))] {
            #expect(thrownCase(PaillierError.self) { try result.decrypt(with: key).mantissa() } == "overflow")
        }
    }

    @Test func decimalParsingIsStrictAndExact() throws {
        let parsed = try Paillier.DecimalNumber("-1.25e2")
        #expect(parsed.numerator == -125 && parsed.scale == 0 && parsed.doubleValue == -125)
        #expect(try Paillier.DecimalNumber(".5").doubleValue == 0.5)
        for bad in ["", "-", "1.2.3", "e5", "1e", "inf", "nan", "0x10", "1 ", "١"] {
            #expect(thrownCase(PaillierError.self) { try Paillier.DecimalNumber(bad) } == "malformedNumber", "'\(bad)'")
        }
    }

    @Test func encryptedNumbersAlignExponentsLikePheutil() throws {
        let a = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init("42"), publicKey: publicKey, maxExponent: -32))
        let b = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init("-12.5"), publicKey: publicKey))
        #expect(b.exponent == -13)
        let sum = try a.adding(b)
        #expect(try sum.exponent == -32 && sum.decrypt(with: key).decimalText() == "29.5")
        let product = try sum.multiplied(by: .init("-3"))
        #expect(try product.exponent == -45 && product.decrypt(with: key).decimalText() == "-88.5")
        #expect(try product.adding(Paillier.DecimalNumber("0.5")).decrypt(with: key).decimalText() == "-88.0")
    }
}
