/// A client's signature over the survivors list, forwarded by the server in authenticated mode.
public struct SurvivorSignature: Sendable, Equatable {
    /// The signer.
    public let client: UInt32
    /// Ed25519 signature over (round, U3).
    public let signature: [UInt8]

    /// A signature from its fields.
    public init(client: UInt32, signature: [UInt8]) {
        self.client = client
        self.signature = signature
    }
}

/// Stage 4, server → client: which shares the server asks the recipient to reveal.
///
/// Self-mask shares are asked for survivors (their self masks must be removed) and key
/// shares for neighbours that dropped after sharing keys (their pairwise masks must be
/// removed). An honest client never reveals both kinds for the same peer.
public struct UnmaskingRequest: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.unmaskingRequest
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The client asked to reveal shares.
    public let recipient: UInt32
    /// Peers whose self-mask seed share is asked (survivors), ascending.
    public let selfMaskOwners: [UInt32]
    /// Peers whose masking-key share is asked (dropped), ascending.
    public let keyOwners: [UInt32]
    /// Consistency-check signatures of the clients that confirmed, in authenticated mode.
    public let signatures: [SurvivorSignature]

    /// A message from its fields.
    public init(round: UInt64, recipient: UInt32, selfMaskOwners: [UInt32], keyOwners: [UInt32], signatures: [SurvivorSignature]) {
        self.round = round
        self.recipient = recipient
        self.selfMaskOwners = selfMaskOwners
        self.keyOwners = keyOwners
        self.signatures = signatures
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        var writer = WireWriter(
            kind: Self.kind, round: round,
            capacity: 16 + 4 * (selfMaskOwners.count + keyOwners.count) + 68 * signatures.count)
        writer.append(recipient)
        writer.append(ids: selfMaskOwners)
        writer.append(ids: keyOwners)
        writer.append(UInt32(signatures.count))
        for entry in signatures {
            writer.append(entry.client)
            writer.append(raw: entry.signature)
        }
        return writer.bytes
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try WireReader(bytes, expecting: Self.kind)
        recipient = try reader.read(UInt32.self)
        selfMaskOwners = try reader.readIDs()
        keyOwners = try reader.readIDs()
        let count = try reader.readCount(elementByteCount: 4 + SecAggKeys.signatureByteCount)
        var signatures: [SurvivorSignature] = []
        signatures.reserveCapacity(count)
        for _ in 0..<count {
            let client = try reader.read(UInt32.self)
            signatures.append(SurvivorSignature(client: client, signature: try reader.readRaw(SecAggKeys.signatureByteCount)))
        }
        self.signatures = signatures
        round = reader.round
        try reader.finish()
    }
}

/// A revealed Shamir share: the sender's share of `owner`'s secret.
public struct RevealedShare: Sendable, Equatable {
    /// The client whose secret this is a share of.
    public let owner: UInt32
    /// The share's field elements.
    public let values: [UInt64]

    /// A revealed share from its fields.
    public init(owner: UInt32, values: [UInt64]) {
        self.owner = owner
        self.values = values
    }

    static let encodedByteCount = 4 + 8 * Shamir.chunkCount
}

/// Stage 4, client → server: the revealed shares.
public struct UnmaskingResponse: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.unmaskingResponse
    /// The aggregation round this message belongs to.
    public let round: UInt64
    /// The revealing client (the holder of every share below).
    public let sender: UInt32
    /// Shares of survivors' self-mask seeds.
    public let selfMaskShares: [RevealedShare]
    /// Shares of dropped clients' masking keys.
    public let keyShares: [RevealedShare]

    /// A message from its fields.
    public init(round: UInt64, sender: UInt32, selfMaskShares: [RevealedShare], keyShares: [RevealedShare]) {
        self.round = round
        self.sender = sender
        self.selfMaskShares = selfMaskShares
        self.keyShares = keyShares
    }

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        var writer = WireWriter(
            kind: Self.kind, round: round,
            capacity: 12 + RevealedShare.encodedByteCount * (selfMaskShares.count + keyShares.count))
        writer.append(sender)
        for list in [selfMaskShares, keyShares] {
            writer.append(UInt32(list.count))
            for share in list {
                writer.append(share.owner)
                for value in share.values { writer.append(value) }
            }
        }
        return writer.bytes
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try WireReader(bytes, expecting: Self.kind)
        sender = try reader.read(UInt32.self)
        var lists: [[RevealedShare]] = []
        for _ in 0..<2 {
            let count = try reader.readCount(elementByteCount: RevealedShare.encodedByteCount)
            var list: [RevealedShare] = []
            list.reserveCapacity(count)
            for _ in 0..<count {
                let owner = try reader.read(UInt32.self)
                var values: [UInt64] = []
                for _ in 0..<Shamir.chunkCount { values.append(try reader.read(UInt64.self)) }
                list.append(RevealedShare(owner: owner, values: values))
            }
            lists.append(list)
        }
        selfMaskShares = lists[0]
        keyShares = lists[1]
        round = reader.round
        try reader.finish()
    }
}
