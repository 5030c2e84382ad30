import Bignum
import Paillier
import Sodium
import Testing

@Suite("Paillier keys")
struct KeyTests {
    @Test func generatedKeysHaveExactSizeAndDistinctPrimes() {
        for key in [TestKeys.small, TestKeys.key2048] {
            #expect(key.p != key.q)
            #expect(key.p * key.q == key.publicKey.n)
            #expect(key.p.bitWidth == key.q.bitWidth)
            #expect(key.publicKey.nSquared == key.publicKey.n * key.publicKey.n)
        }
        #expect(TestKeys.small.publicKey.bitWidth == 512)
        #expect(TestKeys.key2048.publicKey.bitWidth == 2048)
        #expect(TestKeys.key3072.publicKey.bitWidth == 3072)
        #expect(TestKeys.key2048.p.isProbablePrime() && TestKeys.key2048.q.isProbablePrime())
    }

    @Test func smallKeysNeedTheInsecureOption() {
        #expect(throws: PaillierError.keyTooSmall(bits: 1024, minimum: 2048)) {
            try Paillier.PrivateKey.generate(bits: 1024)
        }
        #expect(throws: PaillierError.keyTooSmall(bits: 64, minimum: 128)) {
            try Paillier.PrivateKey.generate(bits: 64, allowInsecureForTests: true)
        }
        #expect(throws: PaillierError.invalidParameter(name: "bits", reason: "modulus size must be even, got 513")) {
            try Paillier.PrivateKey.generate(bits: 513, allowInsecureForTests: true)
        }
        #expect(throws: PaillierError.keyTooSmall(bits: 512, minimum: 2048)) {
            try Paillier.PublicKey(n: TestKeys.small.publicKey.n)
        }
        #expect(Paillier.defaultKeyBits == 3072)
    }

    @Test func inconsistentPrimesAreRejected() {
        let key = TestKeys.small
        #expect(throws: PaillierError.invalidKey("p and q must differ")) {
            try Paillier.PrivateKey(p: key.p, q: key.p, allowInsecureForTests: true)
        }
        #expect(throws: PaillierError.invalidKey("p and q must be prime")) {
            try Paillier.PrivateKey(p: key.p, q: key.q + 2, allowInsecureForTests: true)
        }
        #expect(throws: PaillierError.invalidKey("modulus must be positive and odd")) {
            try Paillier.PublicKey(n: key.publicKey.n + 1, allowInsecureForTests: true)
        }
    }

    /// A hostile key file pairing a huge known prime with a tiny one is refused by the
    /// length checks, before any primality test could spend minutes on it.
    @Test func unbalancedOrOversizedPrimesAreRefusedCheaply() {
        let mersenne = (BigInt(1) << 44497) - 1  // a Mersenne prime of 44,497 bits
        #expect(throws: PaillierError.invalidKey("p and q must have equal length, got 2 and 44497 bits")) {
            try Paillier.PrivateKey(p: BigInt(3), q: mersenne)
        }
        let clock = ContinuousClock(), start = clock.now
        // Equal lengths, but a modulus far above the largest key size.
        do {
            _ = try Paillier.PrivateKey(p: mersenne, q: mersenne + 2)
            Issue.record("an 88,994-bit key was accepted")
        } catch .invalidParameter(name: "bits", reason: _) {
            // The expected case.
        } catch {
            Issue.record("\(error), expected invalidParameter(name: \"bits\", …)")
        }
        #expect(clock.now - start < .seconds(1))
    }

    @Test func seededGenerationIsReproducible() throws {
        var first = ChaChaRandom(seed: UInt64(512))
        let again = try Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true, using: &first)
        #expect(again == TestKeys.small)
        #expect(TestKeys.small != TestKeys.otherSmall)
    }

    @Test func securityLevelsFollowNIST() {
        #expect(Paillier.securityLevel(keyBits: 2048) == 112)
        #expect(Paillier.securityLevel(keyBits: 3072) == 128)
        #expect(Paillier.ShortExponentEncryptor.defaultExponentBits(keyBits: 2048) == 448)
        #expect(Paillier.ShortExponentEncryptor.defaultExponentBits(keyBits: 3072) == 512)
        #expect(Paillier.ShortExponentEncryptor.defaultExponentBits(keyBits: 512) == 256)
    }
}
