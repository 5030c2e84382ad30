import Sodium

/// One client of the Bonawitz et al. (CCS 2017) protocol, as an explicit state machine.
///
/// Each stage method consumes the server's message for that stage and returns the client's
/// reply; calls out of order, for another round or addressed to someone else throw and leave
/// the state unchanged. The client never reveals both the self-mask share and the key share
/// of the same peer: an unmasking request that would make it do so aborts the client.
///
/// The client is non-copyable: a copy would carry the same keys, shares and seeded generator,
/// so it could answer a second unmasking request (revealing the other share of a peer) and
/// replay nonces and polynomial coefficients. Hold it in one place (a variable, or a class
/// that owns it) and pass it `inout`.
public struct SecAggClient: ~Copyable, Sendable {
    /// Where the client is in the protocol.
    public enum State: Sendable, Equatable {
        case created, advertisedKeys, sharedKeys, sentMaskedInput, confirmedSurvivors, finished, aborted
    }

    /// This client's id.
    public let id: UInt32
    /// The round's public parameters.
    public let configuration: SecAggConfiguration
    /// The current state.
    public internal(set) var state = State.created
    /// Time spent expanding and applying the self mask and pairwise masks (one mask each).
    public internal(set) var maskingDuration = Duration.zero
    /// Bytes of keystream the masks consumed.
    public internal(set) var maskByteCount = 0

    let input: ModularVector
    let signingKey: Ed25519.SigningKey?
    let encryptionKey: X25519.PrivateKey
    let maskingKey: X25519.PrivateKey
    let selfMaskSeed: SecretBytes
    var random: ChaChaRandom
    var directory: [UInt32: AdvertiseKeys] = [:]
    /// Shares held for each peer (and for itself): (self-mask seed share, key share).
    var heldShares: [UInt32: (selfMask: [UInt64], key: [UInt64])] = [:]
    var survivors: [UInt32] = []

    /// A client with fresh keys from libsodium's CSPRNG.
    public init(id: UInt32, configuration: SecAggConfiguration, input: ModularVector, signingKey: Ed25519.SigningKey? = nil) throws(SecAggError) {
        var generator = SecureRandom()
        try self.init(id: id, configuration: configuration, input: input, signingKey: signingKey, using: &generator)
    }

    /// A client whose keys, self-mask seed, polynomials and nonces all come from `generator`
    /// (pass a seeded `ChaChaRandom` only for reproducible simulations).
    public init<R: RandomNumberGenerator>(
        id: UInt32, configuration: SecAggConfiguration, input: ModularVector,
        signingKey: Ed25519.SigningKey? = nil, using generator: inout R
    ) throws(SecAggError) {
        guard input.count == configuration.dimension, input.bitWidth == configuration.bitWidth else {
            throw .shapeMismatch("input \(input) does not match \(configuration.dimension) entries of \(configuration.bitWidth) bits")
        }
        if configuration.isAuthenticated {
            guard let signingKey else { throw .invalidParameter(name: "signingKey", reason: "authenticated mode needs the client's signing key") }
            guard try configuration.identity(of: id) == signingKey.verifyingKey else {
                throw .invalidParameter(name: "signingKey", reason: "signing key of client \(id) does not match its registered identity")
            }
        }
        var keyBytes = randomBytes(32 * 4, using: &generator)
        defer { SecureMemory.wipe(&keyBytes) }
        // Everything that can throw runs before the first stored property is set: a
        // non-copyable value cannot be left partly initialized on a throwing path.
        let encryptionKey = try sodium { () throws(SodiumError) in try X25519.PrivateKey(rawRepresentation: keyBytes[0..<32]) }
        let maskingKey = try sodium { () throws(SodiumError) in try X25519.PrivateKey(rawRepresentation: keyBytes[32..<64]) }
        let random = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: keyBytes[96..<128]) }
        self.id = id
        self.configuration = configuration
        self.input = input
        self.signingKey = configuration.isAuthenticated ? signingKey : nil
        self.encryptionKey = encryptionKey
        self.maskingKey = maskingKey
        selfMaskSeed = SecretBytes(keyBytes[64..<96])
        self.random = random
    }

    // MARK: Stage 0

    /// Stage 0: the client's public keys (signed in authenticated mode).
    public mutating func advertiseKeys() throws(SecAggError) -> AdvertiseKeys {
        try expect(.created, "AdvertiseKeys request")
        let statement = SecAggKeys.advertisementStatement(
            round: configuration.round, client: id, encryptionKey: encryptionKey.publicKey, maskingKey: maskingKey.publicKey)
        state = .advertisedKeys
        return AdvertiseKeys(
            round: configuration.round, sender: id, encryptionKey: encryptionKey.publicKey,
            maskingKey: maskingKey.publicKey, signature: signingKey?.signature(for: statement))
    }

    // MARK: Stage 1

    /// Stage 1: checks the neighbours' keys, then shares the self-mask seed and masking key.
    public mutating func shareKeys(_ message: KeyDirectory) throws(SecAggError) -> ShareKeys {
        try expect(.advertisedKeys, "\(KeyDirectory.kind)")
        try checkHeader(round: message.round, recipient: message.recipient)
        guard message.threshold == configuration.threshold else {
            throw .invalidParameter(name: "threshold", reason: "the server asks for threshold \(message.threshold), the round's is \(configuration.threshold)")
        }
        var entries: [UInt32: AdvertiseKeys] = [:]
        var seenKeys: Set<[UInt8]> = [encryptionKey.publicKey.rawRepresentation, maskingKey.publicKey.rawRepresentation]
        for entry in message.entries {
            guard entry.sender != id else { throw .malformedMessage("the directory lists the recipient itself") }
            guard configuration.admits(entry.sender, asNeighborOf: id) else {
                throw .malformedMessage("client \(entry.sender) is not a neighbour of client \(id) in the round's graph")
            }
            guard entry.round == configuration.round else { throw .wrongRound(expected: configuration.round, received: entry.round) }
            guard entries[entry.sender] == nil else { throw .duplicateMessage(sender: entry.sender) }
            // Distinct keys everywhere: a server replaying our own key back would otherwise
            // make us derive a mask or share key it can predict.
            guard seenKeys.insert(entry.encryptionKey.rawRepresentation).inserted,
                  seenKeys.insert(entry.maskingKey.rawRepresentation).inserted else {
                throw .malformedMessage("client \(entry.sender) advertises a key already in use")
            }
            try configuration.verify(
                entry.signature,
                of: SecAggKeys.advertisementStatement(
                    round: entry.round, client: entry.sender, encryptionKey: entry.encryptionKey, maskingKey: entry.maskingKey),
                by: entry.sender)
            entries[entry.sender] = entry
        }
        guard entries.count + 1 >= configuration.threshold else {
            throw .belowThreshold(stage: .shareKeys, available: entries.count + 1, threshold: configuration.threshold)
        }
        let holders = [id] + entries.keys.sorted()
        let maskingSecret = maskingKey.rawRepresentation
        let selfMaskShares = try Shamir.split(selfMaskSeed, threshold: configuration.threshold, participants: holders, using: &random)
        let keyShares = try Shamir.split(maskingSecret, threshold: configuration.threshold, participants: holders, using: &random)
        heldShares[id] = (selfMaskShares[0].values, keyShares[0].values)
        var encrypted: [EncryptedShare] = []
        encrypted.reserveCapacity(holders.count - 1)
        for index in 1..<holders.count {
            let peer = holders[index]
            let plaintext = SharePair(sender: id, receiver: peer, selfMaskShare: selfMaskShares[index].values, keyShare: keyShares[index].values)
            let key = try SecAggKeys.shareKey(encryptionKey, entries[peer]!.encryptionKey, round: configuration.round, id, peer)
            let nonceBytes = randomBytes(AEAD.XChaCha20Poly1305.nonceByteCount, using: &random)
            let associatedData = SecAggKeys.shareAssociatedData(round: configuration.round, sender: id, receiver: peer)
            var encoded = plaintext.encoded()
            defer { SecureMemory.wipe(&encoded) }
            let ciphertext = try sodium { () throws(SodiumError) in
                try AEAD.XChaCha20Poly1305.seal(
                    encoded, using: key, nonce: .init(rawRepresentation: nonceBytes), authenticating: associatedData
                ).combined
            }
            encrypted.append(EncryptedShare(peer: peer, ciphertext: ciphertext))
        }
        directory = entries
        state = .sharedKeys
        return ShareKeys(round: configuration.round, sender: id, shares: encrypted)
    }

    // MARK: Bytes

    /// The first message, encoded.
    public mutating func advertiseKeysMessage() throws(SecAggError) -> [UInt8] {
        try advertiseKeys().serialized()
    }

    /// Decodes a server message, runs the matching stage and encodes the reply.
    public mutating func respond(to bytes: [UInt8]) throws(SecAggError) -> [UInt8] {
        switch try SecAggWire.kind(of: bytes) {
        case .keyDirectory: return try shareKeys(KeyDirectory(serialized: bytes)).serialized()
        case .forwardedShares: return try maskedInput(ForwardedShares(serialized: bytes)).serialized()
        case .consistencyCheckRequest: return try consistencyCheck(ConsistencyCheckRequest(serialized: bytes)).serialized()
        case .unmaskingRequest: return try unmask(UnmaskingRequest(serialized: bytes)).serialized()
        case let kind: throw .unexpectedMessage(expected: "a server message", received: "\(kind)")
        }
    }

    // MARK: Checks

    func expect(_ expected: State, _ received: String) throws(SecAggError) {
        guard state == expected else {
            throw .unexpectedMessage(expected: "nothing in state \(state)", received: received)
        }
    }

    func checkHeader(round: UInt64, recipient: UInt32) throws(SecAggError) {
        guard round == configuration.round else { throw .wrongRound(expected: configuration.round, received: round) }
        guard recipient == id else { throw .misaddressed(expected: id, received: recipient) }
    }
}

/// `count` bytes from `generator`, little-endian words.
///
/// The words are written into the returned buffer itself (trimmed in place, never copied),
/// so callers that wipe the result leave no unwiped copy of key material behind.
func randomBytes<R: RandomNumberGenerator>(_ count: Int, using generator: inout R) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count { appendLE(generator.next(), to: &bytes) }
    bytes.removeLast(bytes.count - count)
    return bytes
}
