/// Stage 3, server → client: the clients whose masked input the server received (U3).
public struct ConsistencyCheckRequest: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.consistencyCheckRequest
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The client asked to confirm.
    public let recipient: UInt32
    /// The survivors U3, ascending.
    public let survivors: [UInt32]

    /// A message from its fields.
    public init(round: UInt64, recipient: UInt32, survivors: [UInt32]) {
        self.round = round
        self.recipient = recipient
        self.survivors = survivors
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        var writer = WireWriter(kind: Self.kind, round: round, capacity: 8 + 4 * survivors.count)
        writer.append(recipient)
        writer.append(ids: survivors)
        return writer.bytes
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try WireReader(bytes, expecting: Self.kind)
        recipient = try reader.read(UInt32.self)
        survivors = try reader.readIDs()
        round = reader.round
        try reader.finish()
    }
}

/// Stage 3, client → server: the client's confirmation, an Ed25519 signature over (round, U3)
/// in authenticated mode.
public struct ConsistencyCheckResponse: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.consistencyCheckResponse
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The confirming client.
    public let sender: UInt32
    /// The signature over the survivors list, in authenticated mode.
    public let signature: [UInt8]?

    /// A message from its fields.
    public init(round: UInt64, sender: UInt32, signature: [UInt8]?) {
        self.round = round
        self.sender = sender
        self.signature = signature
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        var writer = WireWriter(kind: Self.kind, round: round, capacity: 69)
        writer.append(sender)
        writer.append(signature: signature)
        return writer.bytes
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try WireReader(bytes, expecting: Self.kind)
        sender = try reader.read(UInt32.self)
        signature = try reader.readSignature()
        round = reader.round
        try reader.finish()
    }
}
