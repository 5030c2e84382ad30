import Bignum
import Sodium

extension Paillier {
    /// The public side of a threshold Paillier key (Shoup 2000, Damgård–Jurik 2001 with s = 1):
    /// an ordinary Paillier public key plus what anyone needs to verify decryption shares
    /// and combine them.
    ///
    /// ``publicKey`` is a normal ``PublicKey``: encrypt with it exactly as without a threshold
    /// (standard or ``ShortExponentEncryptor`` encryption, encodings, packing, pheutil files). Only
    /// decryption differs: it needs ``threshold`` of the ``parties`` ``KeyShare``s.
    public struct ThresholdPublicKey: Sendable, Hashable {
        /// The largest number of parties supported: Δ = parties! enters every exponent, and
        /// 256! already has 1684 bits.
        public static let maximumParties = 256

        /// The Paillier public key clients encrypt under.
        public let publicKey: PublicKey
        /// How many decryption shares decrypt (t).
        public let threshold: Int
        /// How many parties hold a key share (ℓ); parties are numbered 1...ℓ.
        public let parties: Int
        /// The verification base v: a random square modulo n², generating the squares.
        public let verificationBase: BigInt
        /// The verification keys `v_i = v^(Δ·s_i) mod n²`, party i at index i − 1.
        public let verificationKeys: [BigInt]
        /// Δ = ℓ!, which makes every Lagrange coefficient at 0 an integer.
        public let delta: BigInt
        /// `(4Δ²)^(−1) mod n`, the last step of combination.
        let combinationFactor: BigInt

        /// A threshold public key from its parts, validated.
        ///
        /// - Parameters:
        ///   - publicKey: the Paillier public key (n).
        ///   - threshold: shares needed to decrypt, 2...parties.
        ///   - parties: share holders, threshold...``maximumParties``.
        ///   - verificationBase: v, in [2, n²) and coprime to n.
        ///   - verificationKeys: one per party, each in [1, n²) and coprime to n.
        /// - Throws: `ThresholdPaillierError.invalidParameter` or `.invalidKey`.
        public init(
            publicKey: PublicKey, threshold: Int, parties: Int, verificationBase: BigInt, verificationKeys: [BigInt]
        ) throws(ThresholdPaillierError) {
            guard (2...Self.maximumParties).contains(parties) else {
                throw .invalidParameter(name: "parties", reason: "parties must be 2...\(Self.maximumParties), got \(parties)")
            }
            guard (2...parties).contains(threshold) else {
                throw .invalidParameter(name: "threshold", reason: "threshold must be 2...\(parties) (threshold 1 would hand every party the whole key), got \(threshold)")
            }
            guard verificationKeys.count == parties else {
                throw .invalidKey("\(verificationKeys.count) verification keys for \(parties) parties")
            }
            let n = publicKey.n, nSquared = publicKey.nSquared
            func isUnit(_ value: BigInt) -> Bool { value.signum > 0 && value < nSquared && value.gcd(n) == 1 }
            guard isUnit(verificationBase), verificationBase != 1 else {
                throw .invalidKey("verification base must lie in [2, n²) and be coprime to n")
            }
            for (index, key) in verificationKeys.enumerated() where !isUnit(key) {
                throw .invalidKey("verification key of party \(index + 1) must lie in [1, n²) and be coprime to n")
            }
            self.publicKey = publicKey
            self.threshold = threshold
            self.parties = parties
            self.verificationBase = verificationBase
            self.verificationKeys = verificationKeys
            var factorial = BigInt(1)
            for factor in 1...parties { factorial *= BigInt(factor) }
            delta = factorial
            do {
                combinationFactor = try (BigInt(4) * factorial * factorial).inverse(modulo: n)
            } catch {
                throw .invalidKey("4Δ² is not invertible modulo n: n has a factor ≤ \(parties)")
            }
        }

        /// The verification key of `party` (1...parties).
        public func verificationKey(of party: Int) throws(ThresholdPaillierError) -> BigInt {
            guard (1...parties).contains(party) else { throw .unknownParty(party) }
            return verificationKeys[party - 1]
        }

        /// The number of bits of a key share's bound: shares live in Z_{n·m} with m < n/4.
        var shareBits: Int { 2 * publicKey.bitWidth }

        /// The length of the proof's random exponent r: enough that `z = r + e·Δ·s_i` hides
        /// `e·Δ·s_i` (below 2^(256 + |Δ| + |nm|)) statistically, within 2^−128.
        public var proofNonceBits: Int { shareBits + delta.bitWidth + ThresholdProof.challengeBits + 128 }
    }

    /// One party's share of a threshold Paillier private key: the value `s_i = f(i)` of the
    /// dealer's polynomial with `f(0) = d`. Secret: its limbs are wiped when released, and
    /// it leaves the process only sealed (see ``ThresholdShareFile``).
    public struct KeyShare: Sendable {
        /// The threshold public key the share belongs to.
        public let publicKey: ThresholdPublicKey
        /// The party's index, 1...parties.
        public let party: Int
        /// `s_i`, in [0, n·m).
        package let secret: BigInt

        /// A key share, checked against its verification key: `v^(Δ·s_i) = v_i`, so a share
        /// from a corrupted or mismatched file is refused before it can produce wrong
        /// decryption shares.
        ///
        /// - Parameters:
        ///   - party: the index, 1...parties.
        ///   - secret: `s_i`, non-negative and below n².
        ///   - publicKey: the threshold public key.
        /// - Throws: `ThresholdPaillierError.unknownParty` or `.invalidKeyShare(party:reason:)`.
        public init(party: Int, secret: BigInt, publicKey: ThresholdPublicKey) throws(ThresholdPaillierError) {
            let expected = try publicKey.verificationKey(of: party)
            guard !secret.isNegative, secret.bitWidth <= publicKey.shareBits else {
                throw .invalidKeyShare(party: party, reason: "the share is out of range")
            }
            var check = BigInt()
            // The exponent Δ·s_i is secret: constant-time power (n² is odd).
            check.formConstantTimePower(publicKey.verificationBase, publicKey.delta * secret, modulo: publicKey.publicKey.nSquared)
            guard check == expected else {
                throw .invalidKeyShare(party: party, reason: "it does not match the party's verification key")
            }
            self.publicKey = publicKey
            self.party = party
            self.secret = secret
        }

        /// Runs `body` with the secret share as fixed-width big-endian bytes (2·|n| bits),
        /// wiped afterwards.
        func withSecretBytes<Result>(_ body: ([UInt8]) throws -> Result) rethrows -> Result {
            let width = (publicKey.shareBits + 7) / 8
            // The share is below 2^shareBits (checked at construction), so it fits.
            var bytes = try! secret.bigEndianBytes(count: width)
            defer { SecureMemory.wipe(&bytes) }
            return try body(bytes)
        }
    }

    /// The dealer's output: the public key and one share per party (party i at index i − 1).
    public struct ThresholdKeySet: Sendable {
        /// The threshold public key.
        public let publicKey: ThresholdPublicKey
        /// The parties' key shares.
        public let shares: [KeyShare]
    }

    /// The trusted dealer of threshold Paillier keys (Shoup 2000, Damgård–Jurik 2001).
    ///
    /// With safe primes p = 2p' + 1, q = 2q' + 1, n = pq and m = p'q', the dealer picks the
    /// private exponent d with d ≡ 0 mod m and d ≡ 1 mod n, shares it with a random
    /// polynomial f of degree t − 1 over Z_{nm} (f(0) = d), hands party i the share
    /// s_i = f(i), and publishes a random square v and `v_i = v^(Δ s_i)`. The dealer learns
    /// everything and must forget it: this type keeps nothing, and every intermediate
    /// (primes, m, d, coefficients) is a `BigInt` whose limbs are wiped on release.
    public enum ThresholdDealer {
        /// Generates a threshold key with `n` of exactly `bits` bits.
        ///
        /// - Parameters:
        ///   - bits: the modulus size, even, ≥ 2048 (≥ 128 with `allowInsecureForTests`).
        ///   - parties: the number of share holders ℓ, 2...256.
        ///   - threshold: the number of shares that decrypt t, 2...ℓ.
        ///   - allowInsecureForTests: accept moduli below 2048 bits.
        ///   - generator: the randomness (libsodium's CSPRNG unless a test seeds one).
        /// - Throws: `ThresholdPaillierError.invalidParameter`, or `.paillier` for a refused size.
        public static func generate<R: RandomNumberGenerator>(
            bits: Int, parties: Int, threshold: Int, allowInsecureForTests: Bool = false, using generator: inout R
        ) throws(ThresholdPaillierError) -> ThresholdKeySet {
            do {
                try Paillier.checkKeyBits(bits, allowInsecureForTests: allowInsecureForTests)
            } catch {
                throw .paillier(error)
            }
            guard bits % 2 == 0 else { throw .paillier(.invalidParameter(name: "bits", reason: "modulus size must be even, got \(bits)")) }
            try checkCounts(parties: parties, threshold: threshold)
            while true {
                let p = SafePrime.generate(bits: bits / 2, using: &generator)
                let q = SafePrime.generate(bits: bits / 2, using: &generator)
                guard p != q, (p * q).bitWidth == bits else { continue }
                return try deal(p: p, q: q, parties: parties, threshold: threshold,
                                allowInsecureForTests: allowInsecureForTests, using: &generator)
            }
        }

        /// Generates a threshold key from libsodium's CSPRNG.
        public static func generate(
            bits: Int, parties: Int, threshold: Int, allowInsecureForTests: Bool = false
        ) throws(ThresholdPaillierError) -> ThresholdKeySet {
            var generator = SecureRandom()
            return try generate(bits: bits, parties: parties, threshold: threshold,
                                allowInsecureForTests: allowInsecureForTests, using: &generator)
        }

        /// Deals a threshold key from given safe primes (fixtures, or primes from elsewhere).
        ///
        /// - Throws: `ThresholdPaillierError.invalidKey` unless p and q are distinct safe
        ///   primes of equal length; `.invalidParameter`; `.paillier` for a refused size.
        public static func deal<R: RandomNumberGenerator>(
            p: BigInt, q: BigInt, parties: Int, threshold: Int, allowInsecureForTests: Bool = false,
            using generator: inout R
        ) throws(ThresholdPaillierError) -> ThresholdKeySet {
            try checkCounts(parties: parties, threshold: threshold)
            guard p != q, p.bitWidth == q.bitWidth else { throw .invalidKey("p and q must be distinct and of equal length") }
            let n = p * q
            let publicKey: PublicKey
            do {
                publicKey = try PublicKey(n: n, allowInsecureForTests: allowInsecureForTests)
            } catch {
                throw .paillier(error)
            }
            guard SafePrime.isSafePrime(p), SafePrime.isSafePrime(q) else {
                throw .invalidKey("p and q must be safe primes (p = 2p' + 1 with p' prime)")
            }
            let pPrime = p >> 1, qPrime = q >> 1
            guard BigInt(parties) < pPrime, BigInt(parties) < qPrime else {
                throw .invalidKey("the primes are too small for \(parties) parties")
            }
            let m = pPrime * qPrime
            let nm = n * m
            let d: BigInt
            do {
                // d ≡ 0 mod m and d ≡ 1 mod n: d = m · (m^(−1) mod n), in [0, nm).
                d = m * (try m.inverse(modulo: n))
            } catch {
                throw .invalidKey("m = p'q' is not invertible modulo n")
            }
            // f(X) = d + a_1 X + … + a_(t−1) X^(t−1) over Z_{nm}.
            var coefficients: [BigInt] = [d]
            for _ in 1..<threshold {
                // nm > 0, so random(below:) cannot fail.
                coefficients.append(try! BigInt.random(below: nm, using: &generator))
            }
            let nSquared = publicKey.nSquared
            var root: BigInt
            repeat {
                root = try! BigInt.random(below: nSquared, using: &generator)
            } while root.signum == 0 || root.gcd(n) != 1
            var verificationBase = BigInt()
            verificationBase.formProduct(root, root, modulo: nSquared)
            var factorial = BigInt(1)
            for factor in 1...parties { factorial *= BigInt(factor) }
            var secrets: [BigInt] = []
            var verificationKeys: [BigInt] = []
            for party in 1...parties {
                // Horner's rule modulo nm.
                var value = BigInt()
                for coefficient in coefficients.reversed() {
                    value *= BigInt(party)
                    value += coefficient
                    value.formResidue(modulo: nm)
                }
                var key = BigInt()
                key.formConstantTimePower(verificationBase, factorial * value, modulo: nSquared)
                secrets.append(value)
                verificationKeys.append(key)
            }
            let thresholdKey = try ThresholdPublicKey(
                publicKey: publicKey, threshold: threshold, parties: parties,
                verificationBase: verificationBase, verificationKeys: verificationKeys)
            var shares: [KeyShare] = []
            for (index, secret) in secrets.enumerated() {
                shares.append(try KeyShare(party: index + 1, secret: secret, publicKey: thresholdKey))
            }
            return ThresholdKeySet(publicKey: thresholdKey, shares: shares)
        }

        package static func checkCounts(parties: Int, threshold: Int) throws(ThresholdPaillierError) {
            guard (2...ThresholdPublicKey.maximumParties).contains(parties) else {
                throw .invalidParameter(name: "parties", reason: "parties must be 2...\(ThresholdPublicKey.maximumParties), got \(parties)")
            }
            guard (2...parties).contains(threshold) else {
                throw .invalidParameter(name: "threshold", reason: "threshold must be 2...\(parties), got \(threshold)")
            }
        }
    }
}
