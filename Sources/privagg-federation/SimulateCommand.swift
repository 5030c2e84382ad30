import ArgumentParser
import FedAvg
import Federation
import FederationTLS
import Foundation
import Logging
import PrivacyAccounting

/// `privagg-federation simulate`: `serve` and its sites in one process, over the in-memory
/// transport (``FederationSimulation``): the same coordinator, site sessions and messages,
/// no sockets and no TLS.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a federation's coordinator and its sites in one process over the in-memory transport; the same report as serve.",
        discussion: """
            Every option of `serve` applies (--rounds, --aggregator, --privacy, --seed, --output, …; see serve --help) \
            except --listen, --tls, --insecure, --port-file and the metrics options: the coordinator and the sites \
            exchange the same protobuf messages through grpc-swift's in-process transport instead of HTTP/2, with \
            no TLS, so the coordinator takes each site's name from its Join. For simulation and tests only. \
            --sites defaults to the four heart-disease sites (--dataset heart-disease) or client-0 … client-(N-1) \
            (--dataset synthetic --clients N). Each site is what `join` makes of it: the heart-disease sites \
            split with --site-seed (default: --seed, else 7), the synthetic population generated with it; \
            private runs charge each site's ledger in --site-ledger-dir (default: OUTPUT/ledgers, else a new \
            temporary folder). With --aggregator paillier, --paillier-key is the sites' shared private key and \
            --paillier-public-key (serve's) its public half.
            """
    )

    @Option(name: .long, help: "Data of the sites: heart-disease or synthetic.")
    var dataset: String = "heart-disease"
    @Option(name: .long, parsing: .unconditional, help: "Synthetic clients (with --dataset synthetic).")
    var clients: Int?
    @Option(name: .long, parsing: .unconditional, help: "Features of the synthetic data.")
    var dimension: Int = 20
    @Option(name: .customLong("records-per-client"), parsing: .unconditional, help: "Records per synthetic client.")
    var recordsPerClient: Int = 100
    @Option(name: .customLong("site-seed"), parsing: .unconditional, help: ArgumentHelp(
        "Seed of the data split and of each site's sampling, noise, masks and keys (default: --seed; without it split seed 7 and the CSPRNG).",
        discussion: "Whoever knows the seed can regenerate the noise: reproducible simulations only."))
    var siteSeed: UInt64?
    @Option(name: .customLong("site-ledger-dir"), help: "Folder of the sites' ledgers (SITE.ledger).")
    var siteLedgerDir: String?
    @Option(name: .customLong("site-epsilon-budget"), parsing: .unconditional, help: "ε budget of each site's ledger.")
    var siteEpsilonBudget: Double = 3
    @Option(name: .customLong("site-delta"), parsing: .unconditional, help: "δ of each site's ledger.")
    var siteDelta: Double = 1e-5
    @Option(name: .customLong("paillier-key"), help: "--aggregator paillier: the sites' shared private key (pheutil format, mode 0600).")
    var paillierKey: String?
    @Argument(parsing: .allUnrecognized, help: "Options of serve.")
    var serveOptions: [String] = []

    /// serve's options that name a network endpoint or TLS, which a simulation has not.
    static let networkOptions = ["--listen", "--tls", "--insecure", "--port-file", "--metrics-listen", "--metrics-linger", "--metrics-port-file"]

    func validate() throws {
        if let option = serveOptions.first(where: { argument in Self.networkOptions.contains { argument == $0 || argument.hasPrefix($0 + "=") } }) {
            throw ValidationError("\(option) does not apply to simulate: the coordinator and the sites run in this process, in memory")
        }
        switch dataset {
        case "heart-disease":
            guard clients == nil else { throw ValidationError("--clients applies to --dataset synthetic only") }
        case "synthetic":
            guard let clients, (1...10_000).contains(clients) else { throw ValidationError("--dataset synthetic needs --clients N in 1...10000") }
            guard (1...1_000_000).contains(dimension), (10...1_000_000).contains(recordsPerClient) else {
                throw ValidationError("--dimension must be in 1...1000000 and --records-per-client in 10...1000000")
            }
        default: throw ValidationError("--dataset must be heart-disease or synthetic, got '\(dataset)'")
        }
        guard siteEpsilonBudget.isFinite, siteEpsilonBudget > 0 else { throw ValidationError("--site-epsilon-budget must be positive") }
        guard siteDelta > 0, siteDelta < 1 else { throw ValidationError("--site-delta must be in (0, 1)") }
        let serve = try serveCommand()
        let valid = dataset == "synthetic" ? Set((0..<(clients ?? 0)).map { "client-\($0)" }) : Set(HeartDiseaseSite.allCases.map(\.rawValue))
        for name in serve.sites.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !valid.contains(name) {
            throw ValidationError(dataset == "synthetic"
                ? "--sites: \(name) is not one of client-0 … client-\((clients ?? 1) - 1)"
                : "--sites: \(name) is not a heart-disease site (cleveland, hungarian, switzerland, va)")
        }
        if serve.aggregator == "paillier", paillierKey == nil {
            throw ValidationError("--aggregator paillier needs --paillier-key FILE (the sites' shared private key) besides --paillier-public-key")
        }
    }

    /// serve's options, with the defaults of a simulation: the sites, and plaintext (in memory).
    func serveCommand() throws -> ServeCommand {
        var arguments = serveOptions
        if !arguments.contains(where: { $0 == "--sites" || $0.hasPrefix("--sites=") }) {
            let names = dataset == "synthetic" ? (0..<(clients ?? 0)).map { "client-\($0)" } : HeartDiseaseSite.allCases.map(\.rawValue)
            arguments += ["--sites", names.joined(separator: ",")]
        }
        do {
            return try ServeCommand.parse(arguments + ["--insecure"])
        } catch {
            throw ValidationError(ServeCommand.message(for: error))
        }
    }

    func run() async throws {
        let serve = try serveCommand()
        let logger = LogSetup.bootstrap(serve.logLevel, label: "privagg.simulate")
        let configuration = try serve.coordinatorConfiguration(logger: logger)
        let seed = siteSeed ?? configuration.seed
        let clients: [SiteClient]
        if dataset == "synthetic", let count = self.clients {
            let population = try SyntheticData.clients(count: count, dimension: dimension, recordsPerClient: recordsPerClient, labelSkew: 1, seed: seed ?? 7)
            let byName = Dictionary(uniqueKeysWithValues: population.map { ($0.name, $0) })
            // validate() checked every name.
            clients = configuration.sites.map { byName[$0]! }
        } else {
            // As `join --site NAME --seed S` loads each (validate() checked every name).
            clients = try configuration.sites.map { try HeartDisease.clients(sites: [HeartDiseaseSite(rawValue: $0)!], seed: seed ?? 7)[0] }
        }
        let paillier = try paillierKey.map { try PaillierKeyFiles.privateKey(at: $0, allowInsecureForTests: serve.insecureForTests) }
        let ledgers = siteLedgerDir ?? serve.output.map { ($0 as NSString).appendingPathComponent("ledgers") }
        if let ledgers { try FileManager.default.createDirectory(atPath: ledgers, withIntermediateDirectories: true) }
        let nodes = clients.map { client in
            var site = SiteNode.Configuration(
                host: "in-memory", port: 0, ledgerDirectory: ledgers, budget: .init(epsilon: siteEpsilonBudget, delta: siteDelta), seed: seed,
                maximumMessageBytes: configuration.maximumMessageBytes)
            site.paillierKey = paillier
            return SiteNode(client: client, configuration: site, logger: logger)
        }
        let coordinator = FederationCoordinator(configuration: configuration, logger: logger)
        let outcome = try await FederationSimulation.run(coordinator: coordinator, sites: nodes)
        try serve.report(outcome.run, offReason: "in-memory simulation")
        for (client, result) in zip(clients, outcome.sites) {
            switch result {
            case .finished(let site):
                var line = "Site \(client.name): \(site.roundsContributed) rounds contributed."
                if let epsilon = site.epsilon, let path = site.ledgerPath { line += String(format: " ε spent %.3f (ledger %@).", epsilon, path) }
                if let reason = site.stopReason { line += " \(reason)" }
                print(line)
            case .failed(let reason):
                print("Site \(client.name) stopped: \(reason)")
            }
        }
    }
}
