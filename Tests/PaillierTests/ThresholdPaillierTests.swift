import Bignum
import Foundation
@testable import Paillier
import Sodium
import Testing

/// One small threshold key (3 of 4, 512 bits, insecure-for-tests) dealt from safe primes
/// generated here with a seeded generator, so the tests know p and q and can compute d.
enum ThresholdFixture {
    static let primes: (p: BigInt, q: BigInt) = {
        var generator = ChaChaRandom(seed: UInt64(18))
        let p = SafePrime.generate(bits: 256, using: &generator)
        var q = SafePrime.generate(bits: 256, using: &generator)
        while q == p { q = SafePrime.generate(bits: 256, using: &generator) }
        return (p, q)
    }()

    static let keySet: Paillier.ThresholdKeySet = {
        var generator = ChaChaRandom(seed: UInt64(1800))
        return try! Paillier.ThresholdDealer.deal(
            p: primes.p, q: primes.q, parties: 4, threshold: 3, allowInsecureForTests: true, using: &generator)
    }()

    static var publicKey: Paillier.ThresholdPublicKey { keySet.publicKey }
    static var shares: [Paillier.KeyShare] { keySet.shares }

    /// d ≡ 0 mod p'q', d ≡ 1 mod n, computed independently of the dealer.
    static let d: BigInt = {
        let m = (primes.p >> 1) * (primes.q >> 1)
        let n = primes.p * primes.q
        return m * (try! m.inverse(modulo: n))
    }()
}

@Suite("Threshold Paillier")
struct ThresholdPaillierTests {
    let key = ThresholdFixture.publicKey
    let shares = ThresholdFixture.shares

    func subsets(of count: Int, size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard count >= size else { return [] }
        return subsets(of: count - 1, size: size) + subsets(of: count - 1, size: size - 1).map { $0 + [count - 1] }
    }

    @Test func safePrimesAreSafeAndOfExactSize() {
        var generator = ChaChaRandom(seed: UInt64(7))
        for bits in [64, 128, 256] {
            let p = SafePrime.generate(bits: bits, using: &generator)
            #expect(p.bitWidth == bits && p.testBit(bits - 2))
            #expect(p.isProbablePrime() && (p >> 1).isProbablePrime())
        }
        #expect(SafePrime.isSafePrime(ThresholdFixture.primes.p) && SafePrime.isSafePrime(ThresholdFixture.primes.q))
    }

    @Test func sharesInterpolateToTheDealersExponent() throws {
        // The dealer's d satisfies the CRT conditions and the verification keys match the shares.
        let n = key.publicKey.n
        #expect(try ThresholdFixture.d.modulo(n) == 1)
        #expect(try ThresholdFixture.d.modulo((ThresholdFixture.primes.p >> 1) * (ThresholdFixture.primes.q >> 1)) == 0)
        #expect(key.delta == 24)
        for share in shares {
            #expect(try key.verificationBase.power(key.delta * share.secret, modulo: key.publicKey.nSquared) == key.verificationKeys[share.party - 1])
        }
    }

    @Test func anyThresholdOfSharesDecrypts() throws {
        let plaintext = BigInt(123_456_789)
        let ciphertext = try key.publicKey.encrypt(plaintext)
        let decryptionShares = try shares.map { try $0.partialDecrypt(ciphertext) }
        for subset in subsets(of: 4, size: 3) {
            let result = try key.combine(subset.map { decryptionShares[$0] }, for: ciphertext)
            #expect(result.plaintext == plaintext)
            #expect(result.parties == subset.map { $0 + 1 })
            #expect(result.rejected.isEmpty)
        }
        // All four: the first three are used.
        #expect(try key.combine(decryptionShares.reversed(), for: ciphertext).parties == [1, 2, 3])
        // A value near n − 1 (a negative number's encoding) too.
        let large = key.publicKey.n - 5
        let largeCiphertext = try key.publicKey.encrypt(large)
        let largeShares = try [shares[3], shares[0], shares[2]].map { try $0.partialDecrypt(largeCiphertext) }
        #expect(try key.combine(largeShares, for: largeCiphertext).plaintext == large)
    }

    @Test func fewerThanThresholdSharesDoNotDecrypt() throws {
        let plaintext = BigInt(987_654)
        let ciphertext = try key.publicKey.encrypt(plaintext)
        let decryptionShares = try shares.map { try $0.partialDecrypt(ciphertext) }
        for subset in subsets(of: 4, size: 2) {
            let chosen = subset.map { decryptionShares[$0] }
            #expect(throws: ThresholdPaillierError.notEnoughShares(valid: 2, required: 3, rejected: [])) {
                try key.combine(chosen, for: ciphertext)
            }
            // Interpolating anyway gives a wrong value, not the plaintext.
            let wrong = key.combineValues(chosen)
            #expect(wrong != plaintext)
        }
        #expect(throws: ThresholdPaillierError.notEnoughShares(valid: 0, required: 3, rejected: [])) {
            try key.combine([], for: ciphertext)
        }
    }

    @Test func forgedOrCorruptedSharesFailTheirProofAndAreExcluded() throws {
        let plaintext = BigInt(42)
        let ciphertext = try key.publicKey.encrypt(plaintext)
        let honest = try shares.map { try $0.partialDecrypt(ciphertext) }
        let nSquared = key.publicKey.nSquared
        let original = honest[1]
        // Party 2's value changed (times a unit), its challenge, its response.
        var changedValue = original.value
        changedValue.multiply(by: BigInt(4), modulo: nSquared)
        let forgeries = [
            Paillier.DecryptionShare(unchecked: 2, ciphertext: original.ciphertext, value: changedValue, challenge: original.challenge, response: original.response),
            Paillier.DecryptionShare(unchecked: 2, ciphertext: original.ciphertext, value: original.value, challenge: original.challenge + 1, response: original.response),
            Paillier.DecryptionShare(unchecked: 2, ciphertext: original.ciphertext, value: original.value, challenge: original.challenge, response: original.response + 1),
            // Party 3's honest share presented as party 2's.
            Paillier.DecryptionShare(unchecked: 2, ciphertext: honest[2].ciphertext, value: honest[2].value, challenge: honest[2].challenge, response: honest[2].response),
        ]
        for forged in forgeries {
            #expect(throws: ThresholdPaillierError.invalidProof(party: 2)) { try forged.verify(for: ciphertext, publicKey: key) }
            // With four shares the forged one is excluded and the other three decrypt.
            let result = try key.combine([honest[0], forged, honest[2], honest[3]], for: ciphertext)
            #expect(result.plaintext == plaintext && result.parties == [1, 3, 4])
            #expect(result.rejected == [2: .invalidProof(party: 2)])
            // With exactly three, one forged: not enough, and party 2 is named.
            #expect(throws: ThresholdPaillierError.notEnoughShares(valid: 2, required: 3, rejected: [2])) {
                try key.combine([honest[0], forged, honest[2]], for: ciphertext)
            }
        }
        // Without the proof check the forged value would have decrypted to a wrong plaintext.
        #expect(key.combineValues([honest[0], forgeries[0], honest[2]]) != plaintext)
        #expect(throws: ThresholdPaillierError.duplicateParty(1)) { try key.combine([honest[0], honest[0], honest[2]], for: ciphertext) }
    }

    @Test func aShareOfAnotherCiphertextIsCaught() throws {
        let ciphertext = try key.publicKey.encrypt(BigInt(5))
        let other = try key.publicKey.encrypt(BigInt(6))
        let shareOfOther = try shares[0].partialDecrypt(other)
        #expect(throws: ThresholdPaillierError.wrongCiphertext(party: 1)) { try shareOfOther.verify(for: ciphertext, publicKey: key) }
        // Relabelled to claim it is of `ciphertext`: the proof binds c, so it fails.
        let relabelled = Paillier.DecryptionShare(
            unchecked: 1, ciphertext: ciphertext.value, value: shareOfOther.value,
            challenge: shareOfOther.challenge, response: shareOfOther.response)
        #expect(throws: ThresholdPaillierError.invalidProof(party: 1)) { try relabelled.verify(for: ciphertext, publicKey: key) }
        let honest = try shares[1...2].map { try $0.partialDecrypt(ciphertext) }
        #expect(throws: ThresholdPaillierError.notEnoughShares(valid: 2, required: 3, rejected: [1])) {
            try key.combine([relabelled] + honest, for: ciphertext)
        }
    }

    @Test func encodedNumbersAndPackedVectorsRoundTrip() throws {
        let encoded = try Paillier.EncodedNumber(-3.25, publicKey: key.publicKey)
        let number = try Paillier.EncryptedNumber(encrypting: encoded)
        let numberShares = try [shares[0], shares[1], shares[3]].map { try $0.partialDecrypt(number) }
        #expect(try key.decrypt(number, shares: numberShares).doubleValue() == -3.25)

        let scheme = try Paillier.PackingScheme(publicKey: key.publicKey, valueBits: 16, maxAddends: 8)
        let encryptor = try Paillier.ShortExponentEncryptor(publicKey: key.publicKey)
        let first = (0..<40).map { $0 * 700 - 14_000 }
        let second = (0..<40).map { 32_000 - $0 * 3 }
        let packed = try Paillier.PackedCiphertext.sum([
            Paillier.PackedCiphertext(encrypting: first, scheme: scheme, encryptor: encryptor),
            Paillier.PackedCiphertext(encrypting: second, scheme: scheme, encryptor: encryptor),
        ])
        #expect(packed.ciphertexts.count > 1)
        let packedShares = try [shares[3], shares[1], shares[2]].map { try $0.partialDecrypt(packed) }
        #expect(try key.decrypt(packed, shares: packedShares) == zip(first, second).map { $0 + $1 })
        #expect(throws: ThresholdPaillierError.notEnoughShares(valid: 2, required: 3, rejected: [])) { try key.decrypt(packed, shares: Array(packedShares.prefix(2))) }
    }

    @Test func parametersAndKeySharesAreValidated() throws {
        var generator = ChaChaRandom(seed: UInt64(3))
        let (p, q) = ThresholdFixture.primes
        #expect(throws: ThresholdPaillierError.invalidParameter(name: "threshold", reason: "threshold must be 2...4, got 1")) {
            try Paillier.ThresholdDealer.deal(p: p, q: q, parties: 4, threshold: 1, allowInsecureForTests: true, using: &generator)
        }
        #expect(throws: ThresholdPaillierError.invalidParameter(name: "threshold", reason: "threshold must be 2...4, got 5")) {
            try Paillier.ThresholdDealer.deal(p: p, q: q, parties: 4, threshold: 5, allowInsecureForTests: true, using: &generator)
        }
        #expect(throws: ThresholdPaillierError.paillier(.keyTooSmall(bits: 512, minimum: 2048))) {
            try Paillier.ThresholdDealer.deal(p: p, q: q, parties: 4, threshold: 2, using: &generator)
        }
        // Ordinary primes of the right size are not safe primes.
        let plain = try Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true, using: &generator)
        #expect(throws: ThresholdPaillierError.invalidKey("p and q must be safe primes (p = 2p' + 1 with p' prime)")) {
            try Paillier.ThresholdDealer.deal(p: plain.p, q: plain.q, parties: 3, threshold: 2, allowInsecureForTests: true, using: &generator)
        }
        #expect(throws: ThresholdPaillierError.invalidKeyShare(party: 2, reason: "it does not match the party's verification key")) {
            try Paillier.KeyShare(party: 2, secret: shares[1].secret + 1, publicKey: key)
        }
        #expect(throws: ThresholdPaillierError.unknownParty(5)) { try Paillier.KeyShare(party: 5, secret: shares[1].secret, publicKey: key) }
        #expect(throws: ThresholdPaillierError.invalidKey("3 verification keys for 4 parties")) {
            try Paillier.ThresholdPublicKey(publicKey: key.publicKey, threshold: 3, parties: 4,
                                            verificationBase: key.verificationBase, verificationKeys: Array(key.verificationKeys.prefix(3)))
        }
        // A ciphertext under another key.
        let otherKey = try Paillier.PublicKey(n: plain.publicKey.n, allowInsecureForTests: true)
        #expect(throws: ThresholdPaillierError.keyMismatch) { try shares[0].partialDecrypt(try otherKey.encrypt(BigInt(1))) }
    }

    @Test func generatedKeysDecrypt() throws {
        var generator = ChaChaRandom(seed: UInt64(99))
        let keySet = try Paillier.ThresholdDealer.generate(bits: 512, parties: 3, threshold: 2, allowInsecureForTests: true, using: &generator)
        #expect(keySet.publicKey.publicKey.bitWidth == 512 && keySet.shares.count == 3)
        let ciphertext = try keySet.publicKey.publicKey.encrypt(BigInt(77))
        let decryptionShares = try keySet.shares[1...2].map { try $0.partialDecrypt(ciphertext) }
        #expect(try keySet.publicKey.combine(decryptionShares, for: ciphertext).plaintext == 77)
    }
}
