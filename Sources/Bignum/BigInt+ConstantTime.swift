internal import CGMP

extension BigInt {
    /// `self^exponent mod modulus` in time and memory-access pattern independent of the
    /// exponent's value (GMP's `mpz_powm_sec`), in `[0, modulus)`.
    ///
    /// Use this whenever the exponent is secret (anything derived from a private key:
    /// p − 1, λ, CRT exponents). `power(_:modulo:)` uses `mpz_powm`, whose sliding window
    /// leaks the exponent's bits through timing and cache traces. What stays observable is
    /// the exponent's size in limbs, the modulus's size, and whether the exponent is zero
    /// (answered without calling GMP). The base may be any integer (it is reduced first).
    ///
    /// - Parameters:
    ///   - exponent: a non-negative exponent (there is no constant-time inverse here).
    ///   - modulus: a positive odd modulus, as `mpz_powm_sec` requires.
    /// - Throws: `BignumError.nonPositiveModulus`, `BignumError.evenModulus`, or
    ///   `BignumError.negativeExponent`.
    public func constantTimePower(_ exponent: BigInt, modulo modulus: BigInt) throws(BignumError) -> BigInt {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        guard modulus.isOdd else { throw .evenModulus }
        guard !exponent.isNegative else { throw .negativeExponent }
        var result = BigInt()
        result.formConstantTimePower(self, exponent, modulo: modulus)
        return result
    }

    /// `self = base^exponent mod m` through `mpz_powm_sec` (constant time in the exponent's
    /// value), reusing this value's limbs: the in-place form of
    /// `constantTimePower(_:modulo:)` for hot loops.
    ///
    /// - Precondition: `m` positive and odd, `exponent` non-negative (checked; a
    ///   violation traps rather than falling back to the variable-time `mpz_powm`).
    public mutating func formConstantTimePower(_ base: BigInt, _ exponent: BigInt, modulo m: BigInt) {
        precondition(m.signum > 0, "modulus must be positive")
        precondition(m.isOdd, "mpz_powm_sec needs an odd modulus")
        precondition(!exponent.isNegative, "constant-time power needs a non-negative exponent")
        if exponent.isZero {
            // mpz_powm_sec requires exponent > 0; x^0 = 1 (0 modulo 1).
            self = m == 1 ? BigInt() : BigInt(1)
            return
        }
        withMutablePointer { target in
            base.withPointer { base in
                exponent.withPointer { exponent in
                    m.withPointer { m in __gmpz_powm_sec(target, base, exponent, m) }
                }
            }
        }
    }
}
