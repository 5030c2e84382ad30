internal import ParallelWork
import Sodium

/// Runs n clients and the server in one process through the real encoded messages, with a
/// dropout schedule, spreading the clients of each stage over all cores.
public enum SecAggSimulation {
    /// What to simulate.
    public struct Parameters: Sendable {
        /// Number of clients n; their ids are 0 ..< n.
        public var clientCount: Int
        /// Graph degree k; nil or n − 1 for the complete graph (the original protocol).
        public var degree: Int?
        /// Shamir threshold t.
        public var threshold: Int
        /// Entries per input vector.
        public var dimension: Int
        /// Bit width b of Z_{2^b}.
        public var bitWidth: Int = 32
        /// Sign AdvertiseKeys and the consistency check with Ed25519 (the active setting).
        public var authenticated = false
        /// Round number bound into every key and message.
        public var round: UInt64 = 1
        /// Seed of the inputs, keys, graph and nonces, for a reproducible run; nil draws the
        /// keys, graph and nonces from a fresh CSPRNG key (and the inputs from a random seed).
        public var seed: UInt64?
        /// Clients that vanish at each stage: they never send that stage's message or any later one.
        public var dropouts: [SecAggStage: Set<UInt32>] = [:]

        /// Parameters with no dropouts.
        public init(clientCount: Int, degree: Int? = nil, threshold: Int, dimension: Int, bitWidth: Int = 32) {
            self.clientCount = clientCount
            self.degree = degree
            self.threshold = threshold
            self.dimension = dimension
            self.bitWidth = bitWidth
        }
    }

    /// What happened.
    public struct Report: Sendable {
        /// The server's output.
        public let sum: ModularVector
        /// The sum of the included clients' inputs, computed in the clear.
        public let expectedSum: ModularVector
        /// The clients whose inputs the server summed (U3).
        public let includedClients: [UInt32]
        /// Mean wall time of one client's whole protocol (decode, compute, encode; all stages).
        public let clientSeconds: Double
        /// Mean time of one client's mask expansion and application.
        public let clientMaskSeconds: Double
        /// Mean keystream bytes one client's masks consumed.
        public let maskBytesPerClient: Int
        /// The server's total time (receiving, checking, forwarding, reconstructing, unmasking).
        public let serverSeconds: Double
        /// The server's reconstruction and unmasking time (`aggregate()`).
        public let serverUnmaskSeconds: Double
        /// Mean bytes sent by a client that finished the protocol.
        public let uploadBytesPerClient: Double
        /// Mean bytes received by a client that finished the protocol.
        public let downloadBytesPerClient: Double
        /// Wall time of the whole simulation.
        public let totalSeconds: Double

        /// Whether the unmasked sum equals the clear sum, entry by entry.
        public var sumVerified: Bool { sum == expectedSum }
    }

    /// Runs the protocol; throws the server's or a client's typed error when it aborts.
    public static func run(_ parameters: Parameters) throws(SecAggError) -> Report {
        let clock = ContinuousClock()
        let started = clock.now
        let n = parameters.clientCount
        guard n >= 2 else { throw .invalidParameter(name: "clients", reason: "a simulation needs at least 2 clients, got \(n)") }
        var secure = SecureRandom()
        // The simulated inputs come from a 64-bit seed (they are not secrets and the sum is
        // checked against them); keys, graph and shares come from the CSPRNG unless the
        // caller asked for a reproducible run.
        let seed = parameters.seed ?? secure.next()
        var generator = parameters.seed.map { ChaChaRandom(seed: $0) } ?? .freshlyKeyed()
        let ids = (0..<n).map { UInt32($0) }
        let graph: SecAggPlusGraph
        if let degree = parameters.degree, degree < n - 1 {
            graph = try SecAggPlusGraph(clientIDs: ids, degree: degree, using: &generator)
        } else {
            graph = try .complete(clientIDs: ids)
        }
        var signingKeys: [Ed25519.SigningKey] = []
        if parameters.authenticated {
            for _ in ids {
                let keySeed = SecretBytes(randomBytes(32, using: &generator))
                signingKeys.append(try sodium { () throws(SodiumError) in try Ed25519.SigningKey(seed: keySeed) })
            }
        }
        let configuration = try SecAggConfiguration(
            round: parameters.round, threshold: parameters.threshold, bitWidth: parameters.bitWidth,
            dimension: parameters.dimension,
            identities: parameters.authenticated ? Dictionary(uniqueKeysWithValues: zip(ids, signingKeys.map(\.verifyingKey))) : nil,
            graph: graph)
        var server = try SecAggServer(configuration: configuration, graph: graph)
        let clients = ConcurrentSlots<ClientRecord>(count: n)
        let created = ConcurrentSlots<SecAggError>(count: n)
        let keys = signingKeys
        Parallel.forEach(n) { index in
            do throws(SecAggError) {
                var clientGenerator = parameters.seed.map { ChaChaRandom(seed: $0 &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(index + 1)) }
                    ?? .freshlyKeyed()
                let input = try simulatedInput(seed: seed, client: UInt32(index), configuration: configuration)
                clients[index] = ClientRecord(client: try SecAggClient(
                    id: UInt32(index), configuration: configuration, input: input,
                    signingKey: keys.isEmpty ? nil : keys[index], using: &clientGenerator))
            } catch {
                created[index] = error
            }
        }
        if let error = (0..<n).lazy.compactMap({ created[$0] }).first { throw error }

        var serverTime = Duration.zero
        func serve(_ body: () throws(SecAggError) -> Void) throws(SecAggError) {
            let start = clock.now
            defer { serverTime += clock.now - start }
            try body()
        }
        let dropouts = parameters.dropouts

        // Stage 0: every client not dropped at AdvertiseKeys speaks first.
        let advertisements = try step(clients, ids.map { dropouts[.advertiseKeys]?.contains($0) == true ? nil : [UInt8]() }) {
            client, _ throws(SecAggError) in try client.advertiseKeysMessage()
        }
        try serve { () throws(SecAggError) in for message in advertisements.compactMap({ $0 }) { try server.receive(bytes: message) } }
        var outgoing: [[UInt8]?] = []
        try serve { () throws(SecAggError) in outgoing = route(try server.keyDirectories().map { ($0.recipient, $0.serialized()) }, n) }

        for stage in SecAggStage.allCases.dropFirst() {
            let delivered = outgoing.enumerated().map { index, message in
                dropouts.contains { $0.key <= stage && $0.value.contains(UInt32(index)) } ? nil : message
            }
            let replies = try step(clients, delivered) { client, message throws(SecAggError) in try client.respond(to: message) }
            try serve { () throws(SecAggError) in
                for reply in replies.compactMap({ $0 }) { try server.receive(bytes: reply) }
                switch stage {
                case .shareKeys: outgoing = route(try server.forwardedShares().map { ($0.recipient, $0.serialized()) }, n)
                case .maskedInputCollection:
                    outgoing = route(try server.consistencyCheckRequests().map { ($0.recipient, $0.serialized()) }, n)
                case .consistencyCheck: outgoing = route(try server.unmaskingRequests().map { ($0.recipient, $0.serialized()) }, n)
                case .advertiseKeys, .unmasking: outgoing = []
                }
            }
        }
        var sum = try ModularVector(zeros: parameters.dimension, bitWidth: parameters.bitWidth)
        try serve { () throws(SecAggError) in sum = try server.aggregate() }

        let included = server.includedClients
        var expected = try ModularVector(zeros: parameters.dimension, bitWidth: parameters.bitWidth)
        for client in included { try expected.add(simulatedInput(seed: seed, client: client, configuration: configuration)) }
        let finished = (0..<n).compactMap { clients[$0] }.filter { $0.client.state == .finished }
        let count = Double(max(finished.count, 1))
        return Report(
            sum: sum, expectedSum: expected, includedClients: included,
            clientSeconds: finished.reduce(0) { $0 + $1.elapsed.seconds } / count,
            clientMaskSeconds: finished.reduce(0) { $0 + $1.client.maskingDuration.seconds } / count,
            maskBytesPerClient: finished.reduce(0) { $0 + $1.client.maskByteCount } / max(finished.count, 1),
            serverSeconds: serverTime.seconds, serverUnmaskSeconds: server.unmaskingDuration.seconds,
            uploadBytesPerClient: Double(finished.reduce(0) { $0 + $1.uploaded }) / count,
            downloadBytesPerClient: Double(finished.reduce(0) { $0 + $1.downloaded }) / count,
            totalSeconds: (clock.now - started).seconds)
    }

    /// The input of `client`: uniform in Z_{2^b}, reproducible from the seed.
    static func simulatedInput(seed: UInt64, client: UInt32, configuration: SecAggConfiguration) throws(SecAggError) -> ModularVector {
        var generator = ChaChaRandom(seed: seed ^ (0xD1B5_4A32_D192_ED03 &* UInt64(client + 1)))
        if configuration.bitWidth <= 32 {
            var words = [UInt32](repeating: 0, count: configuration.dimension)
            words.withUnsafeMutableBufferPointer { generator.fill($0) }
            return try ModularVector(words: words, bitWidth: configuration.bitWidth)
        }
        var words = [UInt64](repeating: 0, count: configuration.dimension)
        words.withUnsafeMutableBufferPointer { generator.fill($0) }
        let mask = ModularVector.mask(configuration.bitWidth)
        return try ModularVector(words.map { $0 & mask }, bitWidth: configuration.bitWidth)
    }

    /// Runs `body` for every client that has a message, in parallel, recording time and bytes.
    private static func step(
        _ clients: ConcurrentSlots<ClientRecord>, _ messages: [[UInt8]?],
        _ body: @escaping @Sendable (inout SecAggClient, [UInt8]) throws(SecAggError) -> [UInt8]
    ) throws(SecAggError) -> [[UInt8]?] {
        let replies = ConcurrentSlots<Result<[UInt8], SecAggError>>(count: messages.count)
        let clock = ContinuousClock()
        Parallel.forEach(messages.count) { index in
            guard let message = messages[index], let record = clients[index] else { return }
            let start = clock.now
            let result = Result { () throws(SecAggError) in try body(&record.client, message) }
            record.elapsed += clock.now - start
            record.downloaded += message.count
            if case let .success(reply) = result { record.uploaded += reply.count }
            clients[index] = record
            replies[index] = result
        }
        return try (0..<messages.count).map { index throws(SecAggError) in try replies[index]?.get() }
    }

    private static func route(_ messages: [(UInt32, [UInt8])], _ count: Int) -> [[UInt8]?] {
        var routed = [[UInt8]?](repeating: nil, count: count)
        for (recipient, bytes) in messages { routed[Int(recipient)] = bytes }
        return routed
    }

    /// The one owner of a simulated client and its counters. A class because the client is
    /// non-copyable and the slots hand out references; `@unchecked Sendable` because each
    /// record is touched by exactly one worker per stage and the stages run one after another.
    final class ClientRecord: @unchecked Sendable {
        var client: SecAggClient
        var elapsed = Duration.zero
        var uploaded = 0
        var downloaded = 0

        init(client: consuming SecAggClient) { self.client = client }
    }
}

extension Duration {
    /// The duration in seconds (package-wide: FedAvg and the tools time with it too).
    package var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}
