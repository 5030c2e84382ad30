internal import CGMP

extension BigInt {
    /// Bitwise OR, on two's-complement values of unbounded width.
    public static func | (lhs: BigInt, rhs: BigInt) -> BigInt {
        computing { __gmpz_ior($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// Bitwise AND, on two's-complement values of unbounded width.
    public static func & (lhs: BigInt, rhs: BigInt) -> BigInt {
        computing { __gmpz_and($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// Bitwise XOR, on two's-complement values of unbounded width.
    public static func ^ (lhs: BigInt, rhs: BigInt) -> BigInt {
        computing { __gmpz_xor($0, lhs.storage.pointer, rhs.storage.pointer) }
    }

    /// Sets bit `index` (two's complement), growing the value as needed.
    public mutating func setBit(_ index: Int) {
        withMutablePointer { __gmpz_setbit($0, mp_bitcnt_t(index)) }
    }
}
