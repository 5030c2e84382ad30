/// Arithmetic in GF(p) for the Mersenne prime p = 2^61 − 1, the field of `Shamir`.
///
/// Reduction needs no division: 2^61 ≡ 1 (mod p), so a 122-bit product folds into
/// its high and low 61-bit halves.
enum PrimeField61 {
    static let modulus: UInt64 = (1 << 61) - 1

    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let sum = a &+ b
        return sum >= modulus ? sum &- modulus : sum
    }

    @inline(__always)
    static func subtract(_ a: UInt64, _ b: UInt64) -> UInt64 {
        a >= b ? a &- b : a &+ (modulus &- b)
    }

    @inline(__always)
    static func multiply(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        var folded = (low & modulus) &+ ((high << 3) | (low >> 61))
        folded = (folded & modulus) &+ (folded >> 61)
        return folded >= modulus ? folded &- modulus : folded
    }

    static func power(_ base: UInt64, _ exponent: UInt64) -> UInt64 {
        var result: UInt64 = 1, square = base, remaining = exponent
        while remaining > 0 {
            if remaining & 1 == 1 { result = multiply(result, square) }
            square = multiply(square, square)
            remaining >>= 1
        }
        return result
    }

    /// The inverse of a non-zero element (Fermat: a^(p−2)).
    static func inverse(_ a: UInt64) -> UInt64 { power(a, modulus - 2) }

    /// A uniform element, by rejection sampling of 61-bit values (rejects 1 in 2^61).
    static func random<R: RandomNumberGenerator>(using generator: inout R) -> UInt64 {
        while true {
            let candidate = generator.next() >> 3
            if candidate < modulus { return candidate }
        }
    }
}
