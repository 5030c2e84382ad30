internal import CGMP

extension BigInt {
    /// A fresh value computed by `operation` into new storage.
    static func computing(_ operation: (UnsafeMutablePointer<__mpz_struct>) -> Void) -> BigInt {
        let result = BigInt()
        operation(result.storage.pointer)
        return result
    }

    /// The sum.
    public static func + (lhs: BigInt, rhs: BigInt) -> BigInt {
        computing { __gmpz_add($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// The difference.
    public static func - (lhs: BigInt, rhs: BigInt) -> BigInt {
        computing { __gmpz_sub($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// The product.
    public static func * (lhs: BigInt, rhs: BigInt) -> BigInt {
        computing { __gmpz_mul($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// The quotient truncated toward zero, like `Int`. Traps when `rhs` is zero.
    public static func / (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "BigInt division by zero")
        return computing { __gmpz_tdiv_q($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// The remainder with the sign of `lhs`, like `Int`. Traps when `rhs` is zero.
    public static func % (lhs: BigInt, rhs: BigInt) -> BigInt {
        precondition(!rhs.isZero, "BigInt division by zero")
        return computing { __gmpz_tdiv_r($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// The negation.
    public static prefix func - (operand: BigInt) -> BigInt {
        computing { __gmpz_neg($0, operand.storage.pointer) }
    }

    /// Adds `rhs` in place.
    public static func += (lhs: inout BigInt, rhs: BigInt) { lhs.formSum(lhs, rhs) }
    /// Subtracts `rhs` in place.
    public static func -= (lhs: inout BigInt, rhs: BigInt) {
        lhs.withMutablePointer { target in rhs.withPointer { __gmpz_sub(target, target, $0) } }
    }
    /// Multiplies by `rhs` in place.
    public static func *= (lhs: inout BigInt, rhs: BigInt) {
        lhs.withMutablePointer { target in rhs.withPointer { __gmpz_mul(target, target, $0) } }
    }
    /// Divides by `rhs`, truncating toward zero; traps on zero like `Int`.
    public static func /= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs / rhs }
    /// Replaces the value by the truncated remainder; traps on zero like `Int`.
    public static func %= (lhs: inout BigInt, rhs: BigInt) { lhs = lhs % rhs }

    /// Shifts left by `bits` (multiplies by 2^bits).
    public static func << (lhs: BigInt, bits: Int) -> BigInt {
        guard bits >= 0 else { return lhs >> -bits }
        return computing { __gmpz_mul_2exp($0, lhs.storage.pointer, mp_bitcnt_t(bits)) }
    }

    /// Shifts right by `bits`, rounding toward negative infinity (floor of x / 2^bits).
    public static func >> (lhs: BigInt, bits: Int) -> BigInt {
        guard bits >= 0 else { return lhs << -bits }
        return computing { __gmpz_fdiv_q_2exp($0, lhs.storage.pointer, mp_bitcnt_t(bits)) }
    }

    /// The absolute value.
    public var magnitude: BigInt {
        BigInt.computing { __gmpz_abs($0, storage.pointer) }
    }

    /// `self` raised to a non-negative integer power.
    public func power(_ exponent: Int) throws(BignumError) -> BigInt {
        guard exponent >= 0 else { throw .invalidParameter(name: "exponent", reason: "must be non-negative, got \(exponent)") }
        return BigInt.computing { __gmpz_pow_ui($0, storage.pointer, UInt(exponent)) }
    }

    /// Truncated quotient and remainder, like `Int.quotientAndRemainder(dividingBy:)`.
    public func quotientAndRemainder(dividingBy divisor: BigInt) throws(BignumError) -> (quotient: BigInt, remainder: BigInt) {
        guard !divisor.isZero else { throw .divisionByZero }
        let quotient = BigInt(), remainder = BigInt()
        __gmpz_tdiv_qr(quotient.storage.pointer, remainder.storage.pointer, storage.pointer, divisor.storage.pointer)
        return (quotient, remainder)
    }

    /// The quotient rounded toward negative infinity.
    public func floorDivided(by divisor: BigInt) throws(BignumError) -> BigInt {
        guard !divisor.isZero else { throw .divisionByZero }
        return BigInt.computing { __gmpz_fdiv_q($0, storage.pointer, divisor.storage.pointer) }
    }

    /// The residue in `[0, |modulus|)`, whatever the signs.
    public func modulo(_ modulus: BigInt) throws(BignumError) -> BigInt {
        guard !modulus.isZero else { throw .divisionByZero }
        return BigInt.computing { __gmpz_mod($0, storage.pointer, modulus.storage.pointer) }
    }

    /// The low `bits` bits of the two's-complement value: `self mod 2^bits`, in `[0, 2^bits)`.
    public func lowBits(_ bits: Int) -> BigInt {
        BigInt.computing { __gmpz_fdiv_r_2exp($0, storage.pointer, mp_bitcnt_t(Swift.max(bits, 0))) }
    }

    /// The greatest common divisor (non-negative).
    public func gcd(_ other: BigInt) -> BigInt {
        BigInt.computing { __gmpz_gcd($0, storage.pointer, other.storage.pointer) }
    }

    /// The least common multiple (non-negative).
    public func lcm(_ other: BigInt) -> BigInt {
        BigInt.computing { __gmpz_lcm($0, storage.pointer, other.storage.pointer) }
    }

    /// The integer square root ⌊√self⌋ of a non-negative value.
    public func squareRoot() throws(BignumError) -> BigInt {
        guard !isNegative else { throw .invalidParameter(name: "self", reason: "square root of a negative value") }
        return BigInt.computing { __gmpz_sqrt($0, storage.pointer) }
    }
}

// MARK: - In-place forms for hot loops

extension BigInt {
    /// `self = a + b`, reusing this value's limbs. `a` or `b` may be `self`.
    public mutating func formSum(_ a: BigInt, _ b: BigInt) {
        withMutablePointer { target in
            a.withPointer { a in b.withPointer { b in __gmpz_add(target, a, b) } }
        }
    }

    /// `self = a · b`, reusing this value's limbs.
    public mutating func formProduct(_ a: BigInt, _ b: BigInt) {
        withMutablePointer { target in
            a.withPointer { a in b.withPointer { b in __gmpz_mul(target, a, b) } }
        }
    }

    /// `self = a · b mod m`, in `[0, m)`, reusing this value's limbs. `m` must be positive.
    public mutating func formProduct(_ a: BigInt, _ b: BigInt, modulo m: BigInt) {
        precondition(m.signum > 0, "modulus must be positive")
        withMutablePointer { target in
            a.withPointer { a in
                b.withPointer { b in
                    m.withPointer { m in
                        __gmpz_mul(target, a, b)
                        __gmpz_mod(target, target, m)
                    }
                }
            }
        }
    }

    /// `self = self · factor mod m`, in `[0, m)`. `m` must be positive.
    public mutating func multiply(by factor: BigInt, modulo m: BigInt) {
        formProduct(self, factor, modulo: m)
    }

    /// `self = base^exponent mod m` for a non-negative exponent and positive `m`.
    public mutating func formPower(_ base: BigInt, _ exponent: BigInt, modulo m: BigInt) {
        precondition(m.signum > 0, "modulus must be positive")
        precondition(!exponent.isNegative, "use power(_:modulo:) for negative exponents")
        withMutablePointer { target in
            base.withPointer { base in
                exponent.withPointer { exponent in
                    m.withPointer { m in __gmpz_powm(target, base, exponent, m) }
                }
            }
        }
    }

    /// `self = self mod m`, in `[0, m)`. `m` must be positive.
    public mutating func formResidue(modulo m: BigInt) {
        precondition(m.signum > 0, "modulus must be positive")
        withMutablePointer { target in m.withPointer { __gmpz_mod(target, target, $0) } }
    }

    /// `self += a · b` without a temporary (GMP's `addmul`).
    public mutating func addProduct(_ a: BigInt, _ b: BigInt) {
        withMutablePointer { target in
            a.withPointer { a in b.withPointer { b in __gmpz_addmul(target, a, b) } }
        }
    }

    /// Sets `self` to a copy of `other`, reusing this value's limbs.
    public mutating func assign(_ other: BigInt) {
        withMutablePointer { target in other.withPointer { __gmpz_set(target, $0) } }
    }
}
