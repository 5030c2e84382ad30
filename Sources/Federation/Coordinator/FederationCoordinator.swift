import FedAvg
import FederationTLS
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Paillier
import SecureAggregation
import Sodium

/// The coordinator of a federation: a gRPC server that admits the expected sites and runs
/// FedAvg rounds over them, aggregating with plain sums, SecAgg or SecAgg+.
///
/// It sees only protocol messages: Join (site name, record count, feature count), the sites'
/// contributions (plain: the weighted update; secure aggregators: masked vectors and key
/// material, from which it learns only the sum), and evaluation counts. It holds no site
/// record, noise, key or ledger; those live in ``SiteNode`` in another process.
///
/// Faults: a site that disconnects, times out, or sends a malformed or out-of-turn message
/// is dropped from the round with a logged reason. Plain rounds aggregate the sites that
/// delivered; SecAgg/SecAgg+ rounds complete through the protocol's unmasking path while at
/// least t sites remain and are abandoned below it (model unchanged, next round runs). A site
/// that comes back is admitted and takes part from the next round.
public struct FederationCoordinator: Sendable {
    /// Everything a coordinator needs.
    public struct Configuration: Sendable {
        /// The expected sites, in protocol order.
        public var sites: [String]
        /// The run's settings.
        public var settings: RunSettings
        /// Seed of the initial model and SecAgg+ graphs (nil: libsodium's CSPRNG).
        public var seed: UInt64?
        /// How long to wait for every site before the first round.
        public var joinTimeout: Duration
        /// How long one stage may take before missing sites are dropped.
        public var stageTimeout: Duration
        /// The largest gRPC message accepted.
        public var maximumMessageBytes: Int
        /// Where to write the checkpoint after every round (nil: none).
        public var checkpointPath: String?
        /// A checkpoint to continue from.
        public var resumeFrom: CoordinatorCheckpoint?
        /// Folder where the process tests read each round's aggregated sum (`sum-round-R.json`);
        /// nil in every real run.
        public var testDumpDirectory: String?
        /// Process tests only: after aggregating this round (the sites have charged their
        /// ledgers and sent their updates) and before committing it, write the marker
        /// `stalled-R` into ``testDumpDirectory`` and stop, so a test can `kill -9` the
        /// coordinator inside a round.
        public var testStallAfterAggregatingRound: Int?
        /// The coordinator's own privacy ledger in the central mode (it adds the noise, so it
        /// accounts for it); required there, unused in the other modes.
        public var centralLedger: CentralLedgerSettings?
        /// The sites' shared Paillier public key (`--aggregator paillier`; the coordinator never
        /// holds the private key).
        public var paillierPublicKey: Paillier.PublicKey?
        /// Most sites that may owe their SecAgg masked input at once (nil: as many as 64 MiB of
        /// masked vectors hold, at least 8). The rest get their forwarded shares, which release
        /// their masked input, as answers come in, so the transport never holds n of them.
        public var maskedInputWindow: Int?
        /// Whether secure rounds record the coordinator's memory after each stage (the
        /// benchmark's `coordinator_memory_after_stage`; reading it costs a /proc read and a
        /// malloc census per stage, so `serve` does not).
        var recordsMemory = false

        /// A configuration.
        ///
        /// - Throws: ``FederationError/invalidParameter(name:reason:)`` for no sites, duplicate
        ///   names, a secure aggregator with fewer than 2 sites, or non-positive timeouts.
        public init(
            sites: [String], settings: RunSettings, seed: UInt64?, joinTimeout: Duration = .seconds(120),
            stageTimeout: Duration = .seconds(60), maximumMessageBytes: Int = FederationProtocol.defaultMaximumMessageBytes,
            checkpointPath: String? = nil, resumeFrom: CoordinatorCheckpoint? = nil
        ) throws {
            guard !sites.isEmpty else { throw FederationError.invalidParameter(name: "sites", reason: "at least one site is needed") }
            guard Set(sites).count == sites.count else { throw FederationError.invalidParameter(name: "sites", reason: "site names must be distinct") }
            guard sites.allSatisfy({ !$0.isEmpty && $0.count <= 128 }) else {
                throw FederationError.invalidParameter(name: "sites", reason: "site names must be 1...128 characters")
            }
            if settings.aggregator.isSecure, sites.count < 2 {
                throw FederationError.invalidParameter(name: "sites", reason: "\(settings.aggregator.rawValue) needs at least 2 sites")
            }
            guard joinTimeout > .zero, stageTimeout > .zero else {
                throw FederationError.invalidParameter(name: "timeout", reason: "timeouts must be positive")
            }
            guard maximumMessageBytes >= 1024 else {
                throw FederationError.invalidParameter(name: "maximumMessageBytes", reason: "must be at least 1024")
            }
            if let checkpoint = resumeFrom {
                guard checkpoint.completedRounds < settings.rounds else {
                    throw FederationError.invalidParameter(
                        name: "resume", reason: "the checkpoint already holds \(checkpoint.completedRounds) of \(settings.rounds) rounds")
                }
                guard checkpoint.sites == sites, checkpoint.settings == CoordinatorCheckpoint.describe(settings) else {
                    throw FederationError.invalidParameter(name: "resume", reason: "the checkpoint was written by a run with other sites or settings")
                }
            }
            self.sites = sites
            self.settings = settings
            self.seed = seed
            self.joinTimeout = joinTimeout
            self.stageTimeout = stageTimeout
            self.maximumMessageBytes = maximumMessageBytes
            self.checkpointPath = checkpointPath
            self.resumeFrom = resumeFrom
        }
    }

    /// The configuration.
    public let configuration: Configuration
    let logger: Logger

    /// A coordinator.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Serves the federation on `host:port` (port 0: any free port) over gRPC's HTTP/2
    /// transport until the run ends.
    ///
    /// - Parameters:
    ///   - host: the address to listen on.
    ///   - port: the port (0 picks a free one).
    ///   - transportSecurity: `.plaintext` (only with `--insecure`) or mutual TLS.
    ///   - authenticatedSite: reads the site's name from its peer certificate (mutual TLS).
    ///   - keyBindingVerifier: the federation CA for SecAgg's authenticated mode (mutual TLS):
    ///     with a secure aggregator, every site must bind its SecAgg key to its certificate and
    ///     every binding is checked here and by every peer. nil (`--insecure`): unauthenticated.
    ///   - onListening: called with the bound port once the server listens.
    ///   - progress: called after every round.
    /// - Returns: the run's records and final model.
    /// - Throws: ``FederationError`` if the sites do not all join, disagree on their features,
    ///   or the standardization cannot complete; transport errors if the address cannot be bound.
    public func serve(
        host: String, port: Int, transportSecurity: HTTP2ServerTransport.Posix.TransportSecurity,
        authenticatedSite: (@Sendable (ServerContext) -> String?)? = nil, keyBindingVerifier: SecAggKeyBindingVerifier? = nil,
        onListening: @Sendable (Int) -> Void = { _ in }, progress: @escaping @Sendable (FederationRoundRecord) -> Void = { _ in }
    ) async throws -> FederationRun {
        try await serve(
            over: .http2(host: host, port: port, security: transportSecurity), authenticatedSite: authenticatedSite,
            keyBindingVerifier: keyBindingVerifier, onListening: onListening, progress: progress)
    }

    /// Serves the federation over `transport` until the run ends: the same service, hub and
    /// round driver whichever the transport.
    ///
    /// - Parameters:
    ///   - transport: gRPC over HTTP/2, or in memory (``FederationSimulation``; no TLS, so
    ///     the site names come from the Joins).
    ///   - authenticatedSite: reads the site's name from its peer certificate (mutual TLS);
    ///     nil takes the Join's name.
    ///   - keyBindingVerifier: the federation CA for SecAgg's authenticated mode (mutual TLS
    ///     only; nil: unauthenticated, as in memory, where there are no certificates).
    ///   - onListening: called with the bound port once an HTTP/2 server listens.
    ///   - progress: called after every round.
    /// - Returns: the run's records and final model.
    /// - Throws: ``FederationError`` if the sites do not all join, disagree on their features,
    ///   or the standardization cannot complete; transport errors if the address cannot be bound.
    public func serve(
        over transport: CoordinatorTransport, authenticatedSite: (@Sendable (ServerContext) -> String?)? = nil,
        keyBindingVerifier: SecAggKeyBindingVerifier? = nil, onListening: @Sendable (Int) -> Void = { _ in }, progress: @escaping @Sendable (FederationRoundRecord) -> Void = { _ in }
    ) async throws -> FederationRun {
        if configuration.settings.aggregator == .paillier, configuration.paillierPublicKey == nil {
            throw FederationError.invalidParameter(name: "paillier-public-key", reason: "--aggregator paillier needs the sites' public key")
        }
        let paillierKey = configuration.paillierPublicKey
        let hub = CoordinatorHub(sites: configuration.sites, maximumMessageBytes: configuration.maximumMessageBytes)
        let settings = configuration.settings, count = configuration.sites.count
        let firstRound = (configuration.resumeFrom?.completedRounds ?? 0) + 1
        // SecAgg's authenticated mode: on whenever the sites have certificates and the aggregator
        // is secagg or secagg+. The session id is fresh per run, so no binding replays across runs.
        var secureRandom = SecureRandom()
        let authentication = settings.aggregator.isSecure
            ? keyBindingVerifier.map { KeyBindingSession(verifier: $0, sessionID: secureRandom.bytes(count: KeyBindingSession.sessionIDLength)) } : nil
        if settings.aggregator.isSecure {
            logger.notice("SecAgg authenticated mode", metadata: ["on": "\(authentication != nil)"])
        }
        await hub.setWelcome { index in
            var message = Privagg_Federation_V1_CoordinatorMessage()
            message.welcome = settings.welcome(siteIndex: index, siteCount: count, firstRound: firstRound)
            if let authentication {
                message.welcome.secaggAuthenticated = true
                message.welcome.sessionID = Data(authentication.sessionID)
            }
            if let key = paillierKey { message.welcome.paillierKeyFingerprint = key.fingerprint }
            return message
        }
        let service = FederationService(hub: hub, logger: logger, authenticatedSite: authenticatedSite)
        let configuration = self.configuration, logger = self.logger
        return try await transport.serve(
            service, maximumMessageBytes: configuration.maximumMessageBytes, logger: logger, onListening: onListening
        ) {
            var driver = RoundDriver(configuration: configuration, hub: hub, logger: logger)
            driver.authentication = authentication
            let run: FederationRun
            do {
                run = try await driver.run(progress: progress)
            } catch {
                logger.error("run failed", metadata: ["reason": "\(error)"])
                await hub.abortAll(reason: "\(error)")
                throw error
            }
            await hub.closeAll()
            return run
        }
    }
}
