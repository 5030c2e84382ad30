import Sodium

/// A vector in Z_{2^b}: `count` integers modulo 2^`bitWidth`, with 1 ≤ b ≤ 64.
///
/// Widths up to 32 are held in `UInt32` words and wider ones in `UInt64` words. Masks are
/// added modulo the word size (2^32 or 2^64), a multiple of 2^b, so masks that cancel in
/// the word ring also cancel in Z_{2^b}; values are reduced to b bits only when read,
/// compared or serialized, which keeps the masking loop a plain keystream addition.
public struct ModularVector: Sendable, CustomStringConvertible {
    /// The largest supported bit width.
    public static let maximumBitWidth = 64

    enum Storage: Sendable {
        case narrow([UInt32])
        case wide([UInt64])
    }

    /// The number of bits b of the ring Z_{2^b}.
    public let bitWidth: Int
    var storage: Storage

    /// The all-zero vector of `count` entries.
    public init(zeros count: Int, bitWidth: Int = 32) throws(SecAggError) {
        try Self.validate(bitWidth: bitWidth, count: count)
        self.bitWidth = bitWidth
        storage = bitWidth <= 32 ? .narrow([UInt32](repeating: 0, count: count)) : .wide([UInt64](repeating: 0, count: count))
    }

    /// A vector of `values`, each of which must be below 2^`bitWidth`.
    public init(_ values: [UInt64], bitWidth: Int = 32) throws(SecAggError) {
        try Self.validate(bitWidth: bitWidth, count: values.count)
        let mask = Self.mask(bitWidth)
        if let index = values.firstIndex(where: { $0 & ~mask != 0 }) {
            throw .valueOutOfRange(index: index, bitWidth: bitWidth)
        }
        self.bitWidth = bitWidth
        storage = bitWidth <= 32 ? .narrow(values.map { UInt32(truncatingIfNeeded: $0) }) : .wide(values)
    }

    /// A vector over `UInt32` words, reduced modulo 2^`bitWidth` (b ≤ 32).
    public init(words: [UInt32], bitWidth: Int = 32) throws(SecAggError) {
        try Self.validate(bitWidth: bitWidth, count: words.count)
        guard bitWidth <= 32 else { throw .invalidParameter(name: "bitWidth", reason: "UInt32 words carry at most 32 bits, asked for \(bitWidth)") }
        self.bitWidth = bitWidth
        storage = .narrow(words)
    }

    /// The number of entries.
    public var count: Int {
        switch storage {
        case let .narrow(words): return words.count
        case let .wide(words): return words.count
        }
    }

    /// Entry `index`, reduced modulo 2^b.
    public subscript(index: Int) -> UInt64 {
        switch storage {
        case let .narrow(words): return UInt64(words[index]) & Self.mask(bitWidth)
        case let .wide(words): return words[index] & Self.mask(bitWidth)
        }
    }

    /// All entries, reduced modulo 2^b.
    public var values: [UInt64] {
        let mask = Self.mask(bitWidth)
        switch storage {
        case let .narrow(words): return words.map { UInt64($0) & mask }
        case let .wide(words): return words.map { $0 & mask }
        }
    }

    /// Shape only: the entries are not printed.
    public var description: String { "ModularVector(count: \(count), bitWidth: \(bitWidth))" }

    /// Adds `other` entry by entry modulo 2^b.
    public mutating func add(_ other: ModularVector) throws(SecAggError) {
        try combine(with: other, subtracting: false)
    }

    /// Subtracts `other` entry by entry modulo 2^b.
    public mutating func subtract(_ other: ModularVector) throws(SecAggError) {
        try combine(with: other, subtracting: true)
    }

    /// Word-wise wrapping sum or difference, in place.
    @inline(__always)
    private static func combine<Word: FixedWidthInteger>(_ words: inout [Word], with others: [Word], subtracting: Bool) {
        words.withUnsafeMutableBufferPointer { target in
            others.withUnsafeBufferPointer { source in
                if subtracting {
                    for index in 0..<target.count { target[index] &-= source[index] }
                } else {
                    for index in 0..<target.count { target[index] &+= source[index] }
                }
            }
        }
    }

    private mutating func combine(with other: ModularVector, subtracting: Bool) throws(SecAggError) {
        guard other.bitWidth == bitWidth, other.count == count else {
            throw .shapeMismatch("cannot combine \(other) with \(self)")
        }
        switch (storage, other.storage) {
        case (.narrow(var words), let .narrow(others)):
            storage = .narrow([])  // drop the enum's reference so `words` is uniquely owned
            Self.combine(&words, with: others, subtracting: subtracting)
            storage = .narrow(words)
        case (.wide(var words), let .wide(others)):
            storage = .wide([])
            Self.combine(&words, with: others, subtracting: subtracting)
            storage = .wide(words)
        default:
            throw .shapeMismatch("storage of equal bit widths differs")
        }
    }

    /// Adds (or subtracts) the next keystream words of `generator`: one mask, in place.
    mutating func applyMask(from generator: inout ChaChaRandom, subtracting: Bool) {
        switch storage {
        case var .narrow(words):
            storage = .narrow([])  // keep `words` uniquely referenced: no copy-on-write
            words.withUnsafeMutableBufferPointer { buffer in
                if subtracting { generator.subtractKeystream(from: buffer) } else { generator.addKeystream(to: buffer) }
            }
            storage = .narrow(words)
        case var .wide(words):
            storage = .wide([])
            words.withUnsafeMutableBufferPointer { buffer in
                if subtracting { generator.subtractKeystream(from: buffer) } else { generator.addKeystream(to: buffer) }
            }
            storage = .wide(words)
        }
    }

    /// Bytes of key stream one mask of this vector consumes.
    var maskByteCount: Int {
        switch storage {
        case let .narrow(words): return words.count * 4
        case let .wide(words): return words.count * 8
        }
    }

    static func mask(_ bitWidth: Int) -> UInt64 {
        bitWidth >= 64 ? .max : (UInt64(1) << UInt64(bitWidth)) - 1
    }

    static func validate(bitWidth: Int, count: Int) throws(SecAggError) {
        guard (1...maximumBitWidth).contains(bitWidth) else {
            throw .invalidParameter(name: "bitWidth", reason: "bit width must be in 1...\(maximumBitWidth), got \(bitWidth)")
        }
        guard count >= 0, count <= Int(UInt32.max) else {
            throw .invalidParameter(name: "count", reason: "a vector holds 0...\(UInt32.max) entries, got \(count)")
        }
    }
}

extension ModularVector: Equatable {
    /// Equality in Z_{2^b}: same width, same length, same reduced entries.
    public static func == (lhs: ModularVector, rhs: ModularVector) -> Bool {
        guard lhs.bitWidth == rhs.bitWidth, lhs.count == rhs.count else { return false }
        let mask = mask(lhs.bitWidth)
        switch (lhs.storage, rhs.storage) {
        case let (.narrow(a), .narrow(b)):
            let narrowMask = UInt32(truncatingIfNeeded: mask)
            return zip(a, b).allSatisfy { ($0 ^ $1) & narrowMask == 0 }
        case let (.wide(a), .wide(b)):
            return zip(a, b).allSatisfy { ($0 ^ $1) & mask == 0 }
        default:
            return false
        }
    }
}
