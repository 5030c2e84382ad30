import Bignum
internal import ParallelWork
import Sodium

extension Paillier {
    /// A Paillier private key: the primes `p < q` with the CRT constants for decryption
    /// and for the key owner's fast encryption.
    public struct PrivateKey: Sendable, Hashable {
        /// The public half.
        public let publicKey: PublicKey
        /// The smaller prime.
        public let p: BigInt
        /// The larger prime.
        public let q: BigInt
        let pSquared: BigInt
        let qSquared: BigInt
        /// `hp = L_p(g^(p−1) mod p²)^(−1) mod p`, and likewise `hq` for q.
        let hp: BigInt, hq: BigInt
        /// `p^(−1) mod q`, for CRT recombination modulo n.
        let pInverseModQ: BigInt
        /// `(p²)^(−1) mod q²`, for CRT recombination modulo n².
        let pSquaredInverseModQSquared: BigInt
        /// `n mod p(p−1)` and `n mod q(q−1)`: exponents for `r^n` modulo `p²` and `q²`.
        let nModPhiPSquared: BigInt
        let nModPhiQSquared: BigInt

        /// A private key from its primes, checked: distinct, of equal length (one bit of
        /// slack for keys from other tools), `p·q` of an accepted size, both probably prime,
        /// `gcd(n, (p−1)(q−1)) = 1`. The cheap checks come first, so a hostile key file cannot
        /// make us run primality tests on numbers of arbitrary size.
        ///
        /// - Throws: `invalidKey` or `keyTooSmall`.
        public init(p first: BigInt, q second: BigInt, allowInsecureForTests: Bool = false) throws(PaillierError) {
            guard first != second else { throw .invalidKey("p and q must differ") }
            let p = Swift.min(first, second), q = Swift.max(first, second)
            guard p > 2 else { throw .invalidKey("primes must be odd and greater than 2") }
            guard q.bitWidth - p.bitWidth <= 1 else {
                throw .invalidKey("p and q must have equal length, got \(p.bitWidth) and \(q.bitWidth) bits")
            }
            let n = p * q
            let publicKey = try PublicKey(n: n, allowInsecureForTests: allowInsecureForTests)
            guard p.isProbablePrime(rounds: 24), q.isProbablePrime(rounds: 24) else {
                throw .invalidKey("p and q must be prime")
            }
            let phi = (p - 1) * (q - 1)
            guard n.gcd(phi) == 1 else { throw .invalidKey("gcd(n, (p−1)(q−1)) ≠ 1") }
            self.publicKey = publicKey
            self.p = p
            self.q = q
            pSquared = p * p
            qSquared = q * q
            do {
                hp = try Self.h(prime: p, primeSquared: pSquared, n: n)
                hq = try Self.h(prime: q, primeSquared: qSquared, n: n)
                pInverseModQ = try p.inverse(modulo: q)
                pSquaredInverseModQSquared = try pSquared.inverse(modulo: qSquared)
                nModPhiPSquared = try n.modulo(p * (p - 1))
                nModPhiQSquared = try n.modulo(q * (q - 1))
            } catch {
                throw .invalidKey("CRT constants do not exist: \(error)")
            }
        }

        /// `L_p(g^(p−1) mod p²)^(−1) mod p` with `L_p(x) = (x − 1)/p`.
        private static func h(prime: BigInt, primeSquared: BigInt, n: BigInt) throws(BignumError) -> BigInt {
            // p − 1 is secret: constant-time exponentiation (p² is odd).
            let gPower = try (n + 1).constantTimePower(prime - 1, modulo: primeSquared)
            return try ((gPower - 1) / prime).inverse(modulo: prime)
        }

        /// Generates a key pair with `n` of exactly `bits` bits (default 3072) from libsodium's CSPRNG.
        ///
        /// - Parameters:
        ///   - bits: size of `n` in bits (even).
        ///   - allowInsecureForTests: permit `bits < 2048` (down to 128); such keys
        ///     are breakable and exist only to keep tests fast.
        /// - Throws: `keyTooSmall`, or `invalidParameter` for an odd size.
        public static func generate(bits: Int = Paillier.defaultKeyBits, allowInsecureForTests: Bool = false) throws(PaillierError) -> PrivateKey {
            var generator = SecureRandom()
            return try generate(bits: bits, allowInsecureForTests: allowInsecureForTests, using: &generator)
        }

        /// Generates a key pair with randomness from `generator` (a CSPRNG in production;
        /// a seeded `ChaChaRandom` only for reproducible tests).
        public static func generate<R: RandomNumberGenerator>(
            bits: Int, allowInsecureForTests: Bool = false, using generator: inout R
        ) throws(PaillierError) -> PrivateKey {
            try Paillier.checkKeyBits(bits, allowInsecureForTests: allowInsecureForTests)
            guard bits % 2 == 0 else { throw .invalidParameter(name: "bits", reason: "modulus size must be even, got \(bits)") }
            while true {
                let p: BigInt, q: BigInt
                do {
                    // randomPrime sets the two top bits, so p·q has exactly `bits` bits.
                    p = try BigInt.randomPrime(bits: bits / 2, using: &generator)
                    q = try BigInt.randomPrime(bits: bits / 2, using: &generator)
                } catch {
                    throw .bignum(error)
                }
                guard p != q, (p * q).bitWidth == bits else { continue }
                if let key = try? PrivateKey(p: p, q: q, allowInsecureForTests: allowInsecureForTests) { return key }
            }
        }

        /// Decrypts to the raw plaintext in `[0, n)` with the CRT (two half-size exponentiations).
        ///
        /// - Throws: `keyMismatch` for a ciphertext under another key.
        public func decrypt(_ ciphertext: Ciphertext) throws(PaillierError) -> BigInt {
            guard ciphertext.publicKey == publicKey else { throw .keyMismatch }
            return decryptValue(ciphertext.value)
        }

        /// Decrypts many ciphertexts on all cores.
        public func decrypt(_ ciphertexts: [Ciphertext]) throws(PaillierError) -> [BigInt] {
            try Parallel.map(count: ciphertexts.count) { (index) throws(PaillierError) in try decrypt(ciphertexts[index]) }
        }

        /// CRT decryption of a residue modulo n².
        func decryptValue(_ value: BigInt) -> BigInt {
            let mp = halfDecrypt(value, prime: p, primeSquared: pSquared, h: hp)
            let mq = halfDecrypt(value, prime: q, primeSquared: qSquared, h: hq)
            // m = mp + p·((mq − mp)·p^(−1) mod q)
            var difference = mq - mp
            difference.multiply(by: pInverseModQ, modulo: q)
            difference *= p
            difference += mp
            return difference
        }

        private func halfDecrypt(_ value: BigInt, prime: BigInt, primeSquared: BigInt, h: BigInt) -> BigInt {
            var x = value
            x.formResidue(modulo: primeSquared)
            // The exponent p − 1 is the secret itself: mpz_powm's sliding window would leak
            // its bits through timing, so use mpz_powm_sec (p² is odd, p − 1 > 0).
            x.formConstantTimePower(x, prime - 1, modulo: primeSquared)
            x -= 1
            x /= prime
            x.multiply(by: h, modulo: prime)
            return x
        }

        /// `r^n mod n²` computed by the key owner through the CRT: two exponentiations
        /// modulo p² and q² with exponents reduced modulo φ(p²) and φ(q²).
        public func crtObfuscator<R: RandomNumberGenerator>(using generator: inout R) -> BigInt {
            let r = publicKey.randomUnit(using: &generator)
            var xp = BigInt(), xq = BigInt()
            // n mod p(p−1) and n mod q(q−1) reveal the factors: constant-time exponentiation.
            xp.formConstantTimePower(r, nModPhiPSquared, modulo: pSquared)
            xq.formConstantTimePower(r, nModPhiQSquared, modulo: qSquared)
            // x = xp + p²·((xq − xp)·(p²)^(−1) mod q²)
            var difference = xq - xp
            difference.multiply(by: pSquaredInverseModQSquared, modulo: qSquared)
            difference *= pSquared
            difference += xp
            return difference
        }

        /// Encrypts as the key owner: the same distribution as standard encryption, with
        /// `r^n` computed through the CRT (about 3× faster).
        public func encrypt(_ plaintext: BigInt) throws(PaillierError) -> Ciphertext {
            var generator = SecureRandom()
            return try publicKey.encrypt(plaintext, obfuscator: crtObfuscator(using: &generator))
        }
    }
}
