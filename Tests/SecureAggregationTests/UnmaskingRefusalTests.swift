import Foundation
import SecureAggregation
import Sodium
import Testing

@Suite("An honest client never reveals both shares of a peer")
struct UnmaskingRefusalTests {
    /// Runs to the unmasking stage with client 10 dropped after ShareKeys.
    static func requests() throws -> (ProtocolHarness, [UnmaskingRequest]) {
        var harness = try ProtocolHarness(clients: 6, threshold: 3, seed: 31)
        let forwarded = try harness.shareKeys(harness.advertise())
        let checks = try harness.maskInputs(forwarded, dropping: [10])
        let requests = try harness.confirm(checks)
        return (harness, requests)
    }

    @Test func keyShareOfASurvivorIsRefused() throws {
        let (harness, requests) = try Self.requests()
        let request = requests[0]
        var client = harness.take(request.recipient)
        let survivor = request.selfMaskOwners.first { $0 != request.recipient }!
        let greedy = UnmaskingRequest(round: 1, recipient: request.recipient, selfMaskOwners: request.selfMaskOwners,
                                      keyOwners: request.keyOwners + [survivor], signatures: [])
        #expect(throws: SecAggError.refusedToRevealBothShares(peer: survivor)) { try client.unmask(greedy) }
        #expect(client.state == .aborted)
        #expect(throws: SecAggError.unexpectedMessage(expected: "nothing in state aborted", received: "UnmaskingRequest")) {
            try client.unmask(request)
        }
    }

    @Test func bothSharesOfADroppedClientAreRefused() throws {
        let (harness, requests) = try Self.requests()
        let request = requests[0]
        #expect(request.keyOwners == [10])
        var client = harness.take(request.recipient)
        let greedy = UnmaskingRequest(round: 1, recipient: request.recipient, selfMaskOwners: (request.selfMaskOwners + [10]).sorted(),
                                      keyOwners: [10], signatures: [])
        #expect(throws: SecAggError.refusedToRevealBothShares(peer: 10)) { try client.unmask(greedy) }
    }

    @Test func selfMaskShareOfANonSurvivorIsRefused() throws {
        let (harness, requests) = try Self.requests()
        let request = requests[0]
        var client = harness.take(request.recipient)
        let sly = UnmaskingRequest(round: 1, recipient: request.recipient, selfMaskOwners: (request.selfMaskOwners + [10]).sorted(),
                                   keyOwners: [], signatures: [])
        #expect(throws: SecAggError.invalidUnmaskingRequest("client 10 is not in the survivors list this client confirmed")) {
            try client.unmask(sly)
        }
    }

    /// The client cannot be copied (`SecAggClient` is `~Copyable`), so the state checked here
    /// is the only state there is: no duplicate can answer the request a second time.
    @Test func aSecondRequestIsRefused() throws {
        let (harness, requests) = try Self.requests()
        var client = harness.take(requests[0].recipient)
        _ = try client.unmask(requests[0])
        #expect(throws: SecAggError.unexpectedMessage(expected: "nothing in state finished", received: "UnmaskingRequest")) {
            try client.unmask(requests[0])
        }
    }

    @Test func honestRequestsSucceed() throws {
        var (harness, requests) = try Self.requests()
        let sum = try harness.unmask(requests)
        #expect(sum == (try harness.expectedSum(of: [11, 12, 13, 14, 15])))
    }
}

@Suite("Authenticated mode")
struct AuthenticatedModeTests {
    @Test func forgedAdvertisementIsRejectedByServerAndClients() throws {
        var harness = try ProtocolHarness(clients: 4, threshold: 3, authenticated: true, seed: 41)
        var client = harness.take(10)
        let genuine = try client.advertiseKeys()
        let forged = AdvertiseKeys(round: 1, sender: 10, encryptionKey: X25519.PrivateKey().publicKey,
                                   maskingKey: genuine.maskingKey, signature: genuine.signature)
        #expect(throws: SecAggError.invalidSignature(client: 10)) { try harness.server.receive(forged) }
        let unsigned = AdvertiseKeys(round: 1, sender: 10, encryptionKey: genuine.encryptionKey, maskingKey: genuine.maskingKey, signature: nil)
        #expect(throws: SecAggError.invalidSignature(client: 10)) { try harness.server.receive(unsigned) }
        try harness.server.receive(genuine)
        for id in [11, 12, 13] as [UInt32] { try harness.server.receive(harness.withClient(id) { try $0.advertiseKeys() }) }
        let directories = try harness.server.keyDirectories()
        // A server substituting a key in a directory is caught by the recipient.
        var entries = directories[1].entries
        entries[0] = forged
        var recipient = harness.take(directories[1].recipient)
        #expect(throws: SecAggError.invalidSignature(client: 10)) {
            try recipient.shareKeys(KeyDirectory(round: 1, recipient: directories[1].recipient, threshold: 3, entries: entries))
        }
    }

    @Test func consistencySignaturesAreChecked() throws {
        var harness = try ProtocolHarness(clients: 5, threshold: 3, authenticated: true, seed: 42)
        let forwarded = try harness.shareKeys(harness.advertise())
        let checks = try harness.maskInputs(forwarded)
        let requests = try harness.confirm(checks)
        var client = harness.take(requests[0].recipient)
        var signatures = requests[0].signatures
        signatures[1] = SurvivorSignature(client: signatures[1].client, signature: [UInt8](repeating: 0, count: 64))
        let forged = UnmaskingRequest(round: 1, recipient: requests[0].recipient, selfMaskOwners: requests[0].selfMaskOwners,
                                      keyOwners: requests[0].keyOwners, signatures: signatures)
        #expect(throws: SecAggError.invalidSignature(client: signatures[1].client)) { try client.unmask(forged) }
        let tooFew = UnmaskingRequest(round: 1, recipient: requests[0].recipient, selfMaskOwners: requests[0].selfMaskOwners,
                                      keyOwners: requests[0].keyOwners, signatures: Array(requests[0].signatures.prefix(2)))
        #expect(throws: SecAggError.belowThreshold(stage: .unmasking, available: 2, threshold: 3)) { try client.unmask(tooFew) }
        // Refused requests leave the client as it was: back in the harness, it finishes the round.
        harness.put(client)
        #expect(try harness.unmask(requests) == (try harness.expectedSum(of: harness.ids)))
    }

    /// A client the survivors list calls dropped refuses to confirm it: otherwise a server could
    /// declare a client's neighbours dropped and still collect their shares of it.
    @Test func aClientLeftOffTheSurvivorsListRefusesToConfirm() throws {
        var harness = try ProtocolHarness(clients: 5, threshold: 3, authenticated: true, seed: 43)
        let checks = try harness.maskInputs(try harness.shareKeys(harness.advertise()))
        let target = checks[0].recipient
        let shortened = ConsistencyCheckRequest(round: 1, recipient: target, survivors: checks[0].survivors.filter { $0 != target })
        #expect(throws: SecAggError.malformedMessage("the survivors list omits this client, which did send its masked input")) {
            try harness.withClient(target) { try $0.consistencyCheck(shortened) }
        }
    }

    /// In a sparse round only the holders of a client's shares vouch for its survivors list:
    /// t signatures gathered elsewhere in the round do not count.
    @Test func onlyShareHoldersSignaturesCountTowardTheThreshold() throws {
        var harness = try ProtocolHarness(clients: 12, threshold: 3, degree: 4, authenticated: true, seed: 44)
        let graph = try #require(harness.configuration.graph)
        let requests = try harness.confirm(try harness.maskInputs(try harness.shareKeys(harness.advertise())))
        let request = requests[0], target = request.recipient
        let strangers = request.signatures.filter { $0.client != target && !graph.areNeighbors(target, $0.client) }
        #expect(strangers.count >= 3)
        let fromStrangers = UnmaskingRequest(
            round: 1, recipient: target, selfMaskOwners: request.selfMaskOwners, keyOwners: request.keyOwners, signatures: strangers)
        #expect(throws: SecAggError.belowThreshold(stage: .unmasking, available: 0, threshold: 3)) {
            try harness.withClient(target) { try $0.unmask(fromStrangers) }
        }
        #expect(try harness.unmask(requests) == (try harness.expectedSum(of: harness.ids)))
    }

    /// At t = k + 1 the double-signing count 2t − k − 1 exceeds k, but a server reporting all
    /// honest holders dropped needs only t − 1 corrupt ones: the margin must reflect that.
    @Test func fullThresholdMarginCountsTheIsolationAttack() {
        // Complete graph of 12 (no connectivity term): all 11 other holders corrupt, P = 0.1^11.
        let margins = SecAggPlusParameters.margins(
            degree: 11, threshold: 12, clientCount: 12, dropoutFraction: 0.1, corruptFraction: 0.1, authenticated: true)
        #expect(abs(margins.securityBits - (11 * log2(10.0) - log2(12.0))) < 1e-9)
    }

    @Test func clientsNeedTheirRegisteredKey() throws {
        let harness = try ProtocolHarness(clients: 3, threshold: 2, authenticated: true)
        #expect(throws: SecAggError.invalidParameter(name: "signingKey", reason: "signing key of client 10 does not match its registered identity")) {
            try SecAggClient(id: 10, configuration: harness.configuration, input: ModularVector(zeros: 6), signingKey: Ed25519.SigningKey())
        }
        #expect(throws: SecAggError.invalidParameter(name: "signingKey", reason: "authenticated mode needs the client's signing key")) {
            try SecAggClient(id: 10, configuration: harness.configuration, input: ModularVector(zeros: 6))
        }
    }
}
