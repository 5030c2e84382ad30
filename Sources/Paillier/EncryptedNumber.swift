import Bignum

extension Paillier {
    /// python-paillier's `EncryptedNumber`: a ciphertext of an `EncodedNumber`'s residue
    /// together with its (public) base-16 exponent. Arithmetic follows python-paillier
    /// exactly, so results match `pheutil` in value and exponent.
    ///
    /// Homomorphic results are deterministic functions of their inputs (E(a)·0 is the
    /// ciphertext 1, which anyone can read as zero): call ``rerandomized()`` before a result
    /// leaves your hands, as `pheutil` and `privagg paillier` do when they write one.
    public struct EncryptedNumber: Sendable, Hashable {
        /// The ciphertext of the residue.
        public let ciphertext: Ciphertext
        /// The base-16 exponent.
        public let exponent: Int

        /// Pairs a ciphertext with its exponent.
        ///
        /// - Precondition: `exponent` lies in ``EncodedNumber/exponentRange`` (check
        ///   untrusted exponents with ``EncodedNumber/checkExponent(_:)`` first).
        public init(ciphertext: Ciphertext, exponent: Int) {
            precondition(EncodedNumber.exponentRange.contains(exponent), "exponent \(exponent) outside EncodedNumber.exponentRange")
            self.ciphertext = ciphertext
            self.exponent = exponent
        }

        /// Encrypts an encoded number in the standard mode (as python-paillier does).
        public init(encrypting encoded: EncodedNumber) throws(PaillierError) {
            ciphertext = try encoded.publicKey.encrypt(encoded.encoding)
            exponent = encoded.exponent
        }

        /// The public key.
        public var publicKey: PublicKey { ciphertext.publicKey }

        /// The same value under fresh randomness (one r^n mod n² from the CSPRNG), unlinkable
        /// to the inputs it was computed from.
        public func rerandomized() -> EncryptedNumber {
            EncryptedNumber(ciphertext: ciphertext.rerandomized(), exponent: exponent)
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
