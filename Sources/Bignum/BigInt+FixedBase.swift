internal import CGMP

/// Exponentiation of one fixed base by many exponents of bounded length, with a
/// precomputed window table (the "fixed-base comb" of HAC §14.6.3 in its simplest form).
///
/// The table holds `base^(d · 2^(w·i)) mod m` for every window `i` and digit
/// `d ∈ [1, 2^w)`, so an exponent of `ℓ` bits costs at most `⌈ℓ/w⌉` modular
/// multiplications and no squarings, against about `ℓ` squarings for `powm`.
/// Memory is `⌈ℓ/w⌉ · (2^w − 1)` residues. The table is immutable after
/// construction and `Sendable`, so one table serves every core.
public struct FixedBasePower: Sendable {
    /// The base all powers are taken of, reduced modulo `modulus`.
    public let base: BigInt
    /// The modulus (positive).
    public let modulus: BigInt
    /// The longest exponent, in bits, the table covers.
    public let maxExponentBits: Int
    /// The window width `w` in bits.
    public let windowBits: Int
    /// Row-major: `table[i · (2^w − 1) + (d − 1)] = base^(d · 2^(w·i)) mod m`.
    let table: [BigInt]

    /// Builds the table for exponents below `2^maxExponentBits`.
    ///
    /// - Throws: `nonPositiveModulus`, or `invalidParameter` for a window outside
    ///   `1...12` or a non-positive exponent length.
    public init(base: BigInt, modulus: BigInt, maxExponentBits: Int, windowBits: Int = 8) throws(BignumError) {
        guard modulus.signum > 0 else { throw .nonPositiveModulus }
        guard (1...12).contains(windowBits) else { throw .invalidParameter(name: "windowBits", reason: "window must be 1...12 bits, got \(windowBits)") }
        guard maxExponentBits > 0 else { throw .invalidParameter(name: "maxExponentBits", reason: "exponent length must be positive, got \(maxExponentBits)") }
        let reduced = try base.modulo(modulus)
        self.base = reduced
        self.modulus = modulus
        self.maxExponentBits = maxExponentBits
        self.windowBits = windowBits
        let windows = (maxExponentBits + windowBits - 1) / windowBits
        let digits = (1 << windowBits) - 1
        var table: [BigInt] = []
        table.reserveCapacity(windows * digits)
        var windowBase = reduced
        for _ in 0..<windows {
            var power = windowBase
            table.append(power)
            for _ in 1..<digits {
                var next = BigInt()
                next.formProduct(power, windowBase, modulo: modulus)
                table.append(next)
                power = next
            }
            // base^(2^(w(i+1))) = (base^((2^w − 1)·2^(wi))) · base^(2^(wi)).
            var next = BigInt()
            next.formProduct(power, windowBase, modulo: modulus)
            windowBase = next
        }
        self.table = table
    }

    /// The number of windows, `⌈maxExponentBits / windowBits⌉`.
    public var windowCount: Int { (maxExponentBits + windowBits - 1) / windowBits }

    /// `base^exponent mod modulus`.
    ///
    /// - Throws: `invalidParameter` for a negative exponent or one longer than
    ///   `maxExponentBits`.
    public func power(_ exponent: BigInt) throws(BignumError) -> BigInt {
        var result = BigInt()
        try formPower(exponent, into: &result)
        return result
    }

    /// `result = base^exponent mod modulus`, reusing `result`'s limbs.
    ///
    /// The product goes to a scratch value and is reduced back into `result`, so GMP never
    /// multiplies into one of its own operands (which would allocate a temporary each step).
    public func formPower(_ exponent: BigInt, into result: inout BigInt) throws(BignumError) {
        guard !exponent.isNegative else { throw .invalidParameter(name: "exponent", reason: "fixed-base exponent must be non-negative") }
        guard exponent.bitWidth <= maxExponentBits else {
            throw .invalidParameter(name: "exponent", reason: "exponent has \(exponent.bitWidth) bits, table covers \(maxExponentBits)")
        }
        let digits = (1 << windowBits) - 1
        let mask = UInt(digits)
        var spare = BigInt()
        result.withMutablePointer { accumulator in
            spare.withMutablePointer { scratch in
                exponent.withPointer { e in
                    modulus.withPointer { m in
                        table.withUnsafeBufferPointer { entries in
                            __gmpz_set_ui(accumulator, 1)
                            var started = false
                            let limbCount = Int(abs(e.pointee._mp_size))
                            let limbBits = MemoryLayout<mp_limb_t>.size * 8
                            for window in 0..<windowCount {
                                let bit = window * windowBits
                                let limb = bit / limbBits
                                guard limb < limbCount else { break }
                                let shift = bit % limbBits
                                var value = UInt(e.pointee._mp_d[limb]) >> UInt(shift)
                                if shift + windowBits > limbBits, limb + 1 < limbCount {
                                    value |= UInt(e.pointee._mp_d[limb + 1]) << UInt(limbBits - shift)
                                }
                                let digit = Int(value & mask)
                                guard digit != 0 else { continue }
                                entries[window * digits + digit - 1].withPointer { entry in
                                    if started {
                                        __gmpz_mul(scratch, accumulator, entry)
                                        __gmpz_mod(accumulator, scratch, m)
                                    } else {
                                        __gmpz_set(accumulator, entry)
                                        started = true
                                    }
                                }
                            }
                            if !started { __gmpz_mod(accumulator, accumulator, m) }
                        }
                    }
                }
            }
        }
    }
}
