import FedAvg
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
internal import ParallelWork

/// The coordinator of `privagg bench federation`: the same gRPC service, hub and aggregation
/// code as ``FederationCoordinator`` (plain sums, SecAgg or SecAgg+ over the sites' wire
/// messages), driving rounds of a synthetic update instead of FedAvg: no model, no
/// standardization, no evaluation, so a round's time and bytes are the aggregation's own.
public struct BenchmarkCoordinator: Sendable {
    /// The benchmark's public parameters.
    public struct Configuration: Sendable {
        /// Number of sites N (named `bench-0` … `bench-(N−1)`).
        public var clients: Int
        /// Entries M of each site's update.
        public var dimension: Int
        /// The aggregation protocol.
        public var aggregator: FederationAggregator
        /// Rounds to run.
        public var rounds: Int
        /// Bit width of the secure aggregators' ring.
        public var bitWidth: Int
        /// Seed of the SecAgg+ graphs (nil: libsodium's CSPRNG).
        public var seed: UInt64?
        /// How long to wait for every site.
        public var joinTimeout: Duration
        /// How long one stage may take.
        public var stageTimeout: Duration
        /// Most sites owing their masked input at once (nil: the coordinator's default, 64 MiB
        /// of masked vectors).
        public var maskedInputWindow: Int?

        /// A configuration.
        ///
        /// - Throws: ``FederationError/invalidParameter(name:reason:)`` for fewer than 1 client
        ///   (2 for the secure aggregators), a dimension outside 1...10^7, or rounds below 1.
        public init(
            clients: Int, dimension: Int, aggregator: FederationAggregator, rounds: Int, bitWidth: Int = 48, seed: UInt64? = nil,
            joinTimeout: Duration = .seconds(600), stageTimeout: Duration = .seconds(600)
        ) throws {
            guard clients >= (aggregator.isSecure ? 2 : 1), clients <= 100_000 else {
                throw FederationError.invalidParameter(name: "clients", reason: "must be in \(aggregator.isSecure ? 2 : 1)...100000, got \(clients)")
            }
            guard (1...10_000_000).contains(dimension) else {
                throw FederationError.invalidParameter(name: "dimension", reason: "must be in 1...10000000, got \(dimension)")
            }
            guard rounds >= 1 else { throw FederationError.invalidParameter(name: "rounds", reason: "must be at least 1, got \(rounds)") }
            self.clients = clients
            self.dimension = dimension
            self.aggregator = aggregator
            self.rounds = rounds
            self.bitWidth = bitWidth
            self.seed = seed
            self.joinTimeout = joinTimeout
            self.stageTimeout = stageTimeout
        }

        /// The sites' names, in protocol order.
        public var siteNames: [String] { (0..<clients).map { "bench-\($0)" } }

        /// The largest message either side accepts: a plain update of `dimension` doubles
        /// with room for framing, at least the federation's default.
        public var maximumMessageBytes: Int { max(FederationProtocol.defaultMaximumMessageBytes, dimension * 8 + (1 << 20)) }
    }

    /// What one round measured at the coordinator.
    public struct RoundFigures: Codable, Sendable, Equatable {
        /// The round (1-based).
        public var round: Int
        /// Wall time from the first RoundStart sent to the sum in hand.
        public var seconds: Double
        /// Sites in the sum.
        public var included: Int
        /// Sites dropped, with the reason.
        public var dropouts: [String: String]
        /// Whether the round produced no sum, and why.
        public var abandonReason: String?
        /// Time in the SecAgg server's calls (0 for plain).
        public var serverCryptoSeconds: Double
        /// Mean gRPC message bytes (protobuf encoding + 5-byte gRPC prefix) a site sent and
        /// received in the round, counted by the coordinator at the transport boundary.
        public var grpcBytesUpPerClient: Double
        public var grpcBytesDownPerClient: Double
        /// The SecAgg+ graph degree k and threshold t (0 for plain).
        public var graphDegree: Int
        public var threshold: Int
        /// Stage durations.
        public var stages: [FederationRoundRecord.StageTime]
        /// Whether the sum equals the included sites' synthetic updates, regenerated from the
        /// seed after the round: exactly for plain, within the quantizer's error bound for the
        /// secure aggregators (nil: no sum, or no seed to regenerate them from).
        public var sumVerified: Bool?
        /// The largest entry-wise difference from that sum, and the bound it is checked against.
        public var sumMaximumError: Double?
        public var sumErrorBound: Double?
        /// The coordinator's memory at the end of each secure aggregation stage.
        public var memory: [ProcessMemory] = []
        /// The most bytes of chunked protocol messages the coordinator held under assembly at
        /// once, over the run so far.
        public var assemblyPeakBytes = 0
    }

    /// The configuration.
    public let configuration: Configuration
    let logger: Logger

    /// A benchmark coordinator.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The settings announced in Welcome: only the aggregator, rounds and bit width matter to
    /// a synthetic site; the update bound is the synthetic update's.
    static func settings(for configuration: Configuration) throws -> RunSettings {
        try RunSettings(
            rounds: configuration.rounds, aggregator: configuration.aggregator, privacy: .none,
            localTraining: try LocalTraining(steps: 1, samplingRate: 1, learningRate: 0.1), updateBound: SyntheticSite.updateBound,
            maximumClientRecords: 1, bitWidth: configuration.bitWidth)
    }

    /// Serves the benchmark on `host:port` (plaintext: a loopback benchmark) until every round ran.
    ///
    /// - Parameters:
    ///   - host: the address to listen on.
    ///   - port: the port (0 picks a free one).
    ///   - onListening: called with the bound port once the server listens.
    ///   - progress: called after every round.
    /// - Returns: each round's figures.
    /// - Throws: ``FederationError`` if the sites do not all join; transport errors.
    public func serve(
        host: String, port: Int, onListening: @Sendable (Int) -> Void = { _ in },
        progress: @escaping @Sendable (RoundFigures) -> Void = { _ in }
    ) async throws -> [RoundFigures] {
        try await serve(over: .http2(host: host, port: port, security: .plaintext), onListening: onListening, progress: progress)
    }

    /// Serves the benchmark over `transport` (HTTP/2 plaintext on loopback, or in memory)
    /// until every round ran: the same service, hub and aggregation code either way.
    ///
    /// - Parameters:
    ///   - transport: where the service runs.
    ///   - onListening: called with the bound port once an HTTP/2 server listens.
    ///   - progress: called after every round.
    /// - Returns: each round's figures.
    /// - Throws: ``FederationError`` if the sites do not all join; transport errors.
    public func serve(
        over transport: CoordinatorTransport, onListening: @Sendable (Int) -> Void = { _ in },
        progress: @escaping @Sendable (RoundFigures) -> Void = { _ in }
    ) async throws -> [RoundFigures] {
        let names = configuration.siteNames
        let settings = try Self.settings(for: configuration)
        var federation = try FederationCoordinator.Configuration(
            sites: names, settings: settings, seed: configuration.seed, joinTimeout: configuration.joinTimeout,
            stageTimeout: configuration.stageTimeout, maximumMessageBytes: configuration.maximumMessageBytes)
        federation.maskedInputWindow = configuration.maskedInputWindow
        federation.recordsMemory = true
        let hub = CoordinatorHub(sites: names, maximumMessageBytes: configuration.maximumMessageBytes)
        let count = names.count
        await hub.setWelcome { index in
            var message = Privagg_Federation_V1_CoordinatorMessage()
            message.welcome = settings.welcome(siteIndex: index, siteCount: count, firstRound: 1)
            return message
        }
        let service = FederationService(hub: hub, logger: logger, authenticatedSite: nil)
        let configuration = self.configuration, logger = self.logger
        return try await transport.serve(
            service, maximumMessageBytes: configuration.maximumMessageBytes, logger: logger, onListening: onListening
        ) {
            let driver = RoundDriver(configuration: federation, hub: hub, logger: logger)
            await hub.waitForAll(until: .now + configuration.joinTimeout)
            let connected = await hub.connected.count
            guard connected == count else {
                await hub.abortAll(reason: "\(connected) of \(count) sites joined")
                throw FederationError.notEnoughSites(available: connected, needed: count)
            }
            var figures: [RoundFigures] = []
            for round in 1...configuration.rounds {
                let before = await hub.byteCounts
                let participants = await hub.connected.map(\.index)
                let started = ContinuousClock.now
                let outcome = await driver.aggregate(
                    round: round, participants: participants, length: configuration.dimension, bound: SyntheticSite.updateBound,
                    validate: { _ in }
                ) { _, secure in
                    var start = Privagg_Federation_V1_RoundStart()
                    start.round = UInt64(round)
                    if let secure { start.secureAggregation = secure }
                    var message = Privagg_Federation_V1_CoordinatorMessage()
                    message.roundStart = start
                    return message
                }
                let seconds = (ContinuousClock.now - started).seconds
                let after = await hub.bytes(since: before)
                // The round's end for the sites (they drop their round state); outside the timing
                // and the round's bytes.
                var result = Privagg_Federation_V1_CoordinatorMessage()
                result.roundResult.round = UInt64(round)
                result.roundResult.abandoned = outcome.sum == nil
                result.roundResult.reason = outcome.abandonReason ?? ""
                for (index, _) in await hub.connected { await hub.send(result, to: index) }
                let up = after.up.values.reduce(0, +), down = after.down.values.reduce(0, +)
                var verification: (verified: Bool, maximum: Double)?
                if let sum = outcome.sum, let seed = configuration.seed {
                    let included = outcome.included, dimension = configuration.dimension, bound = outcome.errorBound
                    // Regenerating N updates is CPU-bound: off the cooperative pool.
                    verification = await Parallel.offPool { () -> (verified: Bool, maximum: Double) in
                        var expected = [Double](repeating: 0, count: dimension)
                        for index in included {
                            let update = SyntheticSite.update(dimension: dimension, seed: seed, index: index, round: round)
                            for entry in 0..<dimension { expected[entry] += update[entry] }
                        }
                        var maximum = 0.0
                        for entry in 0..<dimension { maximum = max(maximum, abs(sum[entry] - expected[entry])) }
                        return (maximum <= bound, maximum)
                    }
                }
                var record = RoundFigures(
                    round: round, seconds: seconds, included: outcome.included.count,
                    dropouts: Dictionary(uniqueKeysWithValues: outcome.dropouts.map { (names[$0.key], $0.value) }),
                    abandonReason: outcome.abandonReason, serverCryptoSeconds: outcome.serverSeconds,
                    grpcBytesUpPerClient: Double(up) / Double(participants.count),
                    grpcBytesDownPerClient: Double(down) / Double(participants.count),
                    graphDegree: outcome.graphDegree, threshold: outcome.threshold, stages: outcome.stages,
                    sumVerified: verification?.verified, sumMaximumError: verification?.maximum,
                    sumErrorBound: outcome.sum == nil ? nil : outcome.errorBound, memory: outcome.memory)
                record.assemblyPeakBytes = await hub.assemblyBytes.peak
                figures.append(record)
                progress(record)
            }
            var finished = Privagg_Federation_V1_CoordinatorMessage()
            finished.finished.completedRounds = UInt32(configuration.rounds)
            for (index, _) in await hub.connected { await hub.send(finished, to: index) }
            await hub.closeAll()
            return figures
        }
    }
}
