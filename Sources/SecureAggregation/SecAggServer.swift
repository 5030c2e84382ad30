import Sodium

/// The server of the Bonawitz et al. (CCS 2017) protocol, as an explicit state machine.
///
/// For each stage the server accepts the clients' messages (`receive`), then closes the
/// stage by producing the messages of the next one. It rejects messages from the wrong
/// stage or round, from clients that are not (or no longer) participants, and duplicates,
/// and aborts with `belowThreshold` when fewer than t clients remain. `aggregate()`
/// reconstructs the secrets it needs and removes the masks, spread over all cores.
public struct SecAggServer: Sendable {
    /// The round's public parameters.
    public let configuration: SecAggConfiguration
    /// The neighbour graph (complete for the original protocol, Harary for SecAgg+).
    public let graph: SecAggPlusGraph
    /// The stage whose client messages the server is collecting; nil once aggregated.
    public internal(set) var stage: SecAggStage? = .advertiseKeys
    /// Wall-clock time of the last `aggregate()` (reconstruction and unmasking).
    public internal(set) var unmaskingDuration = Duration.zero

    var advertisements: [UInt32: AdvertiseKeys] = [:]
    var directoryMembers: [UInt32: [UInt32]] = [:]
    var sharesFor: [UInt32: [EncryptedShare]] = [:]
    var shareSenders: Set<UInt32> = []
    /// Clients whose masked input arrived (U3 once stage 2 closes).
    var maskedSenders: Set<UInt32> = []
    /// Σ y_u over `maskedSenders`, accumulated on arrival so no input is stored.
    var maskedSum: ModularVector?
    var survivors: [UInt32] = []
    var confirmations: [UInt32: [UInt8]?] = [:]
    var requests: [UInt32: UnmaskingRequest] = [:]
    var responses: [UInt32: UnmaskingResponse] = [:]

    /// A server for `configuration` over `graph`.
    public init(configuration: SecAggConfiguration, graph: SecAggPlusGraph) throws(SecAggError) {
        guard configuration.threshold <= graph.degree + 1 else {
            throw .invalidParameter(name: "threshold", reason: "threshold \(configuration.threshold) exceeds the \(graph.degree + 1) holders of each client's shares")
        }
        if let published = configuration.graph, published != graph {
            throw .invalidParameter(name: "graph", reason: "the server's graph differs from the one in the round's configuration")
        }
        // Clients can only refuse a directory of hand-picked peers if they know the graph.
        if configuration.isAuthenticated, !graph.isComplete, configuration.graph == nil {
            throw .invalidParameter(name: "graph", reason: "authenticated SecAgg+ needs the neighbour graph in the round's configuration")
        }
        self.configuration = configuration
        self.graph = graph
    }

    // MARK: Stage 0

    /// Accepts a client's advertisement (checking its signature in authenticated mode).
    public mutating func receive(_ message: AdvertiseKeys) throws(SecAggError) {
        try expect(.advertiseKeys, message)
        guard graph.contains(message.sender) else { throw .unknownClient(message.sender) }
        guard advertisements[message.sender] == nil else { throw .duplicateMessage(sender: message.sender) }
        // Such a key would make every neighbour's agreement fail and abort the round for all.
        guard !message.encryptionKey.hasSmallOrder, !message.maskingKey.hasSmallOrder else {
            throw .malformedMessage("client \(message.sender) advertises a small-order X25519 key")
        }
        try configuration.verify(
            message.signature,
            of: SecAggKeys.advertisementStatement(
                round: message.round, client: message.sender, encryptionKey: message.encryptionKey, maskingKey: message.maskingKey),
            by: message.sender)
        advertisements[message.sender] = message
    }

    /// Closes stage 0: each advertised client gets its advertised neighbours' keys.
    public mutating func keyDirectories() throws(SecAggError) -> [KeyDirectory] {
        try close(.advertiseKeys, participants: advertisements.count)
        var directories: [KeyDirectory] = []
        for client in advertisements.keys.sorted() {
            let members = graph.neighbors(of: client).filter { advertisements[$0] != nil }
            guard members.count + 1 >= configuration.threshold else {
                throw .belowThreshold(stage: .advertiseKeys, available: members.count + 1, threshold: configuration.threshold)
            }
            directoryMembers[client] = members
            directories.append(KeyDirectory(
                round: configuration.round, recipient: client, threshold: configuration.threshold,
                entries: members.map { advertisements[$0]! }))
        }
        stage = .shareKeys
        return directories
    }

    // MARK: Stage 1

    /// Accepts a client's encrypted shares: exactly one for each member of its directory.
    public mutating func receive(_ message: ShareKeys) throws(SecAggError) {
        try expect(.shareKeys, message)
        guard let members = directoryMembers[message.sender] else { throw .unknownClient(message.sender) }
        guard !shareSenders.contains(message.sender) else { throw .duplicateMessage(sender: message.sender) }
        guard message.shares.map(\.peer).sorted() == members else {
            throw .malformedMessage("client \(message.sender) must send one share to each of its \(members.count) neighbours")
        }
        guard message.shares.allSatisfy({ $0.ciphertext.count == EncryptedShare.ciphertextByteCount }) else {
            throw .malformedMessage("encrypted shares are \(EncryptedShare.ciphertextByteCount) bytes")
        }
        shareSenders.insert(message.sender)
        for share in message.shares {
            sharesFor[share.peer, default: []].append(EncryptedShare(peer: message.sender, ciphertext: share.ciphertext))
        }
    }

    /// Closes stage 1: each client that shared gets the shares its neighbours made for it.
    public mutating func forwardedShares() throws(SecAggError) -> [ForwardedShares] {
        try close(.shareKeys, participants: shareSenders.count)
        var messages: [ForwardedShares] = []
        for client in shareSenders.sorted() {
            let shares = (sharesFor[client] ?? []).filter { shareSenders.contains($0.peer) }.sorted { $0.peer < $1.peer }
            guard shares.count + 1 >= configuration.threshold else {
                throw .belowThreshold(stage: .shareKeys, available: shares.count + 1, threshold: configuration.threshold)
            }
            messages.append(ForwardedShares(round: configuration.round, recipient: client, shares: shares))
        }
        sharesFor = [:]
        stage = .maskedInputCollection
        return messages
    }

    // MARK: Stage 2

    /// Accepts a client's masked input and adds it to the running sum.
    public mutating func receive(_ message: MaskedInput) throws(SecAggError) {
        try accept(MaskedInput.Header(round: message.round, sender: message.sender, bitWidth: message.vector.bitWidth,
                                      count: message.vector.count, payload: 0..<0)) { sum throws(SecAggError) in
            try sum.add(message.vector)
        }
    }

    /// Checks a masked input's header, then lets `add` fold its vector into the running sum.
    private mutating func accept(
        _ header: MaskedInput.Header, _ add: (inout ModularVector) throws(SecAggError) -> Void
    ) throws(SecAggError) {
        guard stage == .maskedInputCollection else {
            throw .unexpectedMessage(expected: stage.map { "messages of stage \($0)" } ?? "nothing (aggregated)", received: "\(MaskedInput.kind)")
        }
        guard header.round == configuration.round else { throw .wrongRound(expected: configuration.round, received: header.round) }
        guard shareSenders.contains(header.sender) else { throw .unknownClient(header.sender) }
        guard !maskedSenders.contains(header.sender) else { throw .duplicateMessage(sender: header.sender) }
        guard header.count == configuration.dimension, header.bitWidth == configuration.bitWidth else {
            throw .shapeMismatch("masked input of \(header.count) entries of \(header.bitWidth) bits from client \(header.sender) does not match the round")
        }
        var sum: ModularVector
        if let running = maskedSum { sum = running } else { sum = try ModularVector(zeros: configuration.dimension, bitWidth: configuration.bitWidth) }
        maskedSum = nil  // keep the running sum uniquely referenced while adding
        do {
            try add(&sum)
        } catch {
            // A rejected input must not cost the inputs already summed. Both add paths
            // validate before they write, so `sum` is still the running sum here.
            maskedSum = sum
            throw error
        }
        maskedSum = sum
        maskedSenders.insert(header.sender)
    }

    /// Closes stage 2: every client whose input arrived is asked to confirm the list U3.
    public mutating func consistencyCheckRequests() throws(SecAggError) -> [ConsistencyCheckRequest] {
        try close(.maskedInputCollection, participants: maskedSenders.count)
        survivors = maskedSenders.sorted()
        stage = .consistencyCheck
        return survivors.map { ConsistencyCheckRequest(round: configuration.round, recipient: $0, survivors: survivors) }
    }

    // MARK: Stage 3

    /// Accepts a client's confirmation (checking its signature in authenticated mode).
    public mutating func receive(_ message: ConsistencyCheckResponse) throws(SecAggError) {
        try expect(.consistencyCheck, message)
        guard maskedSenders.contains(message.sender) else { throw .unknownClient(message.sender) }
        guard confirmations[message.sender] == nil else { throw .duplicateMessage(sender: message.sender) }
        try configuration.verify(
            message.signature, of: SecAggKeys.consistencyStatement(round: configuration.round, survivors: survivors),
            by: message.sender)
        confirmations[message.sender] = .some(message.signature)
    }

    /// Closes stage 3: asks each confirming client for the self-mask shares of surviving
    /// neighbours and the key shares of neighbours that dropped after sharing keys.
    public mutating func unmaskingRequests() throws(SecAggError) -> [UnmaskingRequest] {
        try close(.consistencyCheck, participants: confirmations.count)
        let signatures = confirmations.keys.sorted().compactMap { client in
            confirmations[client]!.map { SurvivorSignature(client: client, signature: $0) }
        }
        for client in confirmations.keys.sorted() {
            let neighbours = graph.neighbors(of: client)
            var selfMaskOwners = neighbours.filter { maskedSenders.contains($0) }
            selfMaskOwners.append(client)
            selfMaskOwners.sort()
            let keyOwners = neighbours.filter { shareSenders.contains($0) && !maskedSenders.contains($0) }
            requests[client] = UnmaskingRequest(
                round: configuration.round, recipient: client, selfMaskOwners: selfMaskOwners, keyOwners: keyOwners,
                signatures: signatures)
        }
        stage = .unmasking
        return requests.keys.sorted().map { requests[$0]! }
    }

    /// The survivors U3 whose inputs the sum contains (known after stage 2 closes).
    public var includedClients: [UInt32] { survivors }

    // MARK: Bytes

    /// Decodes a client message and accepts it.
    public mutating func receive(bytes: [UInt8]) throws(SecAggError) {
        switch try SecAggWire.kind(of: bytes) {
        case .advertiseKeys: try receive(AdvertiseKeys(serialized: bytes))
        case .shareKeys: try receive(ShareKeys(serialized: bytes))
        case .maskedInput:
            // Fold the packed payload straight into the sum: no per-client vector is allocated.
            let header = try MaskedInput.Header(decoding: bytes)
            try accept(header) { sum throws(SecAggError) in try sum.addPacked(bytes[header.payload]) }
        case .consistencyCheckResponse: try receive(ConsistencyCheckResponse(serialized: bytes))
        case .unmaskingResponse: try receive(UnmaskingResponse(serialized: bytes))
        case let kind: throw .unexpectedMessage(expected: "a client message", received: "\(kind)")
        }
    }

    // MARK: Checks

    func expect<M: SecAggMessage>(_ expected: SecAggStage, _ message: M) throws(SecAggError) {
        guard stage == expected else {
            throw .unexpectedMessage(expected: stage.map { "messages of stage \($0)" } ?? "nothing (aggregated)", received: "\(M.kind)")
        }
        guard message.round == configuration.round else { throw .wrongRound(expected: configuration.round, received: message.round) }
    }

    func close(_ expected: SecAggStage, participants: Int) throws(SecAggError) {
        guard stage == expected else {
            throw .unexpectedMessage(expected: stage.map { "closing stage \($0)" } ?? "nothing (aggregated)", received: "closing stage \(expected)")
        }
        guard participants >= configuration.threshold else {
            throw .belowThreshold(stage: expected, available: participants, threshold: configuration.threshold)
        }
    }
}
