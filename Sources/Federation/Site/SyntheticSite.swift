import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import SecureAggregation
import Sodium

/// A site of `privagg bench federation`: no dataset and no training. Each round it contributes
/// a synthetic update of the coordinator's dimension, entries uniform in
/// [−``updateBound``, ``updateBound``] drawn from a ChaCha20 stream seeded by (seed, site,
/// round), through the same aggregation code as ``SiteNode`` (plain Contribution, or a
/// `SecAggClient` answering the five stages). It measures its own crypto time and the
/// protocol's message bytes.
public struct SyntheticSite: Sendable {
    /// The public bound on every entry of a synthetic update.
    public static let updateBound = 1.0

    /// What one site measured over the whole run.
    public struct Figures: Codable, Sendable, Equatable {
        /// Rounds the site contributed to (sent its update or AdvertiseKeys).
        public var rounds = 0
        /// Time in the SecAgg client (quantization, keys, shares, masking, unmasking answers).
        public var cryptoSeconds = 0.0
        /// Protocol message bytes sent: SecAgg wire messages, or the plain update's 8·M bytes.
        public var messageBytesUp = 0
        /// Protocol message bytes received (SecAgg wire messages; 0 for plain).
        public var messageBytesDown = 0
    }

    /// The site's name (`bench-INDEX`).
    public let name: String
    /// The coordinator's IPv4 address.
    public let host: String
    /// The coordinator's port.
    public let port: Int
    /// The update's dimension.
    public let dimension: Int
    /// Seed of the synthetic updates, masks and keys (nil: libsodium's CSPRNG).
    public let seed: UInt64?
    let logger: Logger

    /// A synthetic site.
    ///
    /// - Throws: ``FederationError/invalidParameter(name:reason:)`` for a dimension outside 1...10^7.
    public init(name: String, host: String, port: Int, dimension: Int, seed: UInt64?, logger: Logger) throws {
        guard (1...10_000_000).contains(dimension) else {
            throw FederationError.invalidParameter(name: "dimension", reason: "must be in 1...10000000, got \(dimension)")
        }
        self.name = name
        self.host = host
        self.port = port
        self.dimension = dimension
        self.seed = seed
        self.logger = logger
    }

    /// The synthetic update of site `index` in `round`.
    public static func update(dimension: Int, seed: UInt64?, index: Int, round: Int) -> [Double] {
        var generator = seed.map { ChaChaRandom(seed: $0 ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(round) &* 0xC2B2_AE3D_27D4_EB4F)) }
            ?? .freshlyKeyed()
        var values = [Double](repeating: 0, count: dimension)
        for entry in 0..<dimension { values[entry] = Double.random(in: -updateBound...updateBound, using: &generator) }
        return values
    }

    /// Connects over plaintext gRPC (a loopback benchmark), joins, and answers until Finished.
    ///
    /// - Throws: ``FederationError`` for a refused Join, an Abort, or a malformed message;
    ///   transport errors.
    /// - Parameter finished: called with the figures as soon as Finished arrives, before the
    ///   connection's teardown (which a benchmark need not wait for).
    public func run(finished: @escaping @Sendable (Figures) -> Void = { _ in }) async throws -> Figures {
        // Hundreds of sites dial at once: a connection refused or reset under the accept
        // backlog is retried (with gRPC's backoff) instead of failing the RPC.
        try await run(over: .http2(host: host, port: port, security: .plaintext, waitForReady: true), finished: finished)
    }

    /// Joins over `transport` (HTTP/2, or in memory: ``host`` and ``port`` are then unused)
    /// and answers until Finished.
    ///
    /// - Parameters:
    ///   - transport: how to reach the benchmark's coordinator.
    ///   - finished: called with the figures as soon as Finished arrives, before the
    ///     connection's teardown (which a benchmark need not wait for).
    /// - Throws: ``FederationError`` for a refused Join, an Abort, or a malformed message;
    ///   transport errors.
    public func run(over transport: SiteTransport, finished: @escaping @Sendable (Figures) -> Void = { _ in }) async throws -> Figures {
        let name = self.name, dimension = self.dimension, seed = self.seed, logger = self.logger
        let limit = max(FederationProtocol.defaultMaximumMessageBytes, dimension * 8 + (1 << 20))
        let waitForReady = transport.waitsForReady
        return try await transport.withClient { federation in
            let (replies, outbox) = AsyncStream<Privagg_Federation_V1_SiteMessage>.makeStream()
            var join = Privagg_Federation_V1_SiteMessage()
            join.join.protocolVersion = FederationProtocol.version
            join.join.site = name
            join.join.trainingRecords = 1
            join.join.featureCount = 1
            outbox.yield(join)
            var options = CallOptions.defaults
            options.maxResponseMessageBytes = limit
            options.waitForReady = waitForReady
            let request = StreamingClientRequest<Privagg_Federation_V1_SiteMessage> { writer in
                for await message in replies { try await writer.write(message) }
            }
            do {
                return try await federation.session(request: request, options: options) { response in
                    var session = Session(dimension: dimension, seed: seed)
                    do {
                        for try await message in response.messages {
                            let step = try session.handle(message)
                            if let reply = step.reply { for piece in FederationProtocol.chunked(reply) { outbox.yield(piece) } }
                            if step.finished {
                                outbox.finish()
                                finished(session.figures)
                                return session.figures
                            }
                        }
                    } catch {
                        logger.warning("synthetic site stopped", metadata: ["site": "\(name)", "reason": "\(error)"])
                        outbox.finish()
                        throw error
                    }
                    outbox.finish()
                    throw FederationError.aborted(reason: "the coordinator closed the session before the run finished")
                }
            } catch let error as RPCError where error.code == .permissionDenied || error.code == .failedPrecondition {
                throw FederationError.siteRefused(site: name, reason: error.message)
            }
        }
    }

    /// The site's side of the session.
    struct Session: ~Copyable {
        let dimension: Int
        let seed: UInt64?
        var settings: RunSettings?
        var index = 0
        var secure: SecAggClient?
        var secureRound: UInt64 = 0
        var figures = Figures()

        init(dimension: Int, seed: UInt64?) {
            self.dimension = dimension
            self.seed = seed
        }

        /// Handles one coordinator message: its reply, and whether the run is over.
        mutating func handle(_ message: Privagg_Federation_V1_CoordinatorMessage) throws -> (reply: Privagg_Federation_V1_SiteMessage?, finished: Bool) {
            switch message.kind {
            case .welcome(let welcome):
                guard settings == nil else { throw FederationError.unexpectedMessage(expected: "no second Welcome", received: "Welcome") }
                settings = try RunSettings(welcome: welcome)
                guard welcome.siteIndex < welcome.siteCount else { throw FederationError.malformedMessage("site index \(welcome.siteIndex) of \(welcome.siteCount)") }
                index = Int(welcome.siteIndex)
                return (nil, false)
            case .roundStart(let start):
                guard let settings else { throw FederationError.unexpectedMessage(expected: "Welcome", received: "RoundStart") }
                let round = try MessageChecks.round(of: start, rounds: settings.rounds)
                secure = nil
                let vector = SyntheticSite.update(dimension: dimension, seed: seed, index: index, round: round)
                figures.rounds += 1
                var reply = Privagg_Federation_V1_SiteMessage()
                guard settings.aggregator.isSecure else {
                    guard !start.hasSecureAggregation else { throw FederationError.malformedMessage("secure aggregation parameters in a plain run") }
                    reply.contribution.round = UInt64(round)
                    reply.contribution.values = FederationProtocol.pack(vector)
                    figures.messageBytesUp += reply.contribution.values.count
                    return (reply, false)
                }
                guard start.hasSecureAggregation else { throw FederationError.malformedMessage("a \(settings.aggregator.rawValue) round without its parameters") }
                let parameters = start.secureAggregation
                guard parameters.protocolRound == UInt64(round) + 1, parameters.bitWidth == UInt32(settings.bitWidth),
                      parameters.dimension == UInt32(dimension), parameters.clippingBound == SyntheticSite.updateBound,
                      parameters.quantizerClients >= 2, parameters.threshold >= 2, parameters.threshold <= parameters.quantizerClients else {
                    throw FederationError.malformedMessage("secure aggregation parameters do not match the benchmark")
                }
                var generator = seed.map { ChaChaRandom(seed: $0 &+ UInt64(round) &* 0x1_0000 &+ UInt64(index) &* 0x9E37_79B9 ^ 0x5EC_A66) }
                    ?? .freshlyKeyed()
                var advertisement: [UInt8] = []
                let started = ContinuousClock.now
                let client: SecAggClient
                do {
                    client = try SiteSession.secureClient(
                        id: UInt32(index), vector: vector, bound: SyntheticSite.updateBound, bitWidth: settings.bitWidth,
                        parameters: parameters, advertisement: &advertisement, using: &generator)
                } catch {
                    throw FederationError.malformedMessage("secure aggregation: \(error)")
                }
                figures.cryptoSeconds += (ContinuousClock.now - started).seconds
                figures.messageBytesUp += advertisement.count
                secure = consume client
                secureRound = UInt64(round)
                reply.protocol.round = UInt64(round)
                reply.protocol.payload = Data(advertisement)
                return (reply, false)
            case .protocol(let payload):
                guard payload.round == secureRound, var secure = self.secure.take() else {
                    throw FederationError.unexpectedMessage(expected: "a protocol message of round \(secureRound)", received: "one of round \(payload.round)")
                }
                let bytes = [UInt8](payload.payload)
                figures.messageBytesDown += bytes.count
                let started = ContinuousClock.now
                let answer: [UInt8]
                do { answer = try secure.respond(to: bytes) } catch {
                    throw FederationError.malformedMessage("refused the coordinator's message: \(error)")
                }
                figures.cryptoSeconds += (ContinuousClock.now - started).seconds
                figures.messageBytesUp += answer.count
                self.secure = consume secure
                var reply = Privagg_Federation_V1_SiteMessage()
                reply.protocol.round = payload.round
                reply.protocol.payload = Data(answer)
                return (reply, false)
            case .roundResult:
                secure = nil
                return (nil, false)
            case .finished:
                return (nil, true)
            case .abort(let abort):
                throw FederationError.aborted(reason: "the coordinator aborted: \(abort.reason)")
            case .statisticsRequest, .statisticsResult:
                throw FederationError.unexpectedMessage(expected: "RoundStart", received: "a standardization message")
            case nil:
                throw FederationError.malformedMessage("an empty coordinator message")
            }
        }
    }
}
