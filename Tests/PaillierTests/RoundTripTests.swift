import Bignum
import Paillier
import Sodium
import Testing

@Suite("Paillier round trips")
struct RoundTripTests {
    static let keys: [(name: String, key: Paillier.PrivateKey, fast: Paillier.ShortExponentEncryptor)] = [
        ("512", TestKeys.small, TestKeys.shortExponentSmall),
        ("2048", TestKeys.key2048, TestKeys.shortExponent2048),
        ("3072", TestKeys.key3072, TestKeys.shortExponent3072),
    ]

    static func plaintexts(for key: Paillier.PublicKey) -> [BigInt] {
        var generator = ChaChaRandom(seed: UInt64(key.bitWidth))
        return [0, 1, 2, key.n - 1, key.maxInt, key.n - key.maxInt] + (0..<3).map { _ in try! BigInt.random(below: key.n, using: &generator) }
    }

    @Test(arguments: [0, 1, 2])
    func everyModeRoundTrips(keyIndex: Int) throws {
        let (_, key, fast) = Self.keys[keyIndex]
        let publicKey = key.publicKey
        for plaintext in Self.plaintexts(for: publicKey) {
            #expect(try key.decrypt(publicKey.encrypt(plaintext)) == plaintext)
            #expect(try key.decrypt(fast.encrypt(plaintext)) == plaintext)
            #expect(try key.decrypt(key.encrypt(plaintext)) == plaintext)
        }
    }

    @Test(arguments: [0, 1, 2])
    func poolsOfEverySourceRoundTrip(keyIndex: Int) throws {
        let (_, key, fast) = Self.keys[keyIndex]
        let plaintexts = Self.plaintexts(for: key.publicKey)
        for source in [Paillier.ObfuscatorPool.Source.standard(key.publicKey), .fast(fast), .keyOwner(key)] {
            let pool = Paillier.ObfuscatorPool(source: source)
            pool.fill(count: 4)
            #expect(pool.count == 4)
            let ciphertexts = try pool.encrypt(plaintexts)
            #expect(pool.count == 0)
            #expect(try key.decrypt(ciphertexts) == plaintexts)
            #expect(Set(ciphertexts.map(\.value)).count == plaintexts.count)
            #expect(try key.decrypt(pool.encrypt(plaintexts[3])) == plaintexts[3])
        }
    }

    @Test func poolReferencesNeverHandOutAnObfuscatorTwice() throws {
        let pool = Paillier.ObfuscatorPool(source: .fast(TestKeys.shortExponentSmall))
        let alias = pool
        pool.fill(count: 6)
        var seen = Set<BigInt>()
        for index in 0..<6 { seen.insert(index.isMultiple(of: 2) ? pool.next() : alias.next()) }
        #expect(seen.count == 6 && pool.count == 0 && alias.count == 0)
    }

    @Test func fastObfuscatorsAreNthResiduesOfTheTableBase() throws {
        let key = TestKeys.small, fast = TestKeys.shortExponentSmall
        var generator = ChaChaRandom(seed: UInt64(9))
        let obfuscator = fast.obfuscator(using: &generator)
        // An n-th residue decrypts to 0, and distinct draws differ.
        #expect(try key.decrypt(key.publicKey.encrypt(0, obfuscator: obfuscator)) == 0)
        #expect(fast.obfuscator(using: &generator) != obfuscator)
        #expect(fast.exponentBits == 256)
    }

    @Test func vectorEncryptionUsesAllCoresAndKeepsOrder() throws {
        let key = TestKeys.small
        let plaintexts = (0..<40).map { BigInt($0 * 1000) }
        #expect(try key.decrypt(TestKeys.shortExponentSmall.encrypt(plaintexts)) == plaintexts)
        #expect(try key.decrypt(key.publicKey.encrypt(plaintexts)) == plaintexts)
    }

    @Test func outOfRangePlaintextsAndForeignCiphertextsAreRejected() throws {
        let key = TestKeys.small
        #expect(thrownCase(PaillierError.self) { try key.publicKey.encrypt(key.publicKey.n) } == "plaintextOutOfRange")
        #expect(thrownCase(PaillierError.self) { try key.publicKey.encrypt(-1) } == "plaintextOutOfRange")
        let foreign = try TestKeys.otherSmall.publicKey.encrypt(5)
        #expect(throws: PaillierError.keyMismatch) { try key.decrypt(foreign) }
        #expect(thrownCase(PaillierError.self) { try Paillier.ShortExponentEncryptor(publicKey: key.publicKey, exponentBits: 40) } == "invalidParameter")
    }
}
