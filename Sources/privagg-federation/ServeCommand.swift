import ArgumentParser
import FedAvg
import Federation
import FederationSupport
import FederationTLS
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import PrivacyAccounting

/// `privagg serve`: the coordinator of a federation.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a federation's coordinator: admit the sites, run FedAvg rounds over gRPC, write the report.",
        discussion: """
            The coordinator sees only protocol messages: each site's Join (name, record count, feature count), \
            its contributions (plain: the weighted update itself; secagg/secagg+: masked vectors from which \
            it learns only the sum) and its evaluation counts. Privacy modes across processes: none, dp-sgd \
            and local (each site trains with its noise and charges its own ledger); distributed (--mechanism \
            ddg|skellam, --bits, with secagg or secagg+: each site clips, rotates, rounds and adds its share of \
            discrete noise, charges its ledger before its masked input leaves, and the coordinator decodes \
            only the noisy sum in Z_2^bits); with --aggregator paillier the sites share a Paillier key pair \
            (join --paillier-key), the coordinator holds only the public key (--paillier-public-key), multiplies \
            the ciphertexts of the sites that delivered, sends the encrypted sum back, and learns the sum from \
            the sites' decryptions (taken only when all agree); central (DP-FedAvg: the coordinator samples sites at \
            --client-rate, the sites send clipped updates (unsampled ones zeros), the coordinator adds \
            Gaussian noise to the sum and charges its own ledger --ledger-dir/server.ledger (budget \
            --epsilon-budget at --delta) before the round; a round over budget stops the run with the \
            reason in the report; the sites keep no ledger, and with plain the coordinator sees each \
            clipped update). Sites charge their own ledgers before any update leaves them (privagg join). A site that disconnects, times out or sends a malformed or \
            out-of-turn message is dropped from the round with a logged reason; secure rounds complete \
            with the survivors while at least t remain and are abandoned below t (the model is unchanged \
            and the next round runs). --output DIR gets report.md, report.json and checkpoint.json \
            (written atomically after every round; --resume continues from it).
            """
    )

    @Option(name: .long, help: "Address to listen on, HOST:PORT (port 0: any free port).")
    var listen: String = "127.0.0.1:50051"
    @Option(name: .long, help: "The expected sites, comma-separated, in protocol order (e.g. cleveland,hungarian,switzerland,va).")
    var sites: String
    @Option(name: .long, parsing: .unconditional, help: "FedAvg rounds.")
    var rounds: Int = 30
    @Option(name: .long, help: "Aggregator: plain, secagg, secagg+ or paillier.")
    var aggregator: String = "secagg"
    @Option(name: .customLong("paillier-public-key"), help: "--aggregator paillier: the sites' shared public key (pheutil format); the coordinator never holds the private key.")
    var paillierPublicKey: String?
    @Flag(name: .customLong("insecure-for-tests"), help: "Accept Paillier keys below 2048 bits (breakable; tests only).")
    var insecureForTests = false
    @Option(name: .long, help: "Privacy mode: none, dp-sgd, local, central or distributed.")
    var privacy: String = "dp-sgd"
    @Option(name: .long, help: "Noise of --privacy distributed: ddg (distributed discrete Gaussian) or skellam.")
    var mechanism: String?
    @Option(name: .long, parsing: .unconditional, help: "Bits of --privacy distributed's ring, 8...62 (default 16; replaces --bit-width).")
    var bits: Int?
    @Option(name: .customLong("client-rate"), parsing: .unconditional, help: "Client sampling rate of --privacy central, in (0, 1] (default 1).")
    var clientRate: Double?
    @Option(name: .customLong("ledger-dir"), help: "--privacy central: folder of the coordinator's ledger (server.ledger).")
    var ledgerDir: String?
    @Option(name: .customLong("epsilon-budget"), parsing: .unconditional, help: "--privacy central: ε budget of the coordinator's ledger (client level).")
    var epsilonBudget: Double = 3
    @Option(name: .long, parsing: .unconditional, help: "--privacy central: δ of the coordinator's ledger.")
    var delta: Double = 1e-5
    @Option(name: .long, help: "--privacy central: accountant of a ledger the coordinator creates, rdp or pld.")
    var accountant: String = "rdp"
    @Option(name: .customLong("noise-multiplier"), parsing: .unconditional, help: "Noise multiplier σ of the private modes.")
    var noiseMultiplier: Double = 3
    @Option(name: .customLong("clip-norm"), parsing: .unconditional, help: "Clipping norm (per example for dp-sgd, per update for local).")
    var clipNorm: Double = 1
    @Option(name: .long, parsing: .unconditional, help: "Local SGD steps per round.")
    var localSteps: Int = 10
    @Option(name: .long, parsing: .unconditional, help: "Poisson sampling rate of each local batch, in (0, 1].")
    var samplingRate: Double = 0.1
    @Option(name: .long, parsing: .unconditional, help: "Learning rate.")
    var learningRate: Double = 0.5
    @Option(name: .long, help: "Model: logistic or mlp.")
    var model: String = "logistic"
    @Option(name: .customLong("hidden-units"), parsing: .unconditional, help: "Hidden units of the mlp model.")
    var hiddenUnits: Int = 16
    @Option(name: .customLong("bit-width"), parsing: .unconditional, help: "Bit width of the secure aggregators' ring, 8...64.")
    var bitWidth: Int = 48
    @Option(name: .long, parsing: .unconditional, help: "Seed of the initial model and SecAgg+ graphs (default: the CSPRNG).")
    var seed: UInt64?
    @Option(name: .customLong("join-timeout"), parsing: .unconditional, help: "Seconds to wait for every site before the first round.")
    var joinTimeout: Double = 120
    @Option(name: .customLong("stage-timeout"), parsing: .unconditional, help: "Seconds one stage may take before missing sites are dropped from the round.")
    var stageTimeout: Double = 60
    @Option(name: .customLong("max-message-bytes"), parsing: .unconditional, help: "Largest gRPC message accepted from a site.")
    var maximumMessageBytes: Int = FederationProtocol.defaultMaximumMessageBytes
    @Option(name: .customLong("masked-input-window"), parsing: .unconditional, help: ArgumentHelp(
        "secagg/secagg+: most sites owing their masked input at once (default: as many as 64 MiB of masked vectors hold, at least 8).",
        discussion: "The rest get the shares that release their masked input as answers arrive, so the coordinator's transport never holds every site's d-sized vector at once."))
    var maskedInputWindow: Int?
    @Option(name: .long, help: "Folder for report.md, report.json and checkpoint.json.")
    var output: String?
    @Flag(name: .long, help: "Continue from OUTPUT/checkpoint.json (the last completed round).")
    var resume = false
    @Option(name: .customLong("port-file"), help: "Write the bound port to this file once listening (for scripts using port 0).")
    var portFile: String?
    @Option(name: .long, help: "The coordinator's TLS folder (DIR/coordinator from `privagg federation init`): mutual TLS, sites admitted by their certificates.")
    var tls: String?
    @Flag(name: .long, help: "Plaintext gRPC without mutual TLS: only for loopback tests.")
    var insecure = false
    @Option(name: .customLong("metrics-listen"), help: "Serve Prometheus metrics at http://HOST:PORT/metrics (PORT alone: 127.0.0.1:PORT; metrics name the sites, so loopback unless you choose otherwise).")
    var metricsListen: String?
    @Option(name: .customLong("metrics-linger"), parsing: .unconditional, help: "Seconds to keep /metrics up after the run, for a last scrape.")
    var metricsLinger: Double = 0
    @Option(name: .customLong("metrics-port-file"), help: ArgumentHelp("Write the bound metrics port here (for tests using port 0).", visibility: .private))
    var metricsPortFile: String?
    @Option(name: .customLong("test-dump-dir"), help: ArgumentHelp("Process tests only: write each round's sum here.", visibility: .private))
    var testDumpDirectory: String?
    @Option(name: .customLong("test-stall-after-aggregating"), help: ArgumentHelp("Process tests only: stall in this round before committing it.", visibility: .private))
    var testStallRound: Int?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelChoice = .info

    func validate() throws {
        _ = try parseAddress(listen, option: "--listen")
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        guard FederationAggregator(rawValue: aggregator) != nil else { throw ValidationError("--aggregator must be plain, secagg, secagg+ or paillier, got '\(aggregator)'") }
        if aggregator == "paillier" {
            guard paillierPublicKey != nil else { throw ValidationError("--aggregator paillier needs --paillier-public-key FILE (the sites' shared public key)") }
        } else if paillierPublicKey != nil {
            throw ValidationError("--paillier-public-key applies to --aggregator paillier only")
        }
        guard ["none", "dp-sgd", "local", "central", "distributed"].contains(privacy) else {
            throw ValidationError("--privacy must be none, dp-sgd, local, central or distributed, got '\(privacy)'")
        }
        if privacy == "distributed" {
            guard let mechanism, DistributedMechanism(rawValue: mechanism) != nil else {
                throw ValidationError("--privacy distributed needs --mechanism ddg or skellam")
            }
            guard aggregator != "plain" else {
                throw ValidationError("--privacy distributed needs --aggregator secagg or secagg+ (each site adds only a share of the noise; only secure aggregation keeps single updates hidden)")
            }
        } else if mechanism != nil || bits != nil {
            throw ValidationError("--mechanism and --bits apply to --privacy distributed only")
        }
        if privacy == "central" {
            guard ledgerDir != nil else { throw ValidationError("--privacy central needs --ledger-dir: the coordinator adds the noise and charges its own ledger") }
            guard epsilonBudget.isFinite, epsilonBudget > 0 else { throw ValidationError("--epsilon-budget must be positive") }
            guard delta > 0, delta < 1 else { throw ValidationError("--delta must be in (0, 1)") }
            guard AccountantKind(rawValue: accountant) != nil else { throw ValidationError("--accountant must be rdp or pld") }
        } else if clientRate != nil || ledgerDir != nil {
            throw ValidationError("--client-rate and --ledger-dir apply to --privacy central only (sites keep their own ledgers in the other modes)")
        }
        guard ["logistic", "mlp"].contains(model) else { throw ValidationError("--model must be logistic or mlp, got '\(model)'") }
        guard joinTimeout > 0, joinTimeout.isFinite, stageTimeout > 0, stageTimeout.isFinite else {
            throw ValidationError("--join-timeout and --stage-timeout must be positive")
        }
        if let metricsListen { _ = try Self.metricsAddress(metricsListen) }
        guard metricsLinger >= 0, metricsLinger <= 3600 else { throw ValidationError("--metrics-linger must be in 0...3600 seconds") }
        if let maskedInputWindow, maskedInputWindow < 1 { throw ValidationError("--masked-input-window must be at least 1, got \(maskedInputWindow)") }
        if resume, output == nil { throw ValidationError("--resume needs --output (the folder holding checkpoint.json)") }
        if insecure, tls != nil { throw ValidationError("--tls and --insecure exclude each other") }
        guard insecure || tls != nil else {
            throw ValidationError("mutual TLS is the default: pass --tls DIR/coordinator (made by `privagg federation init`), or --insecure for loopback tests")
        }
    }

    func run() async throws {
        let logger = LogSetup.bootstrap(logLevel, label: "privagg.coordinator")
        let (host, port) = try parseAddress(listen, option: "--listen")
        let configured = try coordinatorConfiguration(logger: logger)
        let siteNames = configured.sites
        let coordinator = FederationCoordinator(configuration: configured, logger: logger)
        let portFile = self.portFile
        // Mutual TLS: the handshake admits only certificates of this federation's CA naming one of
        // the expected sites, and the site a session speaks for is the one its certificate names.
        var transportSecurity = HTTP2ServerTransport.Posix.TransportSecurity.plaintext
        var authenticatedSite: (@Sendable (ServerContext) -> String?)? = nil
        var keyBindingVerifier: SecAggKeyBindingVerifier?
        if let tls {
            let credentials = try NodeCredentials(directory: tls, role: .coordinator)
            var admitted = Set<NodeName>()
            for name in siteNames { admitted.insert(try NodeName(name)) }
            transportSecurity = try credentials.serverTransportSecurity(admitting: admitted, logger: logger)
            keyBindingVerifier = SecAggKeyBindingVerifier(credentials: credentials)
            authenticatedSite = { context in
                // No verified site certificate: nil, which the service refuses as unauthenticated.
                do { return try FederationIdentity.site(in: context).value } catch { return nil }
            }
        }
        var endpoint: MetricsEndpoint?
        var feed: CoordinatorMetrics?
        if let metricsListen {
            let address = try Self.metricsAddress(metricsListen)
            let metrics = FederationMetrics()
            let started = try await MetricsEndpoint.start(serving: metrics, host: address.host, port: address.port)
            logger.info("metrics endpoint", metadata: ["url": "http://\(address.host):\(started.port)/metrics"])
            if let metricsPortFile {
                do { try PortFile.write(started.port, to: metricsPortFile) } catch { throw ValidationError("\(error)") }
            }
            endpoint = started
            feed = CoordinatorMetrics(metrics: metrics)
        }
        let metricsFeed = feed
        let run = try await coordinator.serve(
            host: host, port: port, transportSecurity: transportSecurity, authenticatedSite: authenticatedSite, keyBindingVerifier: keyBindingVerifier,
            onListening: { bound in
            if let portFile {
                do { try PortFile.write(bound, to: portFile) } catch { logger.error("could not write the port file", metadata: ["error": "\(error)"]) }
            }
        }, progress: { record in metricsFeed?.record(record) })
        try report(run)
        if let endpoint {
            if metricsLinger > 0 { try await Task.sleep(for: .milliseconds(Int64(metricsLinger * 1000))) }
            try await endpoint.close()
        }
    }

    /// The coordinator's configuration these options describe (shared with `simulate`, which
    /// runs the same coordinator over the in-memory transport).
    ///
    /// - Throws: ``FederationError`` for invalid settings; checkpoint and key file errors.
    func coordinatorConfiguration(logger: Logger) throws -> FederationCoordinator.Configuration {
        let siteNames = sites.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let mode: PrivacyMode
        switch privacy {
        case "dp-sgd": mode = .dpSGD(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier)
        case "local": mode = .local(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier)
        case "central": mode = .central(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier, clientSamplingRate: clientRate ?? 1)
        case "distributed":
            mode = .distributed(mechanism: DistributedMechanism(rawValue: mechanism ?? "")!, bits: bits ?? 16, clipNorm: clipNorm, noiseMultiplier: noiseMultiplier)
        default: mode = .none
        }
        let settings = try RunSettings(
            rounds: rounds, aggregator: FederationAggregator(rawValue: aggregator)!, privacy: mode,
            localTraining: try LocalTraining(steps: localSteps, samplingRate: samplingRate, learningRate: learningRate),
            model: model == "mlp" ? .multilayerPerceptron(hiddenUnits: hiddenUnits) : .logisticRegression, bitWidth: bitWidth)
        if let output { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) }
        let checkpointPath = output.map { ($0 as NSString).appendingPathComponent("checkpoint.json") }
        let checkpoint = try resume ? checkpointPath.map { try CoordinatorCheckpoint(contentsOf: $0) } : nil
        if let checkpoint { logger.info("resuming", metadata: ["completed": "\(checkpoint.completedRounds)"]) }
        let configuration = try FederationCoordinator.Configuration(
            sites: siteNames, settings: settings, seed: seed, joinTimeout: .milliseconds(Int64(joinTimeout * 1000)),
            stageTimeout: .milliseconds(Int64(stageTimeout * 1000)), maximumMessageBytes: maximumMessageBytes,
            checkpointPath: checkpointPath, resumeFrom: checkpoint)
        var configured = configuration
        configured.testDumpDirectory = testDumpDirectory
        configured.maskedInputWindow = maskedInputWindow
        configured.testStallAfterAggregatingRound = testStallRound
        if let paillierPublicKey {
            configured.paillierPublicKey = try PaillierKeyFiles.publicKey(at: paillierPublicKey, allowInsecureForTests: insecureForTests)
        }
        if let ledgerDir {
            configured.centralLedger = CentralLedgerSettings(
                directory: ledgerDir, budget: .init(epsilon: epsilonBudget, delta: delta), accountant: AccountantKind(rawValue: accountant)!)
        }
        return configured
    }

    /// Writes the report (with --output) and prints the run's closing lines.
    ///
    /// - Parameter offReason: why SecAgg's authenticated mode can be off (`--insecure`, or
    ///   `simulate`'s in-memory transport).
    func report(_ run: FederationRun, offReason: String = "--insecure") throws {
        if let output { try FederationReportWriter.write(run, to: output) }
        let last = run.records.last { $0.round > 0 }
        print(String(format: "Federation finished: %d rounds, final accuracy %@ (%@, %@).", run.records.filter { $0.round > 0 }.count,
                     last?.accuracy.map { String(format: "%.3f", $0) } ?? "n/a", run.aggregator, run.privacy))
        if let epsilon = run.coordinatorEpsilon, let path = run.coordinatorLedgerPath {
            print(String(format: "Coordinator's ledger (client level): ε spent %.3f (%@).", epsilon, path))
        }
        if let reason = run.stopReason { print("Stopped early: \(reason)") }
        if FederationAggregator(rawValue: aggregator)?.isSecure == true {
            print(run.secaggAuthenticated == true
                ? "SecAgg authenticated mode: on (each site's Ed25519 key bound to its certificate, checked here and by every peer)."
                : "SecAgg authenticated mode: off (\(offReason): no certificates bind the sites' keys, so a malicious coordinator could substitute them).")
        }
        if let output { print("Report written to \(output)/.") }
    }

    /// `--metrics-listen`: HOST:PORT, or PORT alone on loopback.
    static func metricsAddress(_ text: String) throws -> (host: String, port: Int) {
        if let port = Int(text) {
            guard (0...65_535).contains(port) else { throw ValidationError("--metrics-listen port must be in 0...65535, got \(port)") }
            return ("127.0.0.1", port)
        }
        return try parseAddress(text, option: "--metrics-listen")
    }
}
