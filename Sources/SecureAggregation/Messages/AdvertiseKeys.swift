import Sodium

/// Stage 0, client → server: the client's two X25519 public keys, signed in authenticated mode.
public struct AdvertiseKeys: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.advertiseKeys
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The advertising client.
    public let sender: UInt32
    /// The key that encrypts shares sent to and from this client.
    public let encryptionKey: X25519.PublicKey
    /// The key that derives pairwise masks with this client.
    public let maskingKey: X25519.PublicKey
    /// Ed25519 signature over (round, sender, both keys), in authenticated mode.
    public let signature: [UInt8]?

    /// A message from its fields.
    public init(round: UInt64, sender: UInt32, encryptionKey: X25519.PublicKey, maskingKey: X25519.PublicKey, signature: [UInt8]?) {
        self.round = round
        self.sender = sender
        self.encryptionKey = encryptionKey
        self.maskingKey = maskingKey
        self.signature = signature
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        var writer = WireWriter(kind: Self.kind, round: round)
        encodeBody(into: &writer)
        return writer.bytes
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try WireReader(bytes, expecting: Self.kind)
        try self.init(reading: &reader, round: reader.round)
        try reader.finish()
    }

    func encodeBody(into writer: inout WireWriter) {
        writer.append(sender)
        writer.append(raw: encryptionKey.rawRepresentation)
        writer.append(raw: maskingKey.rawRepresentation)
        writer.append(signature: signature)
    }

    init(reading reader: inout WireReader, round: UInt64) throws(SecAggError) {
        let sender = try reader.read(UInt32.self)
        let encryption = try reader.readRaw(SecAggKeys.publicKeyByteCount)
        let masking = try reader.readRaw(SecAggKeys.publicKeyByteCount)
        let signature = try reader.readSignature()
        self.init(
            round: round, sender: sender,
            encryptionKey: try sodium { () throws(SodiumError) in try X25519.PublicKey(rawRepresentation: encryption) },
            maskingKey: try sodium { () throws(SodiumError) in try X25519.PublicKey(rawRepresentation: masking) },
            signature: signature)
    }

    /// Encoded size without the header.
    static let minimumBodyByteCount = 4 + 2 * SecAggKeys.publicKeyByteCount + 1
}
