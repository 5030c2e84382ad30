import ArgumentParser
import FedAvg
import Federation
import FederationTLS
import Foundation
import GRPCNIOTransportHTTP2
import Logging
import PrivacyAccounting

/// `privagg join`: one site node.
struct JoinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Run one site of a federation: load its records, connect to the coordinator, train and aggregate.",
        discussion: """
            --site names one of the four UCI heart-disease sites (cleveland, hungarian, switzerland, va), \
            split with --seed (default 7) exactly as privagg train splits it; or --dataset synthetic \
            generates --clients clients and takes the one at --client-index (named client-INDEX). The \
            site's records, noise, masks, keys and ledger never leave this process: in a private run \
            the ledger (LEDGER-DIR/SITE.ledger, budget --epsilon-budget at --delta) is charged \
            before the round's update leaves, and a round it cannot pay for is declined (the site \
            leaves the federation).
            """
    )

    @Option(name: .long, help: "The coordinator, HOST:PORT.")
    var server: String
    @Option(name: .long, help: "Heart-disease site: cleveland, hungarian, switzerland or va.")
    var site: String?
    @Option(name: .long, help: "Data: heart-disease or synthetic.")
    var dataset: String = "heart-disease"
    @Option(name: .long, parsing: .unconditional, help: "Synthetic clients generated (with --dataset synthetic).")
    var clients: Int?
    @Option(name: .customLong("client-index"), parsing: .unconditional, help: "Which synthetic client this site is, 0-based.")
    var clientIndex: Int?
    @Option(name: .customLong("dimension"), parsing: .unconditional, help: "Features of the synthetic data.")
    var dimension: Int = 20
    @Option(name: .customLong("records-per-client"), parsing: .unconditional, help: "Records per synthetic client.")
    var recordsPerClient: Int = 100
    @Option(name: .customLong("ledger-dir"), help: "Folder of the site's privacy ledger (default: a new temporary folder).")
    var ledgerDir: String?
    @Option(name: .customLong("epsilon-budget"), parsing: .unconditional, help: "ε budget of the site's ledger.")
    var epsilonBudget: Double = 3
    @Option(name: .long, parsing: .unconditional, help: "δ of the site's ledger.")
    var delta: Double = 1e-5
    @Option(name: .long, help: "Accountant of a ledger this site creates: rdp or pld.")
    var accountant: String = "rdp"
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Seed of the data split and of the site's sampling, noise, masks and keys (default: split seed 7, the rest from the CSPRNG).",
        discussion: "Whoever knows the seed can regenerate the noise, so ε holds only while it stays secret."))
    var seed: UInt64?
    @Option(name: .customLong("max-message-bytes"), parsing: .unconditional, help: "Largest gRPC message accepted from the coordinator.")
    var maximumMessageBytes: Int = FederationProtocol.defaultMaximumMessageBytes
    @Option(name: .long, help: "This site's TLS folder (DIR/sites/NAME from `privagg federation init`): mutual TLS with the federation's coordinator.")
    var tls: String?
    @Flag(name: .long, help: "Plaintext gRPC without mutual TLS: only for loopback tests.")
    var insecure = false
    @Option(name: .customLong("paillier-key"), help: "--aggregator paillier runs: the federation's shared private key (pheutil format, mode 0600).")
    var paillierKey: String?
    @Flag(name: .customLong("insecure-for-tests"), help: "Accept Paillier keys below 2048 bits (breakable; tests only).")
    var insecureForTests = false
    @Option(name: .customLong("test-dump-dir"), help: ArgumentHelp("Process tests only: write contributions and markers here.", visibility: .private))
    var testDumpDirectory: String?
    @Option(name: .customLong("test-pause-before-masked-input"), help: ArgumentHelp("Process tests only: stall in this round's masked-input stage.", visibility: .private))
    var testPauseRound: Int?
    @Option(name: .customLong("test-unchecked-tls-trusting"), help: ArgumentHelp(
        "Tests only: present --tls DIR's certificate and key without checking them (expired, another federation's) and trust the coordinator CA in this file, so the coordinator's own refusal can be tested.",
        visibility: .private))
    var testUncheckedTrusting: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelChoice = .info

    func validate() throws {
        _ = try parseAddress(server, option: "--server")
        switch dataset {
        case "heart-disease":
            guard let site, HeartDiseaseSite(rawValue: site) != nil else {
                throw ValidationError("--site must be cleveland, hungarian, switzerland or va with --dataset heart-disease")
            }
        case "synthetic":
            guard let clients, (1...100_000).contains(clients), let clientIndex, (0..<clients).contains(clientIndex) else {
                throw ValidationError("--dataset synthetic needs --clients N (1...100000) and --client-index in 0..<N")
            }
            guard (1...1_000_000).contains(dimension), (10...1_000_000).contains(recordsPerClient) else {
                throw ValidationError("--dimension must be in 1...1000000 and --records-per-client in 10...1000000")
            }
        default: throw ValidationError("--dataset must be heart-disease or synthetic, got '\(dataset)'")
        }
        guard epsilonBudget.isFinite, epsilonBudget > 0 else { throw ValidationError("--epsilon-budget must be positive") }
        guard delta > 0, delta < 1 else { throw ValidationError("--delta must be in (0, 1)") }
        guard AccountantKind(rawValue: accountant) != nil else { throw ValidationError("--accountant must be rdp or pld") }
        if insecure, tls != nil { throw ValidationError("--tls and --insecure exclude each other") }
        if testUncheckedTrusting != nil, tls == nil { throw ValidationError("--test-unchecked-tls-trusting needs --tls") }
        guard insecure || tls != nil else {
            throw ValidationError("mutual TLS is the default: pass --tls DIR/sites/NAME (made by `privagg federation init`), or --insecure for loopback tests")
        }
    }

    func run() async throws {
        let logger = LogSetup.bootstrap(logLevel, label: "privagg.site")
        let (host, port) = try parseAddress(server, option: "--server")
        let splitSeed = seed ?? 7
        let client: SiteClient
        if dataset == "synthetic", let clients, let clientIndex {
            // Every node generates the same population and keeps its own member.
            let all = try SyntheticData.clients(count: clients, dimension: dimension, recordsPerClient: recordsPerClient, labelSkew: 1, seed: splitSeed)
            client = all[clientIndex]
        } else {
            client = try HeartDisease.clients(sites: [HeartDiseaseSite(rawValue: site ?? "")!], seed: splitSeed)[0]
        }
        // Read (and its 0600 mode checked) before connecting: a bad key file fails here, not mid-run.
        let paillier = try paillierKey.map { try PaillierKeyFiles.privateKey(at: $0, allowInsecureForTests: insecureForTests) }
        var configuration = SiteNode.Configuration(
                host: host, port: port, ledgerDirectory: ledgerDir, budget: .init(epsilon: epsilonBudget, delta: delta),
                accountant: AccountantKind(rawValue: accountant)!, seed: seed, maximumMessageBytes: maximumMessageBytes,
                testHooks: testDumpDirectory.map { .init(directory: $0, pauseBeforeMaskedInputRound: testPauseRound) })
        configuration.paillierKey = paillier
        var transportSecurity = HTTP2ClientTransport.Posix.TransportSecurity.plaintext
        if let tls {
            if let authority = testUncheckedTrusting {
                let node = SiteNode(client: client, configuration: configuration, logger: logger)
                let run = try await node.run(transportSecurity: .mTLS(
                    certificateChain: [.file(path: tls + "/cert.pem", format: .pem)], privateKey: .file(path: tls + "/key.pem", format: .pem)
                ) { $0.trustRoots = .certificates([.file(path: authority, format: .pem)]) })
                print("Site \(client.name): \(run.roundsContributed) rounds contributed (unchecked test credentials).")
                return
            }
            let credentials = try NodeCredentials(directory: tls, role: .site)
            // The coordinator takes the site's name from the certificate; a mismatch would only
            // be refused there, so say it here first.
            guard credentials.identity.name.value == client.name else {
                throw ValidationError("the certificate in \(tls) is site \(credentials.identity.name.value)'s, not \(client.name)'s")
            }
            transportSecurity = try credentials.clientTransportSecurity()
            configuration.credentials = credentials
        }
        let node = SiteNode(client: client, configuration: configuration, logger: logger)
        let outcome = try await node.run(transportSecurity: transportSecurity)
        var line = "Site \(client.name): \(outcome.roundsContributed) rounds contributed."
        if let epsilon = outcome.epsilon, let path = outcome.ledgerPath { line += String(format: " ε spent %.3f (ledger %@).", epsilon, path) }
        if let reason = outcome.stopReason { line += " \(reason)" }
        if let authenticated = outcome.secAggAuthenticated {
            line += authenticated ? " SecAgg authenticated mode: on." : " SecAgg authenticated mode: off (--insecure: no certificate binds the keys)."
        }
        print(line)
    }
}
