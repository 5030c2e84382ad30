import SecureAggregation
import Sodium

/// Drives n clients and a server stage by stage, so tests can intercept and alter messages.
struct ProtocolHarness {
    /// The one owner of a non-copyable client; empty while a test has taken it out.
    final class Slot {
        var client: SecAggClient?
        init(_ client: consuming SecAggClient) { self.client = consume client }
    }

    private var slots: [UInt32: Slot] = [:]
    var server: SecAggServer
    var inputs: [UInt32: ModularVector] = [:]
    let configuration: SecAggConfiguration
    let signingKeys: [UInt32: Ed25519.SigningKey]

    init(clients n: Int, threshold: Int, dimension: Int = 6, bitWidth: Int = 32, degree: Int? = nil,
         authenticated: Bool = false, publishGraph: Bool = true, round: UInt64 = 1, seed: UInt64 = 1) throws {
        var generator = ChaChaRandom(seed: seed)
        let ids = (0..<n).map { UInt32($0 + 10) }
        var keys: [UInt32: Ed25519.SigningKey] = [:]
        if authenticated {
            for id in ids { keys[id] = try Ed25519.SigningKey(seed: SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })) }
        }
        signingKeys = keys
        let graph = try degree.map { try SecAggPlusGraph(clientIDs: ids, degree: $0, using: &generator) } ?? .complete(clientIDs: ids)
        configuration = try SecAggConfiguration(
            round: round, threshold: threshold, bitWidth: bitWidth, dimension: dimension,
            identities: authenticated ? keys.mapValues(\.verifyingKey) : nil, graph: publishGraph ? graph : nil)
        server = try SecAggServer(configuration: configuration, graph: graph)
        for id in ids {
            let values = (0..<dimension).map { _ in generator.next() & (bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1) }
            let input = try ModularVector(values, bitWidth: bitWidth)
            inputs[id] = input
            var clientGenerator = ChaChaRandom(seed: UInt64(id) &* 1_000_003 &+ seed &* 7)
            slots[id] = Slot(try SecAggClient(id: id, configuration: configuration, input: input, signingKey: keys[id], using: &clientGenerator))
        }
    }

    var ids: [UInt32] { slots.keys.sorted() }

    /// Moves client `id` out of the harness (it cannot be copied); `put` hands it back.
    func take(_ id: UInt32) -> SecAggClient {
        guard let client = slots[id]?.client.take() else { preconditionFailure("client \(id) is not in the harness") }
        return client
    }

    /// Returns a client taken with `take`.
    func put(_ client: consuming SecAggClient) {
        let id = client.id
        slots[id]!.client = consume client
    }

    /// Runs `body` on client `id` in place.
    func withClient<R>(_ id: UInt32, _ body: (inout SecAggClient) throws -> R) throws -> R {
        var client = take(id)
        do {
            let result = try body(&client)
            put(client)
            return result
        } catch {
            put(client)
            throw error
        }
    }

    mutating func advertise(dropping dropped: Set<UInt32> = []) throws -> [KeyDirectory] {
        for id in ids where !dropped.contains(id) { try server.receive(withClient(id) { try $0.advertiseKeys() }) }
        return try server.keyDirectories()
    }

    mutating func shareKeys(_ directories: [KeyDirectory], dropping dropped: Set<UInt32> = []) throws -> [ForwardedShares] {
        for directory in directories where !dropped.contains(directory.recipient) {
            try server.receive(withClient(directory.recipient) { try $0.shareKeys(directory) })
        }
        return try server.forwardedShares()
    }

    mutating func maskInputs(_ forwarded: [ForwardedShares], dropping dropped: Set<UInt32> = []) throws -> [ConsistencyCheckRequest] {
        for message in forwarded where !dropped.contains(message.recipient) {
            try server.receive(withClient(message.recipient) { try $0.maskedInput(message) })
        }
        return try server.consistencyCheckRequests()
    }

    mutating func confirm(_ requests: [ConsistencyCheckRequest], dropping dropped: Set<UInt32> = []) throws -> [UnmaskingRequest] {
        for request in requests where !dropped.contains(request.recipient) {
            try server.receive(withClient(request.recipient) { try $0.consistencyCheck(request) })
        }
        return try server.unmaskingRequests()
    }

    mutating func unmask(_ requests: [UnmaskingRequest], dropping dropped: Set<UInt32> = []) throws -> ModularVector {
        for request in requests where !dropped.contains(request.recipient) {
            try server.receive(withClient(request.recipient) { try $0.unmask(request) })
        }
        return try server.aggregate()
    }

    /// Runs every stage with the given dropouts; returns the server's sum.
    mutating func run(dropouts: [SecAggStage: Set<UInt32>] = [:]) throws -> ModularVector {
        let directories = try advertise(dropping: dropouts[.advertiseKeys] ?? [])
        let forwarded = try shareKeys(directories, dropping: dropouts[.shareKeys] ?? [])
        let checks = try maskInputs(forwarded, dropping: dropouts[.maskedInputCollection] ?? [])
        let requests = try confirm(checks, dropping: dropouts[.consistencyCheck] ?? [])
        return try unmask(requests, dropping: dropouts[.unmasking] ?? [])
    }

    func expectedSum(of clients: [UInt32]) throws -> ModularVector {
        var sum = try ModularVector(zeros: configuration.dimension, bitWidth: configuration.bitWidth)
        for id in clients { try sum.add(inputs[id]!) }
        return sum
    }
}
