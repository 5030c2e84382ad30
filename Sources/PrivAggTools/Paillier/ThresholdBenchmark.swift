import Bignum
import Foundation
import Paillier
import Sodium

extension Paillier {
    /// Timings of threshold Paillier on one freshly dealt key (used by
    /// `privagg bench paillier --threshold T --parties N`). One core throughout.
    public struct ThresholdBenchmarkReport: Codable, Sendable, Equatable {
        /// Modulus size.
        public var keyBits: Int
        /// Share holders ℓ.
        public var parties: Int
        /// Shares that decrypt t.
        public var threshold: Int
        /// Dealing the key: two sieved safe primes, the shares and verification keys.
        public var keygenSeconds: Double
        /// Of which: finding the two safe primes.
        public var safePrimesSeconds: Double
        /// One decryption share with its proof (constant-time exponentiations).
        public var partialDecryptMs: Double
        /// Of which: `c^(2Δ s_i) mod n²` alone, without the proof (the floor for any
        /// party that does not know the factors of n).
        public var partialDecryptWithoutProofMs: Double
        /// Verifying one decryption share's proof.
        public var verifyShareMs: Double
        /// Combining `threshold` already verified shares (Lagrange in the exponent).
        public var combineMs: Double
        /// For comparison: one CRT decryption with the ordinary private key of the same n.
        public var decryptCrtMs: Double
        /// `partialDecryptMs / decryptCrtMs` (the goal: at most 3).
        public var partialDecryptOverCrt: Double

        enum CodingKeys: String, CodingKey {
            case keyBits = "key_bits", parties, threshold
            case keygenSeconds = "keygen_seconds", safePrimesSeconds = "safe_primes_seconds"
            case partialDecryptMs = "partial_decrypt_ms", partialDecryptWithoutProofMs = "partial_decrypt_without_proof_ms"
            case verifyShareMs = "verify_share_ms", combineMs = "combine_ms"
            case decryptCrtMs = "decrypt_crt_ms", partialDecryptOverCrt = "partial_decrypt_over_crt"
        }
    }

    /// Deals a `threshold`-of-`parties` key of `keyBits` bits and times its operations;
    /// `scale` multiplies the iteration counts.
    ///
    /// - Throws: `ThresholdPaillierError` for refused parameters, or when a round trip fails.
    public static func thresholdBenchmark(
        keyBits: Int, parties: Int, threshold: Int, scale: Double = 1, allowInsecureForTests: Bool = false
    ) throws(ThresholdPaillierError) -> ThresholdBenchmarkReport {
        func count(_ base: Int) -> Int { max(2, Int(Double(base) * scale)) }
        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        do {
            try Paillier.checkKeyBits(keyBits, allowInsecureForTests: allowInsecureForTests)
        } catch {
            throw .paillier(error)
        }
        guard keyBits % 2 == 0 else { throw .paillier(.invalidParameter(name: "keyBits", reason: "modulus size must be even, got \(keyBits)")) }
        try ThresholdDealer.checkCounts(parties: parties, threshold: threshold)
        var generator = SecureRandom()

        // Key generation as ThresholdDealer.generate does it, with the primes kept for the
        // CRT baseline.
        let start = clock.now
        var p: BigInt, q: BigInt
        repeat {
            p = SafePrime.generate(bits: keyBits / 2, using: &generator)
            q = SafePrime.generate(bits: keyBits / 2, using: &generator)
        } while p == q || (p * q).bitWidth != keyBits
        let primesDone = clock.now
        let keySet = try ThresholdDealer.deal(p: p, q: q, parties: parties, threshold: threshold,
                                              allowInsecureForTests: allowInsecureForTests, using: &generator)
        let keygen = clock.now - start
        let key = keySet.publicKey
        let privateKey: PrivateKey
        do {
            privateKey = try PrivateKey(p: p, q: q, allowInsecureForTests: allowInsecureForTests)
        } catch {
            throw .paillier(error)
        }

        let plaintext: BigInt
        let ciphertext: Ciphertext
        do {
            plaintext = try BigInt.random(below: key.publicKey.n, using: &generator)
            ciphertext = try key.publicKey.encrypt(plaintext, using: &generator)
        } catch {
            throw .invalidKey("cannot encrypt the benchmark plaintext: \(error)")
        }

        let partialCount = count(10)
        var shares: [DecryptionShare] = []
        let partialStart = clock.now
        for index in 0..<partialCount {
            let share = try keySet.shares[index % threshold].partialDecrypt(ciphertext, using: &generator)
            if index < threshold { shares.append(share) }
        }
        let partial = clock.now - partialStart

        let share = keySet.shares[0]
        let exponent = (key.delta * share.secret) << 1
        var bare = BigInt()
        let bareStart = clock.now
        for _ in 0..<partialCount { bare.formConstantTimePower(ciphertext.value, exponent, modulo: key.publicKey.nSquared) }
        let bareTime = clock.now - bareStart
        guard bare == shares[0].value else { throw .invalidKey("benchmark partial decryption mismatch") }

        let verifyCount = count(10)
        let verifyStart = clock.now
        for index in 0..<verifyCount { try shares[index % threshold].verify(for: ciphertext, publicKey: key) }
        let verify = clock.now - verifyStart

        let combineCount = count(50)
        var combined = BigInt()
        let combineStart = clock.now
        for _ in 0..<combineCount { combined = key.combineValues(shares) }
        let combine = clock.now - combineStart
        guard combined == plaintext, try key.combine(shares, for: ciphertext).plaintext == plaintext else {
            throw .invalidKey("benchmark round trip failed")
        }

        let decryptCount = count(40)
        var decrypted = BigInt()
        let decryptStart = clock.now
        do {
            for _ in 0..<decryptCount { decrypted = try privateKey.decrypt(ciphertext) }
        } catch {
            throw .paillier(error)
        }
        let decrypt = clock.now - decryptStart
        guard decrypted == plaintext else { throw .invalidKey("benchmark CRT round trip failed") }

        let partialMs = seconds(partial) * 1e3 / Double(partialCount)
        let decryptMs = seconds(decrypt) * 1e3 / Double(decryptCount)
        return ThresholdBenchmarkReport(
            keyBits: keyBits, parties: parties, threshold: threshold,
            keygenSeconds: seconds(keygen), safePrimesSeconds: seconds(primesDone - start),
            partialDecryptMs: partialMs, partialDecryptWithoutProofMs: seconds(bareTime) * 1e3 / Double(partialCount),
            verifyShareMs: seconds(verify) * 1e3 / Double(verifyCount),
            combineMs: seconds(combine) * 1e3 / Double(combineCount), decryptCrtMs: decryptMs,
            partialDecryptOverCrt: partialMs / decryptMs)
    }
}
