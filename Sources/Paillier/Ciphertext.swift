import Bignum

extension Paillier {
    /// A Paillier ciphertext: a residue in `[1, n²)` coprime to `n`, with its public key.
    public struct Ciphertext: Sendable, Hashable {
        /// The residue `c` modulo `n²`.
        public internal(set) var value: BigInt
        /// The key it is encrypted under.
        public let publicKey: PublicKey

        @usableFromInline
        init(value: BigInt, publicKey: PublicKey) {
            self.value = value
            self.publicKey = publicKey
        }

        /// A ciphertext read from elsewhere, validated: `value ∈ [1, n²)` and coprime to `n`.
        public init(validating value: BigInt, publicKey: PublicKey) throws(PaillierError) {
            try publicKey.validate(ciphertextValue: value)
            self.init(value: value, publicKey: publicKey)
        }
    }
}
