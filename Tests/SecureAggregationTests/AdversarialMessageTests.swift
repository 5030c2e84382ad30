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
        var client = harness.clients[message.recipient]!
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
        var client = harness.clients[message.recipient]!
        #expect(throws: SecAggError.self) {
            try client.maskedInput(ForwardedShares(round: message.round, recipient: message.recipient, shares: shares))
        }
    }

    @Test func misaddressedMessagesAreRejected() throws {
        var harness = try ProtocolHarness(clients: 5, threshold: 3)
        let directories = try harness.advertise()
        var other = harness.clients[directories[1].recipient]!
        #expect(throws: SecAggError.misaddressed(expected: directories[1].recipient, received: directories[0].recipient)) {
            try other.shareKeys(directories[0])
        }
        let forwarded = try harness.shareKeys(directories)
        // Client 11's shares re-addressed to client 10: its shares were sealed for 11.
        let stolen = ForwardedShares(round: 1, recipient: forwarded[0].recipient, shares: forwarded[1].shares.filter { $0.peer != forwarded[0].recipient })
        var victim = harness.clients[forwarded[0].recipient]!
        #expect(throws: SecAggError.self) { try victim.maskedInput(stolen) }
    }

    /// A message from another round is refused, and so is an old round's share re-sent under
    /// the new round's header (the share key and associated data bind the round).
    @Test func replaysFromAnotherRoundAreRejected() throws {
        var first = try ProtocolHarness(clients: 4, threshold: 3, round: 1, seed: 21)
        var second = try ProtocolHarness(clients: 4, threshold: 3, round: 2, seed: 21)
        let oldForwarded = try first.shareKeys(first.advertise())
        let newForwarded = try second.shareKeys(second.advertise())
        var client = second.clients[newForwarded[0].recipient]!
        #expect(throws: SecAggError.wrongRound(expected: 2, received: 1)) { try client.maskedInput(oldForwarded[0]) }
        let replayed = ForwardedShares(round: 2, recipient: oldForwarded[0].recipient, shares: oldForwarded[0].shares)
        #expect(throws: SecAggError.self) { try client.maskedInput(replayed) }
        #expect(throws: SecAggError.wrongRound(expected: 2, received: 1)) {
            try second.server.receive(bytes: MaskedInput(round: 1, sender: 10, vector: ModularVector(zeros: 6)).serialized())
        }
    }

    @Test func duplicatesAreRejectedByTheServer() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3)
        let advertisement = try harness.clients[10]!.advertiseKeys()
        try harness.server.receive(advertisement)
        #expect(throws: SecAggError.duplicateMessage(sender: 10)) { try harness.server.receive(advertisement) }
        for id in [11, 12, 13] as [UInt32] { try harness.server.receive(harness.clients[id]!.advertiseKeys()) }
        let directories = try harness.server.keyDirectories()
        let shares = try harness.clients[10]!.shareKeys(directories[0])
        try harness.server.receive(shares)
        #expect(throws: SecAggError.duplicateMessage(sender: 10)) { try harness.server.receive(shares) }
    }

    @Test func outOfStageAndUnknownSendersAreRejected() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3)
        var client = harness.clients[10]!
        #expect(throws: SecAggError.self) { try client.respond(to: ConsistencyCheckRequest(round: 1, recipient: 10, survivors: [10, 11, 12]).serialized()) }
        #expect(throws: SecAggError.self) { try harness.server.receive(MaskedInput(round: 1, sender: 10, vector: ModularVector(zeros: 6))) }
        let stranger = try SecAggClient(id: 99, configuration: harness.configuration, input: ModularVector(zeros: 6))
        var strangerCopy = stranger
        #expect(throws: SecAggError.unknownClient(99)) { try harness.server.receive(strangerCopy.advertiseKeys()) }
        #expect(throws: SecAggError.self) { try harness.server.receive(bytes: [0x53, 0x41, 1]) }
    }

    @Test func aServerReplayingAClientsOwnKeyIsRefused() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3)
        let directories = try harness.advertise()
        let victim = directories[0].recipient
        var entries = directories[0].entries
        let advertisement = try #require(directories[1].entries.first { $0.sender == victim })
        entries[0] = AdvertiseKeys(round: 1, sender: entries[0].sender, encryptionKey: advertisement.encryptionKey,
                                   maskingKey: advertisement.maskingKey, signature: nil)
        var client = harness.clients[victim]!
        #expect(throws: SecAggError.self) {
            try client.shareKeys(KeyDirectory(round: 1, recipient: victim, threshold: 3, entries: entries))
        }
        #expect(throws: SecAggError.self) {
            try client.shareKeys(KeyDirectory(round: 1, recipient: victim, threshold: 2, entries: directories[0].entries))
        }
    }
}
