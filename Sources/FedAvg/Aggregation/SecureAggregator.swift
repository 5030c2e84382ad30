import Sodium
import SecureAggregation

/// Sums the clients' vectors with the secure aggregation protocol of Bonawitz et al. 2017
/// (complete graph) or SecAgg+ (Bell et al. 2020, a sparse random graph): each client
/// quantizes its vector into Z_{2^b}, masks it, and the server only ever unmasks the sum.
///
/// All parties run in this process but talk only through the protocol's serialized
/// messages, so bytes and times are those of a real deployment minus the network.
///
/// **Error.** Quantization (stochastic rounding on a grid of 2^(b − ⌈log2 n⌉) levels over
/// [−bound, bound]) makes each entry of the sum differ from the exact sum by less than
/// 2·bound·n / L (``AggregationOutcome/errorBound``); entries beyond the bound are clipped.
public struct SecureAggregator: Aggregator {
    /// Which graph the masks are agreed over.
    public enum Variant: Sendable, Equatable {
        /// Every pair of clients shares a mask (the original protocol).
        case complete
        /// A random k-regular graph with k and t from `SecAggPlusParameters.recommended(clientCount:dropoutFraction:corruptFraction:authenticated:securityBits:correctnessBits:)`
        /// (the complete graph with threshold ⌊n/2⌋ + 1 when n is too small for a sparse graph).
        case sparse(dropoutFraction: Double, corruptFraction: Double)
    }

    /// The graph variant.
    public let variant: Variant
    /// Bit width b of the ring the quantized vectors are summed in.
    public let bitWidth: Int
    /// Seed of keys and stochastic rounding; nil uses libsodium's CSPRNG.
    public let seed: UInt64?

    /// `secagg` or `secagg+`.
    public var name: String { variant == .complete ? "secagg" : "secagg+" }

    /// A secure aggregator.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a bit width outside 8...64.
    public init(variant: Variant = .complete, bitWidth: Int = 48, seed: UInt64? = nil) throws {
        guard (8...64).contains(bitWidth) else {
            throw FedAvgError.invalidParameter(name: "bitWidth", reason: "must be in 8...64, got \(bitWidth)")
        }
        self.variant = variant
        self.bitWidth = bitWidth
        self.seed = seed
    }

    /// Runs one protocol instance over the contributions (client i has id i).
    public func sum(_ contributions: [[Double]], bound: Double, round: UInt64) throws -> AggregationOutcome {
        let dimension = try validate(contributions, bound: bound)
        let n = contributions.count
        guard n >= 2 else { throw FedAvgError.aggregationFailed(reason: "secure aggregation needs at least 2 clients, got \(n)") }
        do {
            return try run(contributions, dimension: dimension, bound: bound, round: round)
        } catch let error as SecAggError {
            throw FedAvgError.aggregationFailed(reason: error.description)
        }
    }

    private func run(_ contributions: [[Double]], dimension: Int, bound: Double, round: UInt64) throws -> AggregationOutcome {
        let n = contributions.count
        let quantizer = try Quantizer(clippingBound: bound, bitWidth: bitWidth, clientCount: n)
        let run = try protocolRun(clients: n, dimension: dimension, round: round) { index, generator in
            try quantizer.quantize(contributions[index], using: &generator)
        }
        let sum = try quantizer.dequantizeSum(run.total, contributors: n)
        return AggregationOutcome(
            sum: sum, errorBound: quantizer.errorBound(contributors: n),
            uploadBytesPerClient: Double(run.uploaded) / Double(n), downloadBytesPerClient: Double(run.downloaded) / Double(n),
            clientCryptoSeconds: run.clientTime.seconds / Double(n), serverCryptoSeconds: run.serverTime.seconds)
    }

    /// What one protocol instance produced and cost.
    struct ProtocolRun {
        var total: ModularVector
        var threshold: Int
        var uploaded: Int
        var downloaded: Int
        var clientTime: Duration
        var serverTime: Duration
    }

    /// The threshold t the protocol uses for `n` clients: the fewest whose inputs the
    /// unmasked sum can be (below it the server learns nothing).
    public func threshold(clients n: Int) -> Int {
        if case .sparse(let dropout, let corrupt) = variant,
           let parameters = try? SecAggPlusParameters.recommended(clientCount: n, dropoutFraction: dropout, corruptFraction: corrupt),
           parameters.degree < n - 1 {
            return parameters.threshold
        }
        return max(2, n / 2 + 1)
    }

    /// Runs one protocol instance (client i has id i) over inputs `encode` produces in Z_{2^bitWidth};
    /// `encode` runs on the client's side and its time counts as the client's.
    func protocolRun(
        clients n: Int, dimension: Int, round: UInt64, encode: (Int, inout ChaChaRandom) throws -> ModularVector
    ) throws -> ProtocolRun {
        // Keys, masks, shares and stochastic rounding: a fresh CSPRNG key unless a seed was
        // asked for (a 64-bit seed is for reproducible experiments, never for deployment).
        var generator = seed.map { ChaChaRandom(seed: $0 &+ round &* 0x9E37_79B9_7F4A_7C15) } ?? .freshlyKeyed()
        let ids = (0..<n).map { UInt32($0) }
        let graph: SecAggPlusGraph, threshold: Int
        switch variant {
        case .complete:
            graph = try .complete(clientIDs: ids)
            threshold = max(2, n / 2 + 1)
        case .sparse(let dropout, let corrupt):
            // For small n no sparse degree meets the targets; the rule then degenerates to
            // the complete graph with an honest-majority threshold.
            if let parameters = try? SecAggPlusParameters.recommended(clientCount: n, dropoutFraction: dropout, corruptFraction: corrupt),
               parameters.degree < n - 1 {
                graph = try SecAggPlusGraph(clientIDs: ids, degree: parameters.degree, using: &generator)
                threshold = parameters.threshold
            } else {
                graph = try .complete(clientIDs: ids)
                threshold = max(2, n / 2 + 1)
            }
        }
        let configuration = try SecAggConfiguration(
            round: round + 1, threshold: threshold, bitWidth: bitWidth, dimension: dimension, graph: graph)
        let clock = ContinuousClock()
        var clientTime = Duration.zero, serverTime = Duration.zero
        var uploaded = 0, downloaded = 0

        // The clients are non-copyable: each lives in one slot object the array refers to.
        var clients: [ClientSlot] = []
        clients.reserveCapacity(n)
        for index in 0..<n {
            let start = clock.now
            let input = try encode(index, &generator)
            clients.append(ClientSlot(try SecAggClient(id: UInt32(index), configuration: configuration, input: input, using: &generator)))
            clientTime += clock.now - start
        }
        var server = try SecAggServer(configuration: configuration, graph: graph)
        var outgoing: [[UInt8]?] = []
        func serve(_ body: () throws -> Void) throws {
            let start = clock.now
            try body()
            serverTime += clock.now - start
        }
        func clientStep(_ body: (inout SecAggClient, Int) throws -> [UInt8]?) throws -> [[UInt8]] {
            var replies: [[UInt8]] = []
            for index in clients.indices {
                let start = clock.now
                if let reply = try body(&clients[index].client, index) {
                    uploaded += reply.count
                    replies.append(reply)
                }
                clientTime += clock.now - start
            }
            return replies
        }
        let advertisements = try clientStep { client, _ in try client.advertiseKeysMessage() }
        try serve {
            for message in advertisements { try server.receive(bytes: message) }
            outgoing = Self.route(try server.keyDirectories().map { ($0.recipient, $0.serialized()) }, n)
        }
        for stage in SecAggStage.allCases.dropFirst() {
            let delivered = outgoing
            let replies = try clientStep { client, index in
                guard let message = delivered[index] else { return nil }
                downloaded += message.count
                return try client.respond(to: message)
            }
            try serve {
                for reply in replies { try server.receive(bytes: reply) }
                switch stage {
                case .shareKeys: outgoing = Self.route(try server.forwardedShares().map { ($0.recipient, $0.serialized()) }, n)
                case .maskedInputCollection:
                    outgoing = Self.route(try server.consistencyCheckRequests().map { ($0.recipient, $0.serialized()) }, n)
                case .consistencyCheck: outgoing = Self.route(try server.unmaskingRequests().map { ($0.recipient, $0.serialized()) }, n)
                case .advertiseKeys, .unmasking: outgoing = []
                }
            }
        }
        var total: ModularVector = try ModularVector(zeros: dimension, bitWidth: bitWidth)
        try serve { total = try server.aggregate() }
        let included = server.includedClients.count
        guard included == n else {
            throw FedAvgError.aggregationFailed(reason: "only \(included) of \(n) clients were included")
        }
        return ProtocolRun(
            total: total, threshold: threshold, uploaded: uploaded, downloaded: downloaded, clientTime: clientTime, serverTime: serverTime)
    }

    /// The one owner of a non-copyable client during a simulated round.
    private final class ClientSlot {
        var client: SecAggClient
        init(_ client: consuming SecAggClient) { self.client = client }
    }

    private static func route(_ messages: [(UInt32, [UInt8])], _ count: Int) -> [[UInt8]?] {
        var routed = [[UInt8]?](repeating: nil, count: count)
        for (recipient, bytes) in messages { routed[Int(recipient)] = bytes }
        return routed
    }
}
