import Bignum
import Sodium

extension Paillier {
    /// One party's decryption share of a ciphertext c: `c_i = c^(2Δ s_i) mod n²`, with a
    /// non-interactive zero-knowledge proof that `log_{c⁴}(c_i²) = log_v(v_i)` (= Δ s_i),
    /// that is, that it was computed with the party's real key share.
    ///
    /// The proof is Shoup's Chaum–Pedersen variant made non-interactive by Fiat–Shamir:
    /// commitments `a = c^(4r)`, `b = v^r` for a random r, challenge `e = H(n, v, i, v_i, c,
    /// c_i, a, b)` (domain-separated BLAKE2b, 256 bits), response `z = r + e·Δ·s_i` over the
    /// integers. Only `(e, z)` is stored: the verifier recomputes `a = c^(4z)·c_i^(−2e)` and
    /// `b = v^z·v_i^(−e)` and checks that they hash to e.
    public struct DecryptionShare: Sendable, Hashable {
        /// The party that computed the share (1...parties).
        public let party: Int
        /// The ciphertext residue c the share decrypts.
        public let ciphertext: BigInt
        /// `c_i = c^(2Δ s_i) mod n²`.
        public let value: BigInt
        /// The Fiat–Shamir challenge e, below 2^256.
        public let challenge: BigInt
        /// The response `z = r + e·Δ·s_i`.
        public let response: BigInt

        /// A decryption share read from elsewhere, with every value range-checked against
        /// `publicKey` (the proof is checked by ``verify(for:publicKey:)``).
        ///
        /// - Throws: `ThresholdPaillierError.unknownParty` or `.malformedShare(party:reason:)`.
        public init(
            party: Int, ciphertext: BigInt, value: BigInt, challenge: BigInt, response: BigInt,
            publicKey: ThresholdPublicKey
        ) throws(ThresholdPaillierError) {
            guard (1...publicKey.parties).contains(party) else { throw .unknownParty(party) }
            let key = publicKey.publicKey
            do {
                try key.validate(ciphertextValue: ciphertext)
            } catch {
                throw .malformedShare(party: party, reason: "the ciphertext is not a valid residue: \(error)")
            }
            do {
                try key.validate(ciphertextValue: value)
            } catch {
                throw .malformedShare(party: party, reason: "the share value is not a valid residue: \(error)")
            }
            guard !challenge.isNegative, challenge.bitWidth <= ThresholdProof.challengeBits else {
                throw .malformedShare(party: party, reason: "the challenge is out of range")
            }
            // z < 2^nonceBits + 2^256·Δ·nm < 2^(nonceBits + 1): anything longer is refused before
            // it can cost a long exponentiation.
            guard !response.isNegative, response.bitWidth <= publicKey.proofNonceBits + 1 else {
                throw .malformedShare(party: party, reason: "the response is out of range")
            }
            self.init(unchecked: party, ciphertext: ciphertext, value: value, challenge: challenge, response: response)
        }

        init(unchecked party: Int, ciphertext: BigInt, value: BigInt, challenge: BigInt, response: BigInt) {
            self.party = party
            self.ciphertext = ciphertext
            self.value = value
            self.challenge = challenge
            self.response = response
        }

        /// Checks that this share decrypts `ciphertext` and that its proof verifies.
        ///
        /// - Throws: `ThresholdPaillierError.keyMismatch`, `.unknownParty`,
        ///   `.wrongCiphertext(party:)` for a share of another ciphertext, `.malformedShare`, or
        ///   `.invalidProof(party:)`.
        public func verify(for ciphertext: Ciphertext, publicKey: ThresholdPublicKey) throws(ThresholdPaillierError) {
            guard ciphertext.publicKey == publicKey.publicKey else { throw .keyMismatch }
            guard self.ciphertext == ciphertext.value else { throw .wrongCiphertext(party: party) }
            // Re-run the range checks: a share built with another key's parameters is refused here.
            _ = try DecryptionShare(party: party, ciphertext: self.ciphertext, value: value,
                                    challenge: challenge, response: response, publicKey: publicKey)
            let nSquared = publicKey.publicKey.nSquared
            let verificationKey = try publicKey.verificationKey(of: party)
            do {
                // Public exponents only: the fast variable-time power is fine here.
                let c4 = try ciphertext.value.power(4, modulo: nSquared)
                let ci2 = try value.power(2, modulo: nSquared)
                var a = try c4.power(response, modulo: nSquared)
                a.multiply(by: try ci2.power(-challenge, modulo: nSquared), modulo: nSquared)
                var b = try publicKey.verificationBase.power(response, modulo: nSquared)
                b.multiply(by: try verificationKey.power(-challenge, modulo: nSquared), modulo: nSquared)
                let expected = ThresholdProof.challenge(
                    publicKey: publicKey, party: party, verificationKey: verificationKey,
                    ciphertext: ciphertext.value, share: value, commitmentA: a, commitmentB: b)
                guard expected == challenge else { throw ThresholdPaillierError.invalidProof(party: party) }
            } catch let error as ThresholdPaillierError {
                throw error
            } catch {
                // A non-invertible c_i (ruled out by the range checks) would land here.
                throw .invalidProof(party: party)
            }
        }
    }

    /// The decrypted plaintext and which shares went into it.
    public struct ThresholdDecryption: Sendable, Equatable {
        /// The plaintext in [0, n).
        public let plaintext: BigInt
        /// The parties whose (verified) shares were combined, ascending, `threshold` of them.
        public let parties: [Int]
        /// Parties whose shares were rejected, with the reason (failing proof, other ciphertext).
        public let rejected: [Int: ThresholdPaillierError]
    }
}

/// The Fiat–Shamir challenge of the decryption-share proof.
enum ThresholdProof {
    /// The challenge length in bits.
    static let challengeBits = 256
    /// The domain separation tag: no other hash in PrivAgg starts with these bytes.
    static let domain = "PrivAgg.ThresholdPaillier.decryption-share-proof.v1"

    /// `e = BLAKE2b-256(len‖domain ‖ len‖n ‖ len‖v ‖ i ‖ len‖v_i ‖ len‖c ‖ len‖c_i ‖ len‖a ‖ len‖b)`,
    /// every integer big-endian with a 4-byte length prefix, so no two inputs share an encoding.
    static func challenge(
        publicKey: Paillier.ThresholdPublicKey, party: Int, verificationKey: BigInt,
        ciphertext: BigInt, share: BigInt, commitmentA: BigInt, commitmentB: BigInt
    ) -> BigInt {
        var message: [UInt8] = []
        func append(_ bytes: [UInt8]) {
            let count = UInt32(bytes.count)
            message += [UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                        UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            message += bytes
        }
        // All values are non-negative residues, so their encodings exist.
        func append(_ value: BigInt) { append(try! value.bigEndianBytes()) }
        append(Array(domain.utf8))
        append(publicKey.publicKey.n)
        append(publicKey.verificationBase)
        append(BigInt(party))
        append(verificationKey)
        append(ciphertext)
        append(share)
        append(commitmentA)
        append(commitmentB)
        return BigInt(bigEndianBytes: BLAKE2b.hash(message, length: challengeBits / 8))
    }
}

extension Paillier.KeyShare {
    /// This party's decryption share of `ciphertext`, with its proof.
    ///
    /// Every exponent involving the key share (2Δ s_i) or the proof's random r goes through
    /// the constant-time power (`mpz_powm_sec`).
    ///
    /// - Throws: `ThresholdPaillierError.keyMismatch` for a ciphertext under another key.
    public func partialDecrypt(_ ciphertext: Paillier.Ciphertext) throws(ThresholdPaillierError) -> Paillier.DecryptionShare {
        var generator = SecureRandom()
        return try partialDecrypt(ciphertext, using: &generator)
    }

    /// This party's decryption share of `ciphertext`, drawing the proof's randomness from `generator`.
    public func partialDecrypt<R: RandomNumberGenerator>(
        _ ciphertext: Paillier.Ciphertext, using generator: inout R
    ) throws(ThresholdPaillierError) -> Paillier.DecryptionShare {
        guard ciphertext.publicKey == publicKey.publicKey else { throw .keyMismatch }
        let nSquared = publicKey.publicKey.nSquared
        let c = ciphertext.value
        let deltaShare = publicKey.delta * secret
        var value = BigInt()
        value.formConstantTimePower(c, deltaShare << 1, modulo: nSquared)
        let nonce = BigInt.random(bits: publicKey.proofNonceBits, using: &generator)
        var c4 = BigInt()
        c4.formPower(c, BigInt(4), modulo: nSquared)
        var a = BigInt(), b = BigInt()
        a.formConstantTimePower(c4, nonce, modulo: nSquared)
        b.formConstantTimePower(publicKey.verificationBase, nonce, modulo: nSquared)
        let verificationKey = publicKey.verificationKeys[party - 1]
        let challenge = ThresholdProof.challenge(
            publicKey: publicKey, party: party, verificationKey: verificationKey,
            ciphertext: c, share: value, commitmentA: a, commitmentB: b)
        var response = nonce
        response.addProduct(challenge, deltaShare)
        return Paillier.DecryptionShare(unchecked: party, ciphertext: c, value: value, challenge: challenge, response: response)
    }
}

extension Paillier.ThresholdPublicKey {
    /// Verifies `shares` of `ciphertext`, excludes those that fail, and combines the first
    /// `threshold` valid ones (by party index) into the plaintext.
    ///
    /// - Parameters:
    ///   - shares: decryption shares, at most one per party, in any order.
    ///   - ciphertext: the ciphertext they decrypt.
    /// - Returns: the plaintext in [0, n), the parties used and the parties rejected.
    /// - Throws: `ThresholdPaillierError.keyMismatch`, `.duplicateParty`, or
    ///   `.notEnoughShares(valid:required:rejected:)` when fewer than `threshold` verify.
    public func combine(_ shares: [Paillier.DecryptionShare], for ciphertext: Paillier.Ciphertext) throws(ThresholdPaillierError) -> Paillier.ThresholdDecryption {
        guard ciphertext.publicKey == publicKey else { throw .keyMismatch }
        var seen = Set<Int>()
        for share in shares {
            guard seen.insert(share.party).inserted else { throw .duplicateParty(share.party) }
        }
        var valid: [Paillier.DecryptionShare] = []
        var rejected: [Int: ThresholdPaillierError] = [:]
        for share in shares.sorted(by: { $0.party < $1.party }) {
            // Enough shares already verified: the rest are not needed (nor checked).
            if valid.count == threshold { break }
            do {
                try share.verify(for: ciphertext, publicKey: self)
                valid.append(share)
            } catch {
                rejected[share.party] = error
            }
        }
        guard valid.count == threshold else {
            throw .notEnoughShares(valid: valid.count, required: threshold, rejected: rejected.keys.sorted())
        }
        return Paillier.ThresholdDecryption(
            plaintext: combineValues(valid), parties: valid.map(\.party), rejected: rejected)
    }

    /// Lagrange interpolation in the exponent, without any check: `c' = Π c_i^(2λ_i)` with
    /// `λ_i = Δ·Π_{j≠i} j/(j − i)` (integers thanks to Δ), so `c' = c^(4Δ²d) = 1 + 4Δ²·M·n`,
    /// and `M = L(c')·(4Δ²)^(−1) mod n`. With fewer than `threshold` shares the result is
    /// a wrong value, not an error: callers go through ``combine(_:for:)``.
    package func combineValues(_ shares: [Paillier.DecryptionShare]) -> BigInt {
        let n = publicKey.n, nSquared = publicKey.nSquared
        let indices = shares.map { BigInt($0.party) }
        var product = BigInt(1)
        for (position, share) in shares.enumerated() {
            var numerator = delta
            var denominator = BigInt(1)
            for (other, j) in indices.enumerated() where other != position {
                numerator *= j
                denominator *= j - indices[position]
            }
            let lambda = numerator / denominator
            // c_i is a unit modulo n² (checked), so negative exponents have an inverse.
            product.multiply(by: try! share.value.power(lambda << 1, modulo: nSquared), modulo: nSquared)
        }
        var plaintext = (product - 1) / n
        plaintext.multiply(by: combinationFactor, modulo: n)
        return plaintext
    }
}
