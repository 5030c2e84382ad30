import SecureAggregation
import Sodium
import Testing

@Suite("Tampered, replayed, duplicated and misaddressed messages")
struct AdversarialMessageTests {
    @Test func tamperedShareCiphertextFailsAuthentication() throws {
        var harness = try ProtocolHarness(clients: 5, threshold: 3)
        let forwarded = try harness.shareKeys(harness.advertise())
        var message = forwarded[0]
        var share = message.shares[1]
        var ciphertext = share.ciphertext
        ciphertext[40] ^= 1
        share = EncryptedShare(peer: share.peer, ciphertext: ciphertext)
        var shares = message.shares
        shares[1] = share
        message = ForwardedShares(round: message.round, recipient: message.recipient, shares: shares)
        var client = harness.take(message.recipient)
        #expect(throws: SecAggError.decryptionFailed(sender: share.peer)) { try client.maskedInput(message) }
        // The untouched message still works: a failed attempt leaves the state unchanged.
        _ = try client.maskedInput(forwarded[0])
    }

    /// A share relabelled as coming from another sender fails: the key and associated data
    /// bind the (sender, receiver) pair.
    @Test func shareFromAnotherSenderIsRejected() throws {
        var harness = try ProtocolHarness(clients: 5, threshold: 3)
        let forwarded = try harness.shareKeys(harness.advertise())
        let message = forwarded[0]
        var shares = message.shares
        shares[0] = EncryptedShare(peer: shares[1].peer, ciphertext: shares[0].ciphertext)
        shares[1] = EncryptedShare(peer: message.shares[0].peer, ciphertext: message.shares[1].ciphertext)
        var client = harness.take(message.recipient)
        // The first share now claims the second's sender, whose key cannot open it.
        #expect(throws: SecAggError.decryptionFailed(sender: message.shares[1].peer)) {
            try client.maskedInput(ForwardedShares(round: message.round, recipient: message.recipient, shares: shares))
        }
    }

    /// A masked input rejected for its padding bits is refused before it touches the running
    /// sum: the inputs already summed survive and the round still ends with the exact sum.
    @Test func aRejectedMaskedInputLeavesTheRunningSumIntact() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3, dimension: 3, bitWidth: 20)
        let forwarded = try harness.shareKeys(harness.advertise())
        var late: [UInt8] = []
        for (index, message) in forwarded.enumerated() {
            let bytes = try harness.withClient(message.recipient) { try $0.maskedInput(message) }.serialized()
            if index == 1 { late = bytes; continue }
            try harness.server.receive(bytes: bytes)
        }
        var corrupt = late
        corrupt[corrupt.count - 1] |= 0x80  // 3 × 20 bits leave 4 padding bits in the last byte
        #expect(throws: SecAggError.malformedMessage("non-zero padding bits after the last entry")) {
            try harness.server.receive(bytes: corrupt)
        }
        try harness.server.receive(bytes: late)
        let requests = try harness.confirm(try harness.server.consistencyCheckRequests())
        #expect(try harness.unmask(requests) == harness.expectedSum(of: harness.ids))
    }

    /// With the graph in the round's configuration a client accepts keys only from its own
    /// neighbours: a server cannot hand it a directory of peers it picked.
    @Test func aDirectoryOfNonNeighboursIsRefused() throws {
        var harness = try ProtocolHarness(clients: 12, threshold: 3, degree: 4, authenticated: true)
        let graph = try #require(harness.configuration.graph)
        let target = harness.ids[0]
        let strangers = harness.ids.filter { $0 != target && !graph.areNeighbors(target, $0) }.prefix(4)
        var advertisements: [AdvertiseKeys] = []
        for id in strangers { advertisements.append(try harness.withClient(id) { try $0.advertiseKeys() }) }
        _ = try harness.withClient(target) { try $0.advertiseKeys() }
        let forged = KeyDirectory(round: 1, recipient: target, threshold: 3, entries: advertisements)
        #expect(throws: SecAggError.malformedMessage("client \(strangers.first!) is not a neighbour of client \(target) in the round's graph")) {
            try harness.withClient(target) { try $0.shareKeys(forged) }
        }
    }

    /// Authenticated SecAgg+ without a published graph would let the server choose each
    /// client's neighbours unchecked: refused.
    @Test func authenticatedSparseRoundsMustPublishTheirGraph() throws {
        #expect(throws: SecAggError.invalidParameter(name: "graph", reason: "authenticated SecAgg+ needs the neighbour graph in the round's configuration")) {
            try ProtocolHarness(clients: 12, threshold: 3, degree: 4, authenticated: true, publishGraph: false)
        }
        _ = try ProtocolHarness(clients: 12, threshold: 3, degree: 4, authenticated: false, publishGraph: false)
    }

    /// A client advertising a small-order key is turned away at stage 0 instead of making
    /// every neighbour's key agreement fail later; the others finish the round.
    @Test func smallOrderKeysAreRejectedAtAdvertisement() throws {
        var harness = try ProtocolHarness(clients: 5, threshold: 3)
        let ids = harness.ids
        let honest = try harness.withClient(ids[0]) { try $0.advertiseKeys() }
        let zero = try X25519.PublicKey(rawRepresentation: [UInt8](repeating: 0, count: 32))
        let hostile = AdvertiseKeys(round: 1, sender: ids[0], encryptionKey: zero, maskingKey: honest.maskingKey, signature: nil)
        #expect(throws: SecAggError.malformedMessage("client \(ids[0]) advertises a small-order X25519 key")) {
            try harness.server.receive(hostile)
        }
        for id in ids.dropFirst() { try harness.server.receive(harness.withClient(id) { try $0.advertiseKeys() }) }
        let directories = try harness.server.keyDirectories()
        #expect(directories.allSatisfy { $0.entries.allSatisfy { $0.sender != ids[0] } })
        let forwarded = try harness.shareKeys(directories)
        let requests = try harness.confirm(try harness.maskInputs(forwarded))
        #expect(try harness.unmask(requests) == harness.expectedSum(of: Array(ids.dropFirst())))
    }

    @Test func misaddressedMessagesAreRejected() throws {
        var harness = try ProtocolHarness(clients: 5, threshold: 3)
        let directories = try harness.advertise()
        var other = harness.take(directories[1].recipient)
        #expect(throws: SecAggError.misaddressed(expected: directories[1].recipient, received: directories[0].recipient)) {
            try other.shareKeys(directories[0])
        }
        harness.put(other)
        let forwarded = try harness.shareKeys(directories)
        // Client 11's shares re-addressed to client 10: its shares were sealed for 11.
        let stolen = ForwardedShares(round: 1, recipient: forwarded[0].recipient, shares: forwarded[1].shares.filter { $0.peer != forwarded[0].recipient })
        var victim = harness.take(forwarded[0].recipient)
        #expect(throws: SecAggError.decryptionFailed(sender: stolen.shares[0].peer)) { try victim.maskedInput(stolen) }
    }

    /// A message from another round is refused, and so is an old round's share re-sent under
    /// the new round's header (the share key and associated data bind the round).
    @Test func replaysFromAnotherRoundAreRejected() throws {
        var first = try ProtocolHarness(clients: 4, threshold: 3, round: 1, seed: 21)
        var second = try ProtocolHarness(clients: 4, threshold: 3, round: 2, seed: 21)
        let oldForwarded = try first.shareKeys(first.advertise())
        let newForwarded = try second.shareKeys(second.advertise())
        var client = second.take(newForwarded[0].recipient)
        #expect(throws: SecAggError.wrongRound(expected: 2, received: 1)) { try client.maskedInput(oldForwarded[0]) }
        let replayed = ForwardedShares(round: 2, recipient: oldForwarded[0].recipient, shares: oldForwarded[0].shares)
        #expect(throws: SecAggError.decryptionFailed(sender: replayed.shares[0].peer)) { try client.maskedInput(replayed) }
        #expect(throws: SecAggError.wrongRound(expected: 2, received: 1)) {
            try second.server.receive(bytes: MaskedInput(round: 1, sender: 10, vector: ModularVector(zeros: 6)).serialized())
        }
    }

    @Test func duplicatesAreRejectedByTheServer() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3)
        let advertisement = try harness.withClient(10) { try $0.advertiseKeys() }
        try harness.server.receive(advertisement)
        #expect(throws: SecAggError.duplicateMessage(sender: 10)) { try harness.server.receive(advertisement) }
        for id in [11, 12, 13] as [UInt32] { try harness.server.receive(harness.withClient(id) { try $0.advertiseKeys() }) }
        let directories = try harness.server.keyDirectories()
        let shares = try harness.withClient(10) { try $0.shareKeys(directories[0]) }
        try harness.server.receive(shares)
        #expect(throws: SecAggError.duplicateMessage(sender: 10)) { try harness.server.receive(shares) }
    }

    @Test func outOfStageAndUnknownSendersAreRejected() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3)
        var client = harness.take(10)
        #expect(throws: SecAggError.unexpectedMessage(expected: "nothing in state created", received: "ConsistencyCheckRequest")) {
            try client.respond(to: ConsistencyCheckRequest(round: 1, recipient: 10, survivors: [10, 11, 12]).serialized())
        }
        #expect(throws: SecAggError.unexpectedMessage(expected: "messages of stage AdvertiseKeys", received: "MaskedInput")) {
            try harness.server.receive(MaskedInput(round: 1, sender: 10, vector: ModularVector(zeros: 6)))
        }
        var stranger = try SecAggClient(id: 99, configuration: harness.configuration, input: ModularVector(zeros: 6))
        #expect(throws: SecAggError.unknownClient(99)) { try harness.server.receive(stranger.advertiseKeys()) }
        #expect(throws: SecAggError.malformedMessage("3 bytes is shorter than the 12-byte header")) {
            try harness.server.receive(bytes: [0x53, 0x41, 1])
        }
    }

    @Test func aServerReplayingAClientsOwnKeyIsRefused() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3)
        let directories = try harness.advertise()
        let victim = directories[0].recipient
        var entries = directories[0].entries
        let advertisement = try #require(directories[1].entries.first { $0.sender == victim })
        entries[0] = AdvertiseKeys(round: 1, sender: entries[0].sender, encryptionKey: advertisement.encryptionKey,
                                   maskingKey: advertisement.maskingKey, signature: nil)
        var client = harness.take(victim)
        #expect(throws: SecAggError.malformedMessage("client \(entries[0].sender) advertises a key already in use")) {
            try client.shareKeys(KeyDirectory(round: 1, recipient: victim, threshold: 3, entries: entries))
        }
        #expect(throws: SecAggError.invalidParameter(name: "threshold", reason: "the server asks for threshold 2, the round's is 3")) {
            try client.shareKeys(KeyDirectory(round: 1, recipient: victim, threshold: 2, entries: directories[0].entries))
        }
    }
}
