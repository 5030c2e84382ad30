/// Stage 0, server → client: the advertisements of the recipient's neighbours that took part,
/// and the threshold. In SecAgg+ the list also tells the client who its neighbours are.
public struct KeyDirectory: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.keyDirectory
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The client this directory is for.
    public let recipient: UInt32
    /// The Shamir threshold t the client must use.
    public let threshold: Int
    /// The neighbours' advertisements, ascending by sender (never the recipient's own).
    public let entries: [AdvertiseKeys]

    /// A message from its fields.
    public init(round: UInt64, recipient: UInt32, threshold: Int, entries: [AdvertiseKeys]) {
        self.round = round
        self.recipient = recipient
        self.threshold = threshold
        self.entries = entries
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        var writer = WireWriter(kind: Self.kind, round: round, capacity: 8 + entries.count * 133)
        writer.append(recipient)
        writer.append(UInt32(clamping: threshold))
        writer.append(UInt32(entries.count))
        for entry in entries { entry.encodeBody(into: &writer) }
        return writer.bytes
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try WireReader(bytes, expecting: Self.kind)
        recipient = try reader.read(UInt32.self)
        threshold = Int(try reader.read(UInt32.self))
        let count = try reader.readCount(elementByteCount: AdvertiseKeys.minimumBodyByteCount)
        var entries: [AdvertiseKeys] = []
        entries.reserveCapacity(count)
        for _ in 0..<count { entries.append(try AdvertiseKeys(reading: &reader, round: reader.round)) }
        self.entries = entries
        round = reader.round
        try reader.finish()
    }
}
