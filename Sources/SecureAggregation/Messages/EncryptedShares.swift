import Sodium

/// One encrypted pair of shares (self-mask seed and masking key) between two clients.
public struct EncryptedShare: Sendable, Equatable {
    /// XChaCha20-Poly1305 over sender, receiver and the two shares: nonce ‖ ciphertext ‖ tag.
    public static let ciphertextByteCount = AEAD.XChaCha20Poly1305.nonceByteCount + SharePair.byteCount + AEAD.tagByteCount
    /// The other end: the receiver in `ShareKeys`, the sender in `ForwardedShares`.
    public let peer: UInt32
    /// The sealed `SharePair`.
    public let ciphertext: [UInt8]

    /// A share from its fields.
    public init(peer: UInt32, ciphertext: [UInt8]) {
        self.peer = peer
        self.ciphertext = ciphertext
    }

    static let encodedByteCount = 4 + ciphertextByteCount

    func encode(into writer: inout WireWriter) {
        writer.append(peer)
        writer.append(raw: ciphertext)
    }

    init(reading reader: inout WireReader) throws(SecAggError) {
        peer = try reader.read(UInt32.self)
        ciphertext = try reader.readRaw(Self.ciphertextByteCount)
    }
}

/// The plaintext of an `EncryptedShare`: who sent it to whom, and the two Shamir shares.
struct SharePair {
    static let byteCount = 8 + 2 * 8 * Shamir.chunkCount
    let sender: UInt32
    let receiver: UInt32
    let selfMaskShare: [UInt64]
    let keyShare: [UInt64]

    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        appendLE(sender, to: &bytes)
        appendLE(receiver, to: &bytes)
        for value in selfMaskShare + keyShare { appendLE(value, to: &bytes) }
        return bytes
    }

    init(sender: UInt32, receiver: UInt32, selfMaskShare: [UInt64], keyShare: [UInt64]) {
        self.sender = sender
        self.receiver = receiver
        self.selfMaskShare = selfMaskShare
        self.keyShare = keyShare
    }

    init(decoding bytes: [UInt8]) throws(SecAggError) {
        guard bytes.count == Self.byteCount else { throw .malformedMessage("share plaintext has \(bytes.count) bytes") }
        func word(_ offset: Int, _ size: Int) -> UInt64 {
            var value: UInt64 = 0
            for index in 0..<size { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
            return value
        }
        sender = UInt32(word(0, 4))
        receiver = UInt32(word(4, 4))
        selfMaskShare = (0..<Shamir.chunkCount).map { word(8 + 8 * $0, 8) }
        keyShare = (0..<Shamir.chunkCount).map { word(8 + 8 * (Shamir.chunkCount + $0), 8) }
    }
}

extension EncryptedShare {
    /// The encoding shared by ``ShareKeys`` and ``ForwardedShares``: header, the owning
    /// client's id, then the counted list of shares.
    static func serialize(_ shares: [EncryptedShare], kind: SecAggMessageKind, round: UInt64, owner: UInt32) -> [UInt8] {
        var writer = WireWriter(kind: kind, round: round, capacity: 8 + shares.count * encodedByteCount)
        writer.append(owner)
        writer.append(UInt32(shares.count))
        for share in shares { share.encode(into: &writer) }
        return writer.bytes
    }

    /// Decodes what ``serialize(_:kind:round:owner:)`` wrote; malformed input throws.
    static func deserialize(
        _ bytes: [UInt8], kind: SecAggMessageKind
    ) throws(SecAggError) -> (round: UInt64, owner: UInt32, shares: [EncryptedShare]) {
        var reader = try WireReader(bytes, expecting: kind)
        let owner = try reader.read(UInt32.self)
        let count = try reader.readCount(elementByteCount: encodedByteCount)
        var shares: [EncryptedShare] = []
        shares.reserveCapacity(count)
        for _ in 0..<count { shares.append(try EncryptedShare(reading: &reader)) }
        try reader.finish()
        return (reader.round, owner, shares)
    }
}

/// Stage 1, client → server: one encrypted share pair per neighbour, to be forwarded.
public struct ShareKeys: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.shareKeys
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The client that made the shares.
    public let sender: UInt32
    /// One entry per neighbour; `peer` is the receiver.
    public let shares: [EncryptedShare]

    /// A message from its fields.
    public init(round: UInt64, sender: UInt32, shares: [EncryptedShare]) {
        self.round = round
        self.sender = sender
        self.shares = shares
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        EncryptedShare.serialize(shares, kind: Self.kind, round: round, owner: sender)
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        (round, sender, shares) = try EncryptedShare.deserialize(bytes, kind: Self.kind)
    }
}

/// Stage 1, server → client: the encrypted shares other clients made for the recipient.
public struct ForwardedShares: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.forwardedShares
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The client the shares are for.
    public let recipient: UInt32
    /// One entry per neighbour that completed ShareKeys; `peer` is the sender.
    public let shares: [EncryptedShare]

    /// A message from its fields.
    public init(round: UInt64, recipient: UInt32, shares: [EncryptedShare]) {
        self.round = round
        self.recipient = recipient
        self.shares = shares
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        EncryptedShare.serialize(shares, kind: Self.kind, round: round, owner: recipient)
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        (round, recipient, shares) = try EncryptedShare.deserialize(bytes, kind: Self.kind)
    }
}
