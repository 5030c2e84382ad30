import Bignum

// Threshold decryption of the higher-level Paillier values: encoded numbers and
// BatchCrypt-style packed vectors. Encryption needs nothing new (the threshold key's
// `publicKey` is an ordinary Paillier public key).

extension Paillier.KeyShare {
    /// This party's decryption share of an encrypted number (its ciphertext).
    ///
    /// - Throws: `ThresholdPaillierError.keyMismatch` for a number under another key.
    public func partialDecrypt(_ number: Paillier.EncryptedNumber) throws(ThresholdPaillierError) -> Paillier.DecryptionShare {
        try partialDecrypt(number.ciphertext)
    }

    /// This party's decryption shares of a packed vector, one per ciphertext, in order.
    ///
    /// - Throws: `ThresholdPaillierError.keyMismatch` for a vector under another key.
    public func partialDecrypt(_ packed: Paillier.PackedCiphertext) throws(ThresholdPaillierError) -> [Paillier.DecryptionShare] {
        var shares: [Paillier.DecryptionShare] = []
        shares.reserveCapacity(packed.ciphertexts.count)
        for ciphertext in packed.ciphertexts { shares.append(try partialDecrypt(ciphertext)) }
        return shares
    }
}

extension Paillier.ThresholdPublicKey {
    /// Decrypts an encrypted number from decryption shares (verified; failing ones excluded).
    ///
    /// - Throws: as ``combine(_:for:)``.
    public func decrypt(_ number: Paillier.EncryptedNumber, shares: [Paillier.DecryptionShare]) throws(ThresholdPaillierError) -> Paillier.EncodedNumber {
        let residue = try combine(shares, for: number.ciphertext).plaintext
        return Paillier.EncodedNumber(unchecked: residue, exponent: number.exponent, publicKey: publicKey)
    }

    /// Decrypts and unpacks a packed vector from the parties' shares.
    ///
    /// - Parameters:
    ///   - packed: the (possibly summed) packed vector.
    ///   - shares: for each responding party, its shares of every ciphertext of `packed`, in
    ///     order (what a key share's `partialDecrypt` of the packed vector returns).
    /// - Throws: `ThresholdPaillierError.keyMismatch`, `.malformedShare` when a party's list
    ///   has the wrong length, errors of ``combine(_:for:)``, or `.paillier` from unpacking.
    public func decrypt(_ packed: Paillier.PackedCiphertext, shares: [[Paillier.DecryptionShare]]) throws(ThresholdPaillierError) -> [Int] {
        guard packed.scheme.publicKey == publicKey else { throw .keyMismatch }
        for list in shares where list.count != packed.ciphertexts.count {
            throw .malformedShare(party: list.first?.party ?? 0,
                                  reason: "\(list.count) shares for \(packed.ciphertexts.count) ciphertexts")
        }
        var plaintexts: [BigInt] = []
        plaintexts.reserveCapacity(packed.ciphertexts.count)
        for (index, ciphertext) in packed.ciphertexts.enumerated() {
            plaintexts.append(try combine(shares.map { $0[index] }, for: ciphertext).plaintext)
        }
        do {
            return try packed.scheme.unpack(plaintexts, count: packed.count, addends: packed.addends)
        } catch {
            throw .paillier(error)
        }
    }
}
