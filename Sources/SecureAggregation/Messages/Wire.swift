/// The compact binary framing shared by all protocol messages.
///
/// Every message starts with an 12-byte header: the magic bytes "SA", the format version,
/// the message kind, and the 64-bit aggregation round; integers are little-endian. Lists are
/// prefixed with a 32-bit count that is checked against the bytes left before anything is
/// allocated, so malformed input fails with a typed error and never a crash.
public enum SecAggWire {
    /// The format version this implementation writes and reads.
    public static let version: UInt8 = 1
    static let magic: [UInt8] = [0x53, 0x41]
    /// Header length in bytes.
    public static let headerByteCount = 12

    /// The kind of an encoded message, read from its header (for dispatching).
    public static func kind(of bytes: [UInt8]) throws(SecAggError) -> SecAggMessageKind {
        try WireReader(bytes).kind
    }
}

/// The message kinds, one per direction and stage.
public enum SecAggMessageKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case advertiseKeys = 1, keyDirectory, shareKeys, forwardedShares, maskedInput,
         consistencyCheckRequest, consistencyCheckResponse, unmaskingRequest, unmaskingResponse

    /// The message kind's name.
    public var description: String {
        switch self {
        case .advertiseKeys: return "AdvertiseKeys"
        case .keyDirectory: return "KeyDirectory"
        case .shareKeys: return "ShareKeys"
        case .forwardedShares: return "ForwardedShares"
        case .maskedInput: return "MaskedInput"
        case .consistencyCheckRequest: return "ConsistencyCheckRequest"
        case .consistencyCheckResponse: return "ConsistencyCheckResponse"
        case .unmaskingRequest: return "UnmaskingRequest"
        case .unmaskingResponse: return "UnmaskingResponse"
        }
    }
}

/// A protocol message with a binary encoding.
public protocol SecAggMessage: Sendable, Equatable {
    /// The kind written in the header.
    static var kind: SecAggMessageKind { get }
    /// The aggregation round the message belongs to.
    var round: UInt64 { get }
    /// The compact binary encoding.
    func serialized() -> [UInt8]
    /// Decodes `bytes`, throwing `malformedMessage`, `unsupportedVersion` or `unexpectedMessage`.
    init(serialized bytes: [UInt8]) throws(SecAggError)
}

struct WireWriter {
    private(set) var bytes: [UInt8]

    init(kind: SecAggMessageKind, round: UInt64, capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(SecAggWire.headerByteCount + capacity)
        bytes += SecAggWire.magic
        bytes.append(SecAggWire.version)
        bytes.append(kind.rawValue)
        append(round)
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        for index in 0..<(T.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func append(raw: [UInt8]) { bytes += raw }

    /// Appends the vector's packed bytes without an intermediate array.
    mutating func appendPacked(_ vector: ModularVector) {
        vector.appendPacked(to: &bytes)
    }

    mutating func append(ids: [UInt32]) {
        append(UInt32(ids.count))
        for id in ids { append(id) }
    }

    /// An optional 64-byte signature: a presence byte, then the signature.
    mutating func append(signature: [UInt8]?) {
        if let signature {
            append(UInt8(1))
            append(raw: signature)
        } else {
            append(UInt8(0))
        }
    }
}

struct WireReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    let kind: SecAggMessageKind
    let round: UInt64

    init(_ bytes: [UInt8]) throws(SecAggError) {
        guard bytes.count >= SecAggWire.headerByteCount else {
            throw .malformedMessage("\(bytes.count) bytes is shorter than the \(SecAggWire.headerByteCount)-byte header")
        }
        guard Array(bytes[0..<2]) == SecAggWire.magic else { throw .malformedMessage("bad magic bytes") }
        guard bytes[2] == SecAggWire.version else { throw .unsupportedVersion(bytes[2]) }
        guard let kind = SecAggMessageKind(rawValue: bytes[3]) else {
            throw .malformedMessage("unknown message kind \(bytes[3])")
        }
        self.bytes = bytes
        self.kind = kind
        offset = 4
        var round: UInt64 = 0
        for index in 0..<8 { round |= UInt64(bytes[4 + index]) << (8 * UInt64(index)) }
        self.round = round
        offset = SecAggWire.headerByteCount
    }

    init(_ bytes: [UInt8], expecting expected: SecAggMessageKind) throws(SecAggError) {
        try self.init(bytes)
        guard kind == expected else { throw .unexpectedMessage(expected: "\(expected)", received: "\(kind)") }
    }

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(SecAggError) -> T {
        let size = T.bitWidth / 8
        guard remaining >= size else { throw .malformedMessage("truncated at byte \(offset)") }
        var value: T = 0
        for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
        offset += size
        return value
    }

    mutating func readRaw(_ count: Int) throws(SecAggError) -> [UInt8] {
        try readSlice(count).withUnsafeBufferPointer { Array($0) }
    }

    mutating func readSlice(_ count: Int) throws(SecAggError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .malformedMessage("truncated at byte \(offset)") }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// A list count, checked against the bytes left so a forged count cannot force a huge allocation.
    mutating func readCount(elementByteCount: Int) throws(SecAggError) -> Int {
        let count = Int(try read(UInt32.self))
        guard count * elementByteCount <= remaining else {
            throw .malformedMessage("list of \(count) entries does not fit in \(remaining) bytes")
        }
        return count
    }

    mutating func readIDs() throws(SecAggError) -> [UInt32] {
        let count = try readCount(elementByteCount: 4)
        var ids: [UInt32] = []
        ids.reserveCapacity(count)
        for _ in 0..<count { ids.append(try read(UInt32.self)) }
        return ids
    }

    mutating func readSignature() throws(SecAggError) -> [UInt8]? {
        switch try read(UInt8.self) {
        case 0: return nil
        case 1: return try readRaw(SecAggKeys.signatureByteCount)
        case let flag: throw .malformedMessage("bad signature flag \(flag)")
        }
    }

    func finish() throws(SecAggError) {
        guard remaining == 0 else { throw .malformedMessage("\(remaining) trailing bytes") }
    }
}
