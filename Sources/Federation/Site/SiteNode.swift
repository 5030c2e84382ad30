import FedAvg
import FederationTLS
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Paillier
import PrivacyAccounting

/// One site of a federation: a gRPC client that holds the site's records, trains on them,
/// charges the site's own privacy ledger before any update leaves, and answers the
/// coordinator stage by stage (``SiteSession``).
public struct SiteNode: Sendable {
    /// Everything a site node needs besides its records.
    public struct Configuration: Sendable {
        /// The coordinator's host (IPv4 address or name).
        public var host: String
        /// The coordinator's port.
        public var port: Int
        /// Folder of the site's ledger (`<site>.ledger`); nil: a new temporary folder for a private run.
        public var ledgerDirectory: String?
        /// The ledger's budget (a ledger already there must have the same).
        public var budget: PrivacyLedger.Budget
        /// The accountant of a ledger this site creates.
        public var accountant: AccountantKind
        /// Seed of the site's sampling, noise, masks and keys, for reproducible runs (nil:
        /// libsodium's CSPRNG, what a deployment must use).
        public var seed: UInt64?
        /// The largest message accepted from the coordinator.
        public var maximumMessageBytes: Int
        /// Fault-injection hooks of the process tests (nil in every real run).
        public var testHooks: TestHooks?
        /// The federation's shared Paillier private key (`--aggregator paillier` runs only).
        public var paillierKey: Paillier.PrivateKey?
        /// The site's TLS credentials (nil with `--insecure`). With them the site binds a fresh
        /// Ed25519 key to its certificate each session and verifies every peer's binding against
        /// the federation CA: SecAgg's authenticated mode, which it then requires of a
        /// secure-aggregator run.
        public var credentials: NodeCredentials?

        /// Hooks with which the real-process tests make a site fail at a chosen point.
        public struct TestHooks: Sendable {
            /// Folder where the site writes each round's contribution (`SITE-round-R.json`)
            /// and the marker `SITE-paused-R` when it pauses.
            public var directory: String
            /// In this round the site writes the marker and stops answering just before it
            /// would send its masked input (so a test can `kill -9` it in that stage).
            public var pauseBeforeMaskedInputRound: Int?

            /// Hooks.
            public init(directory: String, pauseBeforeMaskedInputRound: Int?) {
                self.directory = directory
                self.pauseBeforeMaskedInputRound = pauseBeforeMaskedInputRound
            }
        }

        /// A configuration.
        public init(
            host: String, port: Int, ledgerDirectory: String? = nil, budget: PrivacyLedger.Budget = .init(epsilon: 3, delta: 1e-5),
            accountant: AccountantKind = .rdp, seed: UInt64? = nil, maximumMessageBytes: Int = FederationProtocol.defaultMaximumMessageBytes,
            testHooks: TestHooks? = nil
        ) {
            self.testHooks = testHooks
            self.host = host
            self.port = port
            self.ledgerDirectory = ledgerDirectory
            self.budget = budget
            self.accountant = accountant
            self.seed = seed
            self.maximumMessageBytes = maximumMessageBytes
        }
    }

    /// What a site's participation ended with.
    public struct Outcome: Sendable {
        /// Rounds in which the site sent an update.
        public var roundsContributed: Int
        /// The last global model received.
        public var finalModel: [Double]
        /// ε spent on the site's ledger (nil without privacy).
        public var epsilon: Double?
        /// The ledger's path (nil without privacy).
        public var ledgerPath: String?
        /// The coordinator's stop reason, if any.
        public var stopReason: String?
        /// Whether SecAgg ran in authenticated mode (keys bound to certificates) in this session;
        /// nil when the run's aggregator is not secagg or secagg+.
        public var secAggAuthenticated: Bool? = nil
    }

    let client: SiteClient
    let configuration: Configuration
    let logger: Logger

    /// A site node for `client`'s records.
    public init(client: SiteClient, configuration: Configuration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// Connects over gRPC's HTTP/2 transport to the configured host and port, joins, and
    /// takes part until the coordinator finishes the run.
    ///
    /// - Parameter transportSecurity: `.plaintext` (only with `--insecure`) or mutual TLS.
    /// - Throws: ``FederationError/aborted(reason:)`` if the coordinator aborts or closes the
    ///   session early; ``FederationError/siteRefused(site:reason:)`` for a refused Join;
    ///   ledger errors; transport errors.
    public func run(transportSecurity: HTTP2ClientTransport.Posix.TransportSecurity) async throws -> Outcome {
        try await run(over: .http2(host: configuration.host, port: configuration.port, security: transportSecurity))
    }

    /// Joins over `transport` and takes part until the coordinator finishes the run: the same
    /// session state machine and messages whichever the transport (the configured host and
    /// port are not used; an in-memory transport is ``FederationSimulation``'s).
    ///
    /// - Parameter transport: gRPC over HTTP/2, or an in-process client.
    /// - Throws: ``FederationError/aborted(reason:)`` if the coordinator aborts or closes the
    ///   session early; ``FederationError/siteRefused(site:reason:)`` for a refused Join;
    ///   ledger errors; transport errors.
    public func run(over transport: SiteTransport) async throws -> Outcome {
        let client = self.client, configuration = self.configuration, logger = self.logger
        return try await transport.withClient { federation in
            let (replies, outbox) = AsyncStream<Privagg_Federation_V1_SiteMessage>.makeStream()
            var join = Privagg_Federation_V1_SiteMessage()
            join.join.protocolVersion = FederationProtocol.version
            join.join.site = client.name
            join.join.trainingRecords = UInt64(client.trainingCount)
            join.join.featureCount = UInt32(client.featureCount)
            outbox.yield(join)
            var options = CallOptions.defaults
            options.maxResponseMessageBytes = configuration.maximumMessageBytes
            let request = StreamingClientRequest<Privagg_Federation_V1_SiteMessage> { writer in
                for await message in replies { try await writer.write(message) }
            }
            do {
                return try await federation.session(request: request, options: options) { response in
                    var session = SiteSession(client: client, configuration: configuration, logger: logger)
                    do {
                        for try await message in response.messages {
                            let step = try await session.handle(message)
                            for reply in step.replies { for piece in FederationProtocol.chunked(reply) { outbox.yield(piece) } }
                            if let outcome = step.outcome {
                                outbox.finish()
                                return outcome
                            }
                        }
                    } catch {
                        if let reason = (error as? FederationError)?.description {
                            var abort = Privagg_Federation_V1_SiteMessage()
                            abort.abort.reason = reason
                            outbox.yield(abort)
                        }
                        outbox.finish()
                        throw error
                    }
                    outbox.finish()
                    throw FederationError.aborted(reason: "the coordinator closed the session before the run finished")
                }
            } catch let error as RPCError where error.code == .permissionDenied || error.code == .unauthenticated || error.code == .failedPrecondition {
                throw FederationError.siteRefused(site: client.name, reason: error.message)
            }
        }
    }
}
