internal import CGMP

/// An arbitrary-precision signed integer with value semantics, backed by GMP's `mpz_t`.
///
/// Copies share storage until one of them is mutated (copy-on-write), so passing
/// `BigInt`s around is cheap. Operators follow `Int`: `/` and `%` truncate toward
/// zero and the remainder takes the sign of the dividend; `modulo(_:)` and
/// `floorDivided(by:)` give the non-negative residue and floor quotient instead.
/// Dividing by zero traps like `Int`; the throwing `quotientAndRemainder(dividingBy:)`
/// reports it instead.
///
/// For hot loops use the in-place forms (`formProduct(_:_:modulo:)`,
/// `formPower(_:_:modulo:)`, `formSum(_:_:)`, ...), which reuse this value's limbs.
/// Limbs are wiped before GMP frees them so secrets (primes, private exponents) do
/// not linger in freed memory; GMP's own intermediate reallocations are not covered.
public struct BigInt: Sendable {
    var storage: Storage

    /// Zero.
    public init() {
        storage = Storage()
    }

    /// The value of `value`.
    public init(_ value: Int) {
        storage = Storage()
        __gmpz_set_si(storage.pointer, value)
    }

    /// The value of `value`.
    public init(_ value: UInt) {
        storage = Storage()
        __gmpz_set_ui(storage.pointer, value)
    }

    /// The value of a fixed-width integer.
    public init<T: BinaryInteger>(_ value: T) {
        if let small = Int(exactly: value) {
            self.init(small)
        } else if let unsigned = UInt(exactly: value) {
            self.init(unsigned)
        } else {
            // Only wider-than-64-bit integer types get here; go through their decimal form.
            self.init(String(value), radix: 10)!
        }
    }

    /// The value nearest to a finite `Double`, truncated toward zero; nil for NaN or infinity.
    public init?(truncating value: Double) {
        guard value.isFinite else { return nil }
        storage = Storage()
        __gmpz_set_d(storage.pointer, value)
    }

    init(storage: Storage) {
        self.storage = storage
    }

    /// Makes the storage unique before a mutation (the copy in copy-on-write).
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        }
    }

    /// Runs `body` with a read-only `mpz_t` pointer.
    func withPointer<R>(_ body: (UnsafePointer<__mpz_struct>) throws -> R) rethrows -> R {
        try withExtendedLifetime(storage) { try body(storage.pointer) }
    }

    /// Runs `body` with a mutable `mpz_t` pointer to this value's own storage.
    mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<__mpz_struct>) throws -> R) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) { try body(storage.pointer) }
    }

    /// -1, 0 or 1 according to the sign.
    public var signum: Int {
        let size = storage.pointer.pointee._mp_size
        return size < 0 ? -1 : (size > 0 ? 1 : 0)
    }

    /// Whether the value is zero.
    public var isZero: Bool { storage.pointer.pointee._mp_size == 0 }

    /// Whether the value is negative.
    public var isNegative: Bool { storage.pointer.pointee._mp_size < 0 }

    /// Whether the value is odd.
    public var isOdd: Bool { __gmpz_tstbit(storage.pointer, 0) == 1 }

    /// The number of bits of `|self|`; zero for zero.
    public var bitWidth: Int {
        isZero ? 0 : Int(__gmpz_sizeinbase(storage.pointer, 2))
    }

    /// Whether bit `index` of the two's-complement representation is set.
    public func testBit(_ index: Int) -> Bool {
        __gmpz_tstbit(storage.pointer, mp_bitcnt_t(index)) == 1
    }

    /// The value as an `Int`, or nil if it does not fit.
    public var intValue: Int? {
        __gmpz_fits_slong_p(storage.pointer) != 0 ? __gmpz_get_si(storage.pointer) : nil
    }

    /// The nearest `Double` (truncated toward zero when not exact).
    public var doubleValue: Double { __gmpz_get_d(storage.pointer) }
}

extension BigInt {
    /// Owns one `mpz_t`; wipes its limbs and frees it on release.
    final class Storage: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<__mpz_struct>

        init() {
            pointer = .allocate(capacity: 1)
            __gmpz_init(pointer)
        }

        func copy() -> Storage {
            let other = Storage()
            __gmpz_set(other.pointer, pointer)
            return other
        }

        deinit {
            let limbs = Int(pointer.pointee._mp_alloc)
            if limbs > 0, let data = pointer.pointee._mp_d {
                UnsafeMutableRawPointer(data).initializeMemory(
                    as: UInt8.self, repeating: 0, count: limbs * MemoryLayout<mp_limb_t>.stride)
            }
            __gmpz_clear(pointer)
            pointer.deallocate()
        }
    }
}

extension BigInt: ExpressibleByIntegerLiteral {
    /// A literal value.
    public init(integerLiteral value: Int) {
        self.init(value)
    }
}

extension BigInt: Equatable, Hashable, Comparable {
    /// Whether two integers are equal.
    public static func == (lhs: BigInt, rhs: BigInt) -> Bool {
        // Copies share storage until one is mutated: no limbs to compare then.
        lhs.storage === rhs.storage || __gmpz_cmp(lhs.storage.pointer, rhs.storage.pointer) == 0
    }

    /// Whether `lhs` is less than `rhs`.
    public static func < (lhs: BigInt, rhs: BigInt) -> Bool {
        __gmpz_cmp(lhs.storage.pointer, rhs.storage.pointer) < 0
    }

    /// Hashes the value (sign and magnitude).
    public func hash(into hasher: inout Hasher) {
        let size = Int(storage.pointer.pointee._mp_size)
        hasher.combine(size)
        if let data = storage.pointer.pointee._mp_d {
            for index in 0..<abs(size) { hasher.combine(data[index]) }
        }
    }
}

extension BigInt {
    /// Compares with an `Int` without allocating: negative, zero or positive like `memcmp`.
    public func compare(to value: Int) -> Int {
        Int(__gmpz_cmp_si(storage.pointer, value))
    }
}
