import Sodium

/// One client of the Bonawitz et al. (CCS 2017) protocol, as an explicit state machine.
///
/// Each stage method consumes the server's message for that stage and returns the client's
/// reply; calls out of order, for another round or addressed to someone else throw and leave
/// the state unchanged. The client never reveals both the self-mask share and the key share
/// of the same peer: an unmasking request that would make it do so aborts the client.
public struct SecAggClient: Sendable {
    /// Where the client is in the protocol.
    public enum State: Sendable, Equatable {
        case created, advertisedKeys, sharedKeys, sentMaskedInput, confirmedSurvivors, finished, aborted
    }

    /// This client's id.
    public let id: UInt32
    /// The round's public parameters.
    public let configuration: SecAggConfiguration
    /// The current state.
    public private(set) var state = State.created
    /// Time spent expanding and applying the self mask and pairwise masks (one mask each).
    public private(set) var maskingDuration = Duration.zero
    /// Bytes of keystream the masks consumed.
    public private(set) var maskByteCount = 0

    private let input: ModularVector
    private let signingKey: Ed25519.SigningKey?
    private let encryptionKey: X25519.PrivateKey
    private let maskingKey: X25519.PrivateKey
    private let selfMaskSeed: SecretBytes
    private var random: ChaChaRandom
    private var directory: [UInt32: AdvertiseKeys] = [:]
    /// Shares held for each peer (and for itself): (self-mask seed share, key share).
    private var heldShares: [UInt32: (selfMask: [UInt64], key: [UInt64])] = [:]
    private var survivors: [UInt32] = []

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
            guard let signingKey else { throw .invalidParameter("authenticated mode needs the client's signing key") }
            guard try configuration.identity(of: id) == signingKey.verifyingKey else {
                throw .invalidParameter("signing key of client \(id) does not match its registered identity")
            }
        }
        self.id = id
        self.configuration = configuration
        self.input = input
        self.signingKey = configuration.isAuthenticated ? signingKey : nil
        var keyBytes = randomBytes(32 * 4, using: &generator)
        defer { for index in keyBytes.indices { keyBytes[index] = 0 } }
        encryptionKey = try sodium { () throws(SodiumError) in try X25519.PrivateKey(rawRepresentation: keyBytes[0..<32]) }
        maskingKey = try sodium { () throws(SodiumError) in try X25519.PrivateKey(rawRepresentation: keyBytes[32..<64]) }
        selfMaskSeed = SecretBytes(keyBytes[64..<96])
        random = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: keyBytes[96..<128]) }
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
            throw .invalidParameter("the server asks for threshold \(message.threshold), the round's is \(configuration.threshold)")
        }
        var entries: [UInt32: AdvertiseKeys] = [:]
        var seenKeys: Set<[UInt8]> = [encryptionKey.publicKey.rawRepresentation, maskingKey.publicKey.rawRepresentation]
        for entry in message.entries {
            guard entry.sender != id else { throw .malformedMessage("the directory lists the recipient itself") }
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
            let nonce = randomBytes(AEAD.XChaCha20Poly1305.nonceByteCount, using: &random)
            let associatedData = SecAggKeys.shareAssociatedData(round: configuration.round, sender: id, receiver: peer)
            let ciphertext = try sodium { () throws(SodiumError) in
                try AEAD.XChaCha20Poly1305.seal(plaintext.encoded(), key: key, nonce: nonce, associatedData: associatedData)
            }
            encrypted.append(EncryptedShare(peer: peer, ciphertext: ciphertext))
        }
        directory = entries
        state = .sharedKeys
        return ShareKeys(round: configuration.round, sender: id, shares: encrypted)
    }

    // MARK: Stage 2

    /// Stage 2: opens the neighbours' shares and returns the double-masked input.
    public mutating func maskedInput(_ message: ForwardedShares) throws(SecAggError) -> MaskedInput {
        try expect(.sharedKeys, "\(ForwardedShares.kind)")
        try checkHeader(round: message.round, recipient: message.recipient)
        var received: [UInt32: (selfMask: [UInt64], key: [UInt64])] = [:]
        for share in message.shares {
            guard let entry = directory[share.peer] else { throw .unknownClient(share.peer) }
            guard received[share.peer] == nil else { throw .duplicateMessage(sender: share.peer) }
            let key = try SecAggKeys.shareKey(encryptionKey, entry.encryptionKey, round: configuration.round, id, share.peer)
            let associatedData = SecAggKeys.shareAssociatedData(round: configuration.round, sender: share.peer, receiver: id)
            let plaintext: [UInt8]
            do {
                plaintext = try AEAD.XChaCha20Poly1305.open(share.ciphertext, key: key, associatedData: associatedData)
            } catch {
                throw .decryptionFailed(sender: share.peer)
            }
            let pair = try SharePair(decoding: plaintext)
            guard pair.sender == share.peer, pair.receiver == id else { throw .misaddressed(expected: id, received: pair.receiver) }
            _ = try Shamir.Share(participant: id, values: pair.selfMaskShare)
            _ = try Shamir.Share(participant: id, values: pair.keyShare)
            received[share.peer] = (pair.selfMaskShare, pair.keyShare)
        }
        guard received.count + 1 >= configuration.threshold else {
            throw .belowThreshold(stage: .maskedInputCollection, available: received.count + 1, threshold: configuration.threshold)
        }
        let peers = received.keys.sorted()
        var seeds: [SecretBytes] = []
        seeds.reserveCapacity(peers.count)
        for peer in peers {
            seeds.append(try SecAggKeys.pairwiseSeed(maskingKey, directory[peer]!.maskingKey, round: configuration.round, id, peer))
        }
        var masked = input
        let clock = ContinuousClock()
        let start = clock.now
        var selfMask = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: selfMaskSeed) }
        masked.applyMask(from: &selfMask, subtracting: false)
        for (peer, seed) in zip(peers, seeds) {
            var generator = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: seed) }
            masked.applyMask(from: &generator, subtracting: id > peer)
        }
        maskingDuration = clock.now - start
        maskByteCount = masked.maskByteCount * (peers.count + 1)
        for (peer, shares) in received { heldShares[peer] = shares }
        state = .sentMaskedInput
        return MaskedInput(round: configuration.round, sender: id, vector: masked)
    }

    // MARK: Stage 3

    /// Stage 3: records the survivors list and confirms it (signed in authenticated mode).
    public mutating func consistencyCheck(_ message: ConsistencyCheckRequest) throws(SecAggError) -> ConsistencyCheckResponse {
        try expect(.sentMaskedInput, "\(ConsistencyCheckRequest.kind)")
        try checkHeader(round: message.round, recipient: message.recipient)
        guard zip(message.survivors, message.survivors.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .malformedMessage("survivors must be ascending and distinct")
        }
        guard message.survivors.count >= configuration.threshold else {
            throw .belowThreshold(stage: .consistencyCheck, available: message.survivors.count, threshold: configuration.threshold)
        }
        survivors = message.survivors
        state = .confirmedSurvivors
        let statement = SecAggKeys.consistencyStatement(round: configuration.round, survivors: survivors)
        return ConsistencyCheckResponse(round: configuration.round, sender: id, signature: signingKey?.signature(for: statement))
    }

    // MARK: Stage 4

    /// Stage 4: reveals self-mask shares of survivors and key shares of dropped neighbours.
    ///
    /// Refuses (and aborts) when the request would reveal both shares of one peer: a key share
    /// of a client the survivors list names, or the same peer in both lists.
    public mutating func unmask(_ message: UnmaskingRequest) throws(SecAggError) -> UnmaskingResponse {
        try expect(.confirmedSurvivors, "\(UnmaskingRequest.kind)")
        try checkHeader(round: message.round, recipient: message.recipient)
        let survivorSet = Set(survivors)
        if configuration.isAuthenticated {
            let statement = SecAggKeys.consistencyStatement(round: configuration.round, survivors: survivors)
            var signers = Set<UInt32>()
            for entry in message.signatures {
                guard survivorSet.contains(entry.client) else { throw .unknownClient(entry.client) }
                guard signers.insert(entry.client).inserted else { throw .duplicateMessage(sender: entry.client) }
                try configuration.verify(entry.signature, of: statement, by: entry.client)
            }
            guard signers.count >= configuration.threshold else {
                throw .belowThreshold(stage: .unmasking, available: signers.count, threshold: configuration.threshold)
            }
        }
        let selfMaskOwners = Set(message.selfMaskOwners), keyOwners = Set(message.keyOwners)
        guard selfMaskOwners.count == message.selfMaskOwners.count, keyOwners.count == message.keyOwners.count else {
            throw .malformedMessage("an owner is listed twice")
        }
        if let peer = message.keyOwners.first(where: { selfMaskOwners.contains($0) || survivorSet.contains($0) }) {
            state = .aborted
            throw .refusedToRevealBothShares(peer: peer)
        }
        if let peer = message.selfMaskOwners.first(where: { !survivorSet.contains($0) }) {
            throw .invalidUnmaskingRequest("client \(peer) is not in the survivors list this client confirmed")
        }
        var selfMaskShares: [RevealedShare] = [], keyShares: [RevealedShare] = []
        for owner in message.selfMaskOwners {
            guard let held = heldShares[owner] else { throw .unknownClient(owner) }
            selfMaskShares.append(RevealedShare(owner: owner, values: held.selfMask))
        }
        for owner in message.keyOwners {
            guard let held = heldShares[owner] else { throw .unknownClient(owner) }
            keyShares.append(RevealedShare(owner: owner, values: held.key))
        }
        state = .finished
        heldShares = [:]
        return UnmaskingResponse(round: configuration.round, sender: id, selfMaskShares: selfMaskShares, keyShares: keyShares)
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

    private func expect(_ expected: State, _ received: String) throws(SecAggError) {
        guard state == expected else {
            throw .unexpectedMessage(expected: "nothing in state \(state)", received: received)
        }
    }

    private func checkHeader(round: UInt64, recipient: UInt32) throws(SecAggError) {
        guard round == configuration.round else { throw .wrongRound(expected: configuration.round, received: round) }
        guard recipient == id else { throw .misaddressed(expected: id, received: recipient) }
    }
}

/// `count` bytes from `generator`, little-endian words.
func randomBytes<R: RandomNumberGenerator>(_ count: Int, using generator: inout R) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + 8)
    while bytes.count < count { appendLE(generator.next(), to: &bytes) }
    return Array(bytes.prefix(count))
}
