internal import CGMP

extension BigInt {
    /// A value from the big-endian bytes of its magnitude (an unsigned encoding; empty is zero).
    public init<Bytes: Collection>(bigEndianBytes bytes: Bytes) where Bytes.Element == UInt8 {
        storage = Storage()
        let array = Array(bytes)
        guard !array.isEmpty else { return }
        array.withUnsafeBytes { raw in
            __gmpz_import(storage.pointer, raw.count, 1, 1, 1, 0, raw.baseAddress)
        }
    }

    /// The big-endian bytes of a non-negative value.
    ///
    /// - Parameter count: a fixed width to left-pad to; nil gives the minimal encoding
    ///   (empty for zero).
    /// - Throws: `negativeValue` for negative values, `doesNotFit` when `count` is too small.
    public func bigEndianBytes(count: Int? = nil) throws(BignumError) -> [UInt8] {
        guard !isNegative else { throw .negativeValue }
        let needed = isZero ? 0 : (bitWidth + 7) / 8
        let width = count ?? needed
        guard width >= needed else { throw .doesNotFit(byteCount: width, needed: needed) }
        var bytes = [UInt8](repeating: 0, count: width)
        guard needed > 0 else { return bytes }
        bytes.withUnsafeMutableBytes { raw in
            var written = 0
            __gmpz_export(raw.baseAddress! + (width - needed), &written, 1, 1, 1, 0, storage.pointer)
        }
        return bytes
    }

    /// Parses an optionally signed integer in `radix` (2...36); nil if `text` is not exactly that.
    ///
    /// Stricter than `mpz_set_str`: no whitespace, no empty digits, no prefixes.
    public init?(_ text: String, radix: Int = 10) {
        guard (2...36).contains(radix) else { return nil }
        var digits = Substring(text)
        if digits.first == "-" { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.hexDigitValue.map { $0 < radix } ?? Self.digitValue($0).map { $0 < radix } ?? false) }) else {
            return nil
        }
        storage = Storage()
        guard __gmpz_set_str(storage.pointer, text, Int32(radix)) == 0 else { return nil }
    }

    private static func digitValue(_ character: Character) -> Int? {
        guard let ascii = character.asciiValue else { return nil }
        switch ascii {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(ascii - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(ascii - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(ascii - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    /// The value written in `radix` (2...36), lowercase, with a leading `-` when negative.
    public func toString(radix: Int = 10) -> String {
        let base = Int32(Swift.min(Swift.max(radix, 2), 36))
        let capacity = Int(__gmpz_sizeinbase(storage.pointer, base)) + 2
        var buffer = [CChar](repeating: 0, count: capacity)
        _ = buffer.withUnsafeMutableBufferPointer { __gmpz_get_str($0.baseAddress, base, storage.pointer) }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension BigInt: CustomStringConvertible, LosslessStringConvertible {
    /// The decimal representation.
    public var description: String { toString(radix: 10) }

    /// Parses a decimal integer.
    public init?(_ description: String) {
        self.init(description, radix: 10)
    }
}

// MARK: - base64url (RFC 4648 §5), as used by JWK

extension BigInt {
    private static let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The unpadded base64url encoding of the big-endian magnitude bytes (JWK style).
    public func base64URLEncoded() throws(BignumError) -> String {
        let bytes = try bigEndianBytes()
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<Swift.min(index + 3, bytes.count)]
            var bits: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { bits |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            for position in 0..<(chunk.count + 1) {
                output.append(Self.base64URLAlphabet[Int((bits >> (18 - 6 * UInt32(position))) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base64url (padding optional) into a non-negative value.
    ///
    /// - Throws: `malformedString` for characters outside the alphabet, bad padding, or
    ///   an impossible length.
    public init(base64URL text: String) throws(BignumError) {
        var characters = Array(text.utf8)
        while characters.last == UInt8(ascii: "=") { characters.removeLast() }
        guard characters.count % 4 != 1 else { throw .malformedString("base64url length \(text.count) is impossible") }
        guard !characters.isEmpty else { throw .malformedString("empty base64url string") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bitCount = 0
        for character in characters {
            let value: UInt32
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(character - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(character - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "_"): value = 63
            default:
                throw .malformedString("'\(Character(Unicode.Scalar(character)))' is not a base64url character")
            }
            accumulator = (accumulator << 6) | value
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
            }
        }
        guard accumulator & ((1 << UInt32(bitCount)) - 1) == 0 else {
            throw .malformedString("base64url string has non-zero trailing bits")
        }
        self.init(bigEndianBytes: bytes)
    }
}

// MARK: - Codable as a decimal string (exact in JSON, unlike numbers beyond 2^53)

extension BigInt: Codable {
    /// Decodes a decimal string; anything else throws a `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = BigInt(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a decimal integer")
            }
            self = value
        } else {
            self.init(try container.decode(Int.self))
        }
    }

    /// Encodes the value as a decimal string (exact for any size, unlike a JSON number).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
