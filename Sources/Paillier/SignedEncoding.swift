import Bignum

extension Paillier {
    /// Signed integers as residues modulo n, centered: `x ≥ 0 ↦ x`, `x < 0 ↦ n + x`.
    ///
    /// Only `|x| ≤ maxMagnitude` is encoded; decoding a residue in the band
    /// `(maxMagnitude, n − maxMagnitude)` throws `overflow` rather than returning a wrong
    /// value. The default bound is python-paillier's `max_int ≈ n/3`, so any sum or
    /// difference of two in-range values is caught if it leaves the range.
    public struct SignedEncoding: Sendable, Hashable {
        /// The key whose modulus the encoding uses.
        public let publicKey: PublicKey
        /// The largest encodable magnitude.
        public let maxMagnitude: BigInt

        /// An encoding for `publicKey` with `maxMagnitude` (default `publicKey.maxInt`).
        ///
        /// - Throws: `plaintextOutOfRange` when `maxMagnitude` is not below `n/2`.
        public init(publicKey: PublicKey, maxMagnitude: BigInt? = nil) throws(PaillierError) {
            let bound = maxMagnitude ?? publicKey.maxInt
            guard !bound.isNegative, bound * 2 < publicKey.n else {
                throw .plaintextOutOfRange("maximum magnitude must lie in [0, n/2)")
            }
            self.publicKey = publicKey
            self.maxMagnitude = bound
        }

        /// The residue of `value`.
        public func encode(_ value: BigInt) throws(PaillierError) -> BigInt {
            guard value.magnitude <= maxMagnitude else {
                throw .plaintextOutOfRange("|\(value)| exceeds the encodable maximum")
            }
            return value.isNegative ? publicKey.n + value : value
        }

        /// The residue of `value`.
        public func encode(_ value: Int) throws(PaillierError) -> BigInt { try encode(BigInt(value)) }

        /// The signed value of `residue`, or `overflow` when it lies in the guard band.
        public func decode(_ residue: BigInt) throws(PaillierError) -> BigInt {
            guard !residue.isNegative, residue < publicKey.n else { throw .plaintextOutOfRange("residue must lie in [0, n)") }
            if residue <= maxMagnitude { return residue }
            if residue >= publicKey.n - maxMagnitude { return residue - publicKey.n }
            throw .overflow("decrypted value lies outside ±\(maxMagnitude.bitWidth)-bit range")
        }
    }
}
