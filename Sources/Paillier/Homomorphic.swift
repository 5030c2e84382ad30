import Bignum
internal import ParallelWork
import Sodium

extension Paillier.Ciphertext {
    /// `E(a + b)` from `E(a)` and `E(b)`: one product modulo n².
    public func adding(_ other: Paillier.Ciphertext) throws(PaillierError) -> Paillier.Ciphertext {
        guard other.publicKey == publicKey else { throw .keyMismatch }
        var result = self
        result.value.formProduct(value, other.value, modulo: publicKey.nSquared)
        return result
    }

    /// `self = E(a + b)` in place, reusing this ciphertext's limbs.
    public mutating func add(_ other: Paillier.Ciphertext) throws(PaillierError) {
        guard other.publicKey == publicKey else { throw .keyMismatch }
        value.multiply(by: other.value, modulo: publicKey.nSquared)
    }

    /// `E(a + k)` for a plaintext `k ∈ [0, n)`: multiplies by `g^k = 1 + k·n`, which
    /// needs no randomness (the result is as random as `self`).
    public func adding(plaintext: BigInt) throws(PaillierError) -> Paillier.Ciphertext {
        try publicKey.checkPlaintext(plaintext)
        var result = self
        result.value.multiply(by: publicKey.nude(plaintext), modulo: publicKey.nSquared)
        return result
    }

    /// `E(k · a)` for any integer `k` (negative `k` multiplies by `−|k| mod n`, computed
    /// through the inverse of the ciphertext so the exponent stays short).
    public func multiplied(by scalar: BigInt) -> Paillier.Ciphertext {
        var result = self
        let key = publicKey
        if scalar.isNegative {
            result.value.formPower(Self.unitInverse(value, modulo: key.nSquared), -scalar, modulo: key.nSquared)
        } else {
            result.value.formPower(value, scalar, modulo: key.nSquared)
        }
        return result
    }

    /// `E(−a)`: the inverse modulo n².
    public func negated() -> Paillier.Ciphertext {
        var result = self
        result.value = Self.unitInverse(value, modulo: publicKey.nSquared)
        return result
    }

    /// The inverse of a ciphertext value modulo n². Every `Ciphertext` is a unit (the public
    /// initializer validates gcd(c, n) = 1, and encryption only multiplies units), so the
    /// inverse exists; if it did not, carrying on with `c` itself would turn E(−a) into E(a)
    /// without a word, so this stops instead.
    private static func unitInverse(_ value: BigInt, modulo modulus: BigInt) -> BigInt {
        do {
            return try value.inverse(modulo: modulus)
        } catch {
            preconditionFailure("a Paillier ciphertext is not a unit modulo n²: \(error)")
        }
    }

    /// `E(a)` with fresh randomness (standard mode), unlinkable to `self`.
    public func rerandomized() -> Paillier.Ciphertext {
        var generator = SecureRandom()
        return rerandomized(using: &generator)
    }

    /// `E(a)` with fresh randomness (standard mode) drawn from `generator`.
    ///
    /// - Parameter generator: the source of the obfuscator's randomness.
    /// - Returns: the same plaintext under a fresh obfuscator.
    public func rerandomized<R: RandomNumberGenerator>(using generator: inout R) -> Paillier.Ciphertext {
        var result = self
        result.value.multiply(by: publicKey.standardObfuscator(using: &generator), modulo: publicKey.nSquared)
        return result
    }
}

extension Paillier {
    /// The encrypted sum of `ciphertexts` (E(0) without randomness when empty), split over
    /// all cores; each core accumulates in place without allocating per step.
    public static func sum(_ ciphertexts: [Ciphertext], publicKey: PublicKey) throws(PaillierError) -> Ciphertext {
        for ciphertext in ciphertexts where ciphertext.publicKey != publicKey { throw .keyMismatch }
        let count = ciphertexts.count
        let workers = count >= 64 ? Parallel.workerCount(for: count) : 1
        let partials = try Parallel.map(count: workers) { (worker) throws(PaillierError) -> BigInt in
            var accumulator = BigInt(1)
            for index in Parallel.chunk(worker, of: workers, count: count) {
                accumulator.multiply(by: ciphertexts[index].value, modulo: publicKey.nSquared)
            }
            return accumulator
        }
        var total = BigInt(1)
        for partial in partials { total.multiply(by: partial, modulo: publicKey.nSquared) }
        return Ciphertext(value: total, publicKey: publicKey)
    }

    /// The elementwise encrypted sum of equally long encrypted vectors, coordinates
    /// spread over all cores, accumulated in place.
    ///
    /// - Throws: `keyMismatch`, or `invalidCiphertext` when lengths differ.
    public static func sum(vectors: [[Ciphertext]], publicKey: PublicKey) throws(PaillierError) -> [Ciphertext] {
        guard let length = vectors.first?.count else { return [] }
        for vector in vectors {
            guard vector.count == length else { throw .invalidCiphertext("vectors of different lengths") }
            for ciphertext in vector where ciphertext.publicKey != publicKey { throw .keyMismatch }
        }
        let modulus = publicKey.nSquared
        return try Parallel.map(count: length) { (coordinate) throws(PaillierError) -> Ciphertext in
            var accumulator = vectors[0][coordinate].value
            for vector in vectors.dropFirst() { accumulator.multiply(by: vector[coordinate].value, modulo: modulus) }
            return Ciphertext(value: accumulator, publicKey: publicKey)
        }
    }
}
