import Bignum
internal import ParallelWork
import Sodium

extension Paillier {
    /// A Paillier public key: the modulus `n` (g = n + 1 is implied).
    public struct PublicKey: Sendable, Hashable {
        /// The modulus `n = p·q`.
        public let n: BigInt
        /// `n²`, the ciphertext modulus.
        public let nSquared: BigInt
        /// python-paillier's `max_int = ⌊n/3⌋ − 1`: signed encodings keep `|x| ≤ maxInt`
        /// and the band between `maxInt` and `n − maxInt` detects overflow.
        public let maxInt: BigInt
        /// The largest `|mantissa|` PrivAgg's `EncodedNumber` decodes: `maxInt / 2^h`, with h
        /// = ``overflowHeadroomBits``. Larger residues are refused as possible wrap-arounds.
        public let maxDecodedMagnitude: BigInt
        /// The largest `|mantissa|` it encodes: `maxInt / 2^(2h)`, so that up to 2^h
        /// encodable values, or one times a scalar below 2^h, still decode exactly.
        public let maxEncodedMagnitude: BigInt

        /// A public key for modulus `n`.
        ///
        /// - Parameters:
        ///   - n: the modulus (odd, positive).
        ///   - allowInsecureForTests: accept moduli below 2048 bits (down to 128).
        /// - Throws: `keyTooSmall`, or `invalidKey` for an even or non-positive `n`.
        public init(n: BigInt, allowInsecureForTests: Bool = false) throws(PaillierError) {
            guard n.signum > 0, n.isOdd else { throw .invalidKey("modulus must be positive and odd") }
            try Paillier.checkKeyBits(n.bitWidth, allowInsecureForTests: allowInsecureForTests)
            self.n = n
            nSquared = n * n
            maxInt = n / 3 - 1
            let headroom = Self.overflowHeadroomBits(modulusBits: n.bitWidth)
            maxDecodedMagnitude = maxInt >> headroom
            maxEncodedMagnitude = maxInt >> (2 * headroom)
        }

        /// The headroom h in bits between the encodable range, the decodable range and max_int:
        /// 64, or an eighth of the modulus for test keys below 512 bits.
        ///
        /// python-paillier accepts any residue within ±max_int ≈ n/3, which catches the overflow
        /// of one addition but not of a sum of several large values or of a product: those wrap
        /// around n and decode to a wrong value without a word. PrivAgg encodes only values
        /// 2h bits below max_int and decodes only residues h bits below it, so honest sums of
        /// up to 2^h values and products with scalars below 2^h stay exact, while a result
        /// that wrapped lands in the accepted range with probability about 2^−h and is
        /// otherwise reported as `overflow`. For a 2048-bit key the encodable range is still
        /// ±2^1918, far beyond any Double.
        public var overflowHeadroomBits: Int { Self.overflowHeadroomBits(modulusBits: n.bitWidth) }

        static func overflowHeadroomBits(modulusBits: Int) -> Int { min(64, modulusBits / 8) }

        /// Whether two keys have the same modulus (everything else is derived from it).
        public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.n == rhs.n }

        /// Hashes the modulus.
        public func hash(into hasher: inout Hasher) { hasher.combine(n) }

        /// The bit length of `n`.
        public var bitWidth: Int { n.bitWidth }

        /// `g^m = 1 + m·n mod n²` for a plaintext in `[0, n)` (the binomial shortcut g = n + 1 allows).
        func nude(_ plaintext: BigInt) -> BigInt {
            var value = plaintext * n
            value += 1
            return value
        }

        /// Checks that `plaintext` is in `[0, n)`.
        func checkPlaintext(_ plaintext: BigInt) throws(PaillierError) {
            guard !plaintext.isNegative, plaintext < n else {
                throw .plaintextOutOfRange("raw plaintexts must lie in [0, n); encode signed values first")
            }
        }

        /// Checks that `value` is a valid ciphertext: in `[1, n²)` and coprime to `n`.
        public func validate(ciphertextValue value: BigInt) throws(PaillierError) {
            guard value.signum > 0, value < nSquared else { throw .invalidCiphertext("value must lie in [1, n²)") }
            guard value.gcd(n) == 1 else { throw .invalidCiphertext("value shares a factor with n") }
        }

        /// A uniform `r` in Z*_n from `generator`.
        func randomUnit<R: RandomNumberGenerator>(using generator: inout R) -> BigInt {
            while true {
                // n > 1 (validated), so random(below:) cannot throw; retrying on an error
                // would loop forever, so stop instead.
                let r: BigInt
                do {
                    r = try BigInt.random(below: n, using: &generator)
                } catch {
                    preconditionFailure("cannot draw below a validated modulus: \(error)")
                }
                if r.signum > 0, r.gcd(n) == 1 { return r }
            }
        }

        /// A fresh obfuscator `r^n mod n²` with `r` uniform in Z*_n (the standard mode).
        public func standardObfuscator<R: RandomNumberGenerator>(using generator: inout R) -> BigInt {
            let r = randomUnit(using: &generator)
            var result = BigInt()
            result.formPower(r, n, modulo: nSquared)
            return result
        }

        /// Encrypts `plaintext ∈ [0, n)` in the standard mode: `r` uniform in Z*_n.
        public func encrypt(_ plaintext: BigInt) throws(PaillierError) -> Ciphertext {
            var generator = SecureRandom()
            return try encrypt(plaintext, using: &generator)
        }

        /// Encrypts `plaintext ∈ [0, n)` in the standard mode with randomness from `generator`.
        public func encrypt<R: RandomNumberGenerator>(_ plaintext: BigInt, using generator: inout R) throws(PaillierError) -> Ciphertext {
            try encrypt(plaintext, obfuscator: standardObfuscator(using: &generator))
        }

        /// Encrypts with a given obfuscator (an n-th residue `r^n mod n²`, for example
        /// from an `ObfuscatorPool` or a `ShortExponentEncryptor`). Never reuse an obfuscator.
        public func encrypt(_ plaintext: BigInt, obfuscator: BigInt) throws(PaillierError) -> Ciphertext {
            try checkPlaintext(plaintext)
            var value = nude(plaintext)
            value.multiply(by: obfuscator, modulo: nSquared)
            return Ciphertext(value: value, publicKey: self)
        }

        /// Encrypts many plaintexts on all cores in the standard mode.
        public func encrypt(_ plaintexts: [BigInt]) throws(PaillierError) -> [Ciphertext] {
            try Parallel.map(count: plaintexts.count) { (index) throws(PaillierError) in
                try encrypt(plaintexts[index])
            }
        }

        /// The trivial (deterministic, obfuscator 1) encryption of `plaintext`: for adding
        /// public constants, never for sending.
        public func encryptWithoutRandomness(_ plaintext: BigInt) throws(PaillierError) -> Ciphertext {
            try checkPlaintext(plaintext)
            return Ciphertext(value: nude(plaintext), publicKey: self)
        }
    }
}
