internal import CGMP

extension BigInt {
    /// `self^exponent mod modulus`, in `[0, modulus)`.
    ///
    /// A negative exponent uses the inverse of `self`, so it throws `notInvertible` when
    /// none exists. Modulus 1 gives 0.
    public func power(_ exponent: BigInt, modulo modulus: BigInt) throws(BignumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        if exponent.isNegative {
            let inverse = try self.inverse(modulo: modulus)
            return try inverse.power(-exponent, modulo: modulus)
        }
        return BigInt.computing { __gmpz_powm($0, storage.pointer, exponent.storage.pointer, modulus.storage.pointer) }
    }

    /// The inverse of `self` modulo `modulus`, in `[0, modulus)`.
    ///
    /// Throws `notInvertible` when `gcd(self, modulus) ≠ 1`. Modulo 1 every value is
    /// its own (zero) inverse.
    public func inverse(modulo modulus: BigInt) throws(BignumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        if modulus == 1 { return BigInt() }
        let result = BigInt()
        guard __gmpz_invert(result.storage.pointer, storage.pointer, modulus.storage.pointer) != 0 else {
            throw .notInvertible
        }
        return result
    }

    /// Whether `self` is probably prime: trial division, Baillie–PSW, then `rounds`
    /// Miller–Rabin rounds (GMP's `mpz_probab_prime_p`). No composite is known to pass
    /// Baillie–PSW; the extra rounds bound the error below 4^-rounds for random inputs.
    public func isProbablePrime(rounds: Int = 32) -> Bool {
        __gmpz_probab_prime_p(storage.pointer, Int32(clamping: rounds)) > 0
    }
}
