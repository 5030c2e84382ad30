import Bignum
import Sodium

extension Paillier {
    /// python-paillier's `EncryptedNumber`: a ciphertext of an `EncodedNumber`'s residue
    /// together with its (public) base-16 exponent. Arithmetic follows python-paillier
    /// exactly, so results match `pheutil` in value and exponent.
    ///
    /// Homomorphic results are deterministic functions of their inputs (E(a)·0 is the
    /// ciphertext 1, which anyone can read as zero): call ``rerandomized()`` before a result
    /// leaves your hands. ``isRerandomized`` records whether that happened (python-paillier's
    /// `__is_obfuscated`), and `Pheutil.write(_:)` refuses a number
    /// without it.
    public struct EncryptedNumber: Sendable, Hashable {
        /// The ciphertext of the residue.
        public let ciphertext: Ciphertext
        /// The base-16 exponent.
        public let exponent: Int
        /// Whether the ciphertext carries fresh randomness of its own: true after encryption
        /// and ``rerandomized()``, false for a homomorphic result, which is a public function
        /// of its inputs. Not part of equality: it describes provenance, not the value.
        public let isRerandomized: Bool

        /// Pairs a ciphertext with its exponent.
        ///
        /// - Parameters:
        ///   - ciphertext: the ciphertext of the residue.
        ///   - exponent: the base-16 exponent.
        ///   - isRerandomized: whether `ciphertext` is known to carry fresh randomness (false
        ///     unless the caller knows it: fail closed).
        /// - Precondition: `exponent` lies in ``EncodedNumber/exponentRange`` (check
        ///   untrusted exponents with ``EncodedNumber/checkExponent(_:)`` first).
        public init(ciphertext: Ciphertext, exponent: Int, isRerandomized: Bool = false) {
            precondition(EncodedNumber.exponentRange.contains(exponent), "exponent \(exponent) outside EncodedNumber.exponentRange")
            self.ciphertext = ciphertext
            self.exponent = exponent
            self.isRerandomized = isRerandomized
        }

        /// Encrypts an encoded number in the standard mode (as python-paillier does).
        ///
        /// - Parameter encoded: the number to encrypt.
        /// - Throws: `PaillierError.plaintextOutOfRange` if its encoding is not below n.
        public init(encrypting encoded: EncodedNumber) throws(PaillierError) {
            var generator = SecureRandom()
            try self.init(encrypting: encoded, using: &generator)
        }

        /// Encrypts an encoded number in the standard mode with randomness from `generator`
        /// (a seeded `ChaChaRandom` only for reproducible tests).
        ///
        /// - Parameters:
        ///   - encoded: the number to encrypt.
        ///   - generator: the source of the obfuscator's randomness.
        /// - Throws: `PaillierError.plaintextOutOfRange` if its encoding is not below n.
        public init<R: RandomNumberGenerator>(encrypting encoded: EncodedNumber, using generator: inout R) throws(PaillierError) {
            ciphertext = try encoded.publicKey.encrypt(encoded.encoding, using: &generator)
            exponent = encoded.exponent
            isRerandomized = true
        }

        /// Equality of ciphertext and exponent (``isRerandomized`` is provenance, not value).
        public static func == (lhs: EncryptedNumber, rhs: EncryptedNumber) -> Bool {
            lhs.ciphertext == rhs.ciphertext && lhs.exponent == rhs.exponent
        }

        /// Hashes ciphertext and exponent, consistently with `==`.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(ciphertext)
            hasher.combine(exponent)
        }

        /// The public key.
        public var publicKey: PublicKey { ciphertext.publicKey }

        /// The same value under fresh randomness (one r^n mod n² from the CSPRNG), unlinkable
        /// to the inputs it was computed from.
        public func rerandomized() -> EncryptedNumber {
            var generator = SecureRandom()
            return rerandomized(using: &generator)
        }

        /// The same value under fresh randomness drawn from `generator`.
        ///
        /// - Parameter generator: the source of the obfuscator's randomness.
        /// - Returns: an equal value with ``isRerandomized`` set.
        public func rerandomized<R: RandomNumberGenerator>(using generator: inout R) -> EncryptedNumber {
            EncryptedNumber(ciphertext: ciphertext.rerandomized(using: &generator), exponent: exponent, isRerandomized: true)
        }

        /// The same value with a lower exponent: the ciphertext times `16^(exponent − newExponent)`.
        public func decreasingExponent(to newExponent: Int) throws(PaillierError) -> EncryptedNumber {
            guard newExponent <= exponent else { throw .plaintextOutOfRange("new exponent must not be larger") }
            guard newExponent < exponent else { return self }
            // Bounds the alignment work: 16^Δ with Δ at most the width of the range.
            try EncodedNumber.checkExponent(newExponent)
            let factor = BigInt(1) << (4 * (exponent - newExponent))
            return EncryptedNumber(ciphertext: ciphertext.multiplied(by: factor), exponent: newExponent)
        }

        /// `E(a + b)`, aligning exponents first like python-paillier.
        public func adding(_ other: EncryptedNumber) throws(PaillierError) -> EncryptedNumber {
            guard other.publicKey == publicKey else { throw .keyMismatch }
            var a = self, b = other
            if a.exponent > b.exponent { a = try a.decreasingExponent(to: b.exponent) }
            if b.exponent > a.exponent { b = try b.decreasingExponent(to: a.exponent) }
            return EncryptedNumber(ciphertext: try a.ciphertext.adding(b.ciphertext), exponent: a.exponent)
        }

        /// `E(a + k)` for a plaintext decimal, encoded with `maxExponent = self.exponent`.
        public func adding(_ scalar: DecimalNumber) throws(PaillierError) -> EncryptedNumber {
            let encoded = try EncodedNumber(decimal: scalar, publicKey: publicKey, maxExponent: exponent)
            let aligned = try decreasingExponent(to: encoded.exponent)
            return EncryptedNumber(ciphertext: try aligned.ciphertext.adding(plaintext: encoded.encoding), exponent: encoded.exponent)
        }

        /// `E(a · k)` for a plaintext decimal; the exponents add.
        public func multiplied(by scalar: DecimalNumber) throws(PaillierError) -> EncryptedNumber {
            let encoded = try EncodedNumber(decimal: scalar, publicKey: publicKey)
            // Refused here, before a ciphertext with an unreadable exponent can be written.
            try EncodedNumber.checkExponent(exponent + encoded.exponent)
            return EncryptedNumber(ciphertext: ciphertext.multiplied(by: try encoded.mantissa()), exponent: exponent + encoded.exponent)
        }

        /// Decrypts to the encoded number.
        public func decrypt(with key: PrivateKey) throws(PaillierError) -> EncodedNumber {
            let residue = try key.decrypt(ciphertext)
            return EncodedNumber(unchecked: residue, exponent: exponent, publicKey: publicKey)
        }
    }
}
