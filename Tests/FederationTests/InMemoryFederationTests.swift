import FedAvg
import Federation
import Foundation
import GRPCCore
import GRPCInProcessTransport
import Logging
import Paillier
import PrivacyAccounting
import SecureAggregation
import Testing

/// The federation's coordinator and site sessions in one process over the in-memory transport
/// (``FederationSimulation``), against FedAvg's in-process `FederatedTraining.run` with the same
/// seed: the assertions of the process tests (FederationProcessTests,
/// PrivateFederationProcessTests, PaillierFederationProcessTests), plus the cases those skip
/// because processes are slow (skellam, secagg+ with distributed noise, central with secagg,
/// synthetic sites, dropouts in Paillier rounds). Together with the process tests they bind
/// the three paths: in-process loop, in-memory transport, gRPC across processes.
@Suite
struct InMemoryFederationTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)
    static let quiet = Logger(label: "privagg.test.in-memory") { _ in SwiftLogNoOpLogHandler() }

    /// A fresh folder for ledgers and test dumps.
    static func folder(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-inmemory-\(name)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The four heart-disease sites as `privagg join --site NAME --seed SEED` builds each one.
    static func heartDiseaseClients(seed: UInt64) throws -> [SiteClient] {
        try HeartDiseaseSite.allCases.map { try HeartDisease.clients(sites: [$0], seed: seed)[0] }
    }

    /// One site node per client, each with `seed` (as `join --seed SEED`) and a ledger folder.
    static func nodes(
        _ clients: [SiteClient], seed: UInt64, ledgers: String? = nil, paillierKey: Paillier.PrivateKey? = nil,
        hooks: [String: SiteNode.Configuration.TestHooks] = [:]
    ) -> [SiteNode] {
        clients.map { client in
            var configuration = SiteNode.Configuration(
                host: "in-memory", port: 0, ledgerDirectory: ledgers, budget: .init(epsilon: 1e6, delta: 1e-5), seed: seed,
                testHooks: hooks[client.name])
            configuration.paillierKey = paillierKey
            return SiteNode(client: client, configuration: configuration, logger: quiet)
        }
    }

    /// A coordinator of `sites` with the serve defaults of the process tests (10 local steps,
    /// sampling 0.1, learning rate 0.5, logistic regression).
    static func coordinator(
        sites: [String] = sites, rounds: Int, aggregator: FederationAggregator, privacy: PrivacyMode, seed: UInt64,
        configure: (inout FederationCoordinator.Configuration) -> Void = { _ in }
    ) throws -> FederationCoordinator {
        let settings = try RunSettings(
            rounds: rounds, aggregator: aggregator, privacy: privacy,
            localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5))
        var configuration = try FederationCoordinator.Configuration(
            sites: sites, settings: settings, seed: seed, joinTimeout: .seconds(120), stageTimeout: .seconds(120))
        configure(&configuration)
        return FederationCoordinator(configuration: configuration, logger: quiet)
    }

    /// The in-process run `privagg train` makes: standardized by summed statistics without
    /// privacy, public ranges with it.
    static func inProcess(
        clients: [SiteClient], privacy: PrivacyMode, aggregator: any Aggregator, seed: UInt64, rounds: Int, ledgers: String? = nil
    ) async throws -> TrainingRun {
        var clients = clients
        if privacy == .none { try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator()) }
        let configuration = TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5), privacy: privacy,
            budget: privacy == .none ? nil : .init(epsilon: 1e6, delta: 1e-5),
            ledgerDirectory: privacy == .none ? nil : try ledgers ?? folder("reference-ledgers"), model: .logisticRegression,
            seed: seed)
        return try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: aggregator)
    }

    static func largestDifference(_ a: [Double], _ b: [Double]) -> Double {
        a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
    }

    /// Every site finished the run.
    static func expectAllFinished(_ outcome: FederationSimulation.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        for (index, site) in outcome.sites.enumerated() {
            if case .failed(let reason) = site { Issue.record("site \(index) failed: \(reason)", sourceLocation: sourceLocation) }
        }
    }

    // MARK: Plain and secure aggregation

    @Test("plain: the in-memory federation reaches the in-process model bit for bit")
    func plainMatchesInProcess() async throws {
        let clients = try Self.heartDiseaseClients(seed: 11)
        let coordinator = try Self.coordinator(rounds: 3, aggregator: .plain, privacy: .none, seed: 11)
        let outcome = try await FederationSimulation.run(coordinator: coordinator, sites: Self.nodes(clients, seed: 11))
        Self.expectAllFinished(outcome)
        let reference = try await Self.inProcess(clients: clients, privacy: .none, aggregator: PlainAggregator(), seed: 11, rounds: 3)
        #expect(outcome.run.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))
        let rounds = outcome.run.records.filter { $0.round > 0 }
        #expect(rounds.map(\.accuracy) == reference.rounds.map { Optional($0.accuracy) })
        for record in rounds {
            #expect(record.included == Self.sites && record.dropouts.isEmpty)
            // The same protobuf messages as on the wire: each site's 19-entry contribution.
            #expect(record.bytesUp.count == 4 && record.bytesUp.values.allSatisfy { $0 > 8 * 19 })
        }
        // Each site's last model is the coordinator's.
        for site in outcome.sites { #expect(site.outcome?.finalModel == outcome.run.finalModel) }
        #expect(outcome.run.records.first { $0.round == 0 } != nil, "the standardization round")
    }

    @Test("secagg+: the in-memory federation reaches the in-process model within the quantization error")
    func secureAggregationPlusMatchesWithinQuantization() async throws {
        let clients = try Self.heartDiseaseClients(seed: 5)
        let coordinator = try Self.coordinator(rounds: 2, aggregator: .secaggPlus, privacy: .none, seed: 5)
        let outcome = try await FederationSimulation.run(coordinator: coordinator, sites: Self.nodes(clients, seed: 5))
        Self.expectAllFinished(outcome)
        let reference = try await Self.inProcess(clients: clients, privacy: .none, aggregator: PlainAggregator(), seed: 5, rounds: 2)
        // 48-bit ring: far below 1e-6 through two rounds (as across processes).
        let largest = Self.largestDifference(outcome.run.finalModel, reference.model.parameters)
        #expect(largest < 1e-6, "largest difference \(largest)")
        #expect(outcome.run.records.filter { $0.round > 0 }.allSatisfy { $0.included == Self.sites && $0.errorBound > 0 && !$0.abandoned })
    }

    @Test("synthetic sites (join --dataset synthetic): plain bit for bit, secagg within the quantization error")
    func syntheticSitesMatchInProcess() async throws {
        // `join --dataset synthetic --clients 6 --client-index I --dimension 5 --records-per-client 40 --seed 9`.
        let clients = try SyntheticData.clients(count: 6, dimension: 5, recordsPerClient: 40, labelSkew: 1, seed: 9)
        let names = clients.map(\.name)
        let reference = try await Self.inProcess(clients: clients, privacy: .none, aggregator: PlainAggregator(), seed: 9, rounds: 2)

        let plain = try await FederationSimulation.run(
            coordinator: try Self.coordinator(sites: names, rounds: 2, aggregator: .plain, privacy: .none, seed: 9),
            sites: Self.nodes(clients, seed: 9))
        Self.expectAllFinished(plain)
        #expect(plain.run.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))

        let secure = try await FederationSimulation.run(
            coordinator: try Self.coordinator(sites: names, rounds: 2, aggregator: .secagg, privacy: .none, seed: 9),
            sites: Self.nodes(clients, seed: 9))
        Self.expectAllFinished(secure)
        let largest = Self.largestDifference(secure.run.finalModel, reference.model.parameters)
        #expect(largest < 1e-6, "largest difference \(largest)")
        #expect(secure.run.records.filter { $0.round > 0 }.allSatisfy { $0.included == names })
    }

    // MARK: Privacy modes

    /// Distributed DP over `aggregator` with `mechanism`: each round's decoded sum against the
    /// sites' clipped updates, the ledgers against the in-process run's, the model within the
    /// noise's bound (PrivateFederationProcessTests' argument).
    func distributed(mechanism: DistributedMechanism, aggregator: FederationAggregator, seed: UInt64) async throws {
        let dump = try Self.folder("distributed-dump"), ledgers = try Self.folder("distributed-ledgers")
        let (z, clip): (Double, Double) = (0.1, 1)
        let privacy = PrivacyMode.distributed(mechanism: mechanism, bits: 16, clipNorm: clip, noiseMultiplier: z)
        let clients = try Self.heartDiseaseClients(seed: seed)
        let coordinator = try Self.coordinator(rounds: 2, aggregator: aggregator, privacy: privacy, seed: seed) { $0.testDumpDirectory = dump }
        let hooks = Dictionary(uniqueKeysWithValues: Self.sites.map { ($0, SiteNode.Configuration.TestHooks(directory: dump, pauseBeforeMaskedInputRound: nil)) })
        let outcome = try await FederationSimulation.run(coordinator: coordinator, sites: Self.nodes(clients, seed: seed, ledgers: ledgers, hooks: hooks))
        Self.expectAllFinished(outcome)
        let rounds = outcome.run.records.filter { $0.round > 0 }
        #expect(rounds.count == 2 && rounds.allSatisfy { $0.included == Self.sites && !$0.abandoned })

        // Per-site noise of deviation z·S/√t (t = 3 of 4), four sites: √4·σ per entry of the sum.
        let sigma = z * clip / Double(3).squareRoot()
        for round in 1...2 {
            try TestDumps(directory: dump).expectNoisySum(of: Self.sites, round: round, clip: clip, sigma: sigma)
        }

        let variant: SecureAggregator.Variant = aggregator == .secagg ? .complete : .sparse(dropoutFraction: 0.05, corruptFraction: 0.05)
        let reference = try await Self.inProcess(
            clients: clients, privacy: privacy, aggregator: try SecureAggregator(variant: variant, bitWidth: 48, seed: seed), seed: seed, rounds: 2,
            ledgers: try Self.folder("distributed-reference"))
        for name in Self.sites {
            let spent = await (try PrivacyLedger(openingAt: ledgers + "/\(name).ledger")).spent.epsilon
            #expect(abs(spent - reference.epsilon) <= 1e-9 * reference.epsilon, "\(name): ε \(spent) vs in process \(reference.epsilon)")
        }
        let perRound = 7 * 2 * (2 * sigma / 4) + rounds.map(\.errorBound).max()! / 4
        let largest = Self.largestDifference(outcome.run.finalModel, reference.model.parameters)
        #expect(largest <= 2 * perRound, "largest difference \(largest), bound \(2 * perRound)")
    }

    @Test("distributed DP (ddg, secagg): noisy sum decoded, ledgers charged as in process, model within the noise bound")
    func distributedDiscreteGaussian() async throws {
        try await distributed(mechanism: .discreteGaussian, aggregator: .secagg, seed: 21)
    }

    @Test("distributed DP (skellam, secagg+): the case the process tests skip")
    func distributedSkellamSecAggPlus() async throws {
        try await distributed(mechanism: .skellam, aggregator: .secaggPlus, seed: 22)
    }

    /// A budget of the coordinator's ledger for exactly two rounds of `event`, and ε after two.
    static func budgetForTwoRounds(_ event: PrivacyEvent) async throws -> (budget: Double, two: Double) {
        let probe = try PrivacyLedger(creatingAt: try folder("probe") + "/probe.ledger", budget: .init(epsilon: 1e6, delta: 1e-5), accountant: .rdp)
        _ = try await probe.spend(event)
        let two = try await probe.spend(event).epsilon
        let three = try await probe.projected(event).epsilon
        return ((two + three) / 2, two)
    }

    @Test("central DP: plain bit for bit the in-process model, secagg within the quantization error; the coordinator's ledger stops the run at its budget", arguments: [FederationAggregator.plain, .secagg])
    func centralMatchesInProcessAndStopsAtBudget(aggregator: FederationAggregator) async throws {
        let (sigma, rate, seed): (Double, Double, UInt64) = (1, 0.5, 13)
        let event = PrivacyEvent.poissonSampled(rate: rate, event: .gaussian(noiseMultiplier: sigma))
        let (budget, two) = try await Self.budgetForTwoRounds(event)
        let serverLedgers = try Self.folder("central-server")
        let privacy = PrivacyMode.central(clipNorm: 1, noiseMultiplier: sigma, clientSamplingRate: rate)
        let clients = try Self.heartDiseaseClients(seed: seed)
        let coordinator = try Self.coordinator(rounds: 3, aggregator: aggregator, privacy: privacy, seed: seed) {
            $0.centralLedger = CentralLedgerSettings(directory: serverLedgers, budget: .init(epsilon: budget, delta: 1e-5), accountant: .rdp)
        }
        let outcome = try await FederationSimulation.run(coordinator: coordinator, sites: Self.nodes(clients, seed: seed))
        Self.expectAllFinished(outcome)
        #expect(outcome.run.records.filter { $0.round > 0 }.count == 2)
        #expect(outcome.run.stopReason?.contains("privacy budget reached: round 3") == true, "\(outcome.run.stopReason ?? "no stop reason")")
        let spent = try #require(outcome.run.coordinatorEpsilon)
        #expect(abs(spent - two) <= 1e-12 * two && spent <= budget)
        let ledger = try PrivacyLedger(openingAt: serverLedgers + "/server.ledger")
        #expect(abs(await ledger.spent.epsilon - two) <= 1e-12 * two)

        let reference = try await Self.inProcess(clients: clients, privacy: privacy, aggregator: PlainAggregator(), seed: seed, rounds: 2)
        if aggregator == .plain {
            #expect(outcome.run.finalModel == reference.model.parameters)
            #expect(outcome.run.records.filter { $0.round > 0 }.map(\.accuracy) == reference.rounds.map { Optional($0.accuracy) })
        } else {
            // Same sampling, clipped updates and server noise; only the 48-bit quantization of
            // the masked sum differs.
            let largest = Self.largestDifference(outcome.run.finalModel, reference.model.parameters)
            #expect(largest < 1e-6, "largest difference \(largest)")
            #expect(outcome.run.records.filter { $0.round > 0 }.allSatisfy { $0.errorBound > 0 })
        }
    }

    @Test("paillier (dp-sgd, 1024-bit test key): the decrypted sums hold the contributions; the model is the in-process one within the quantization error")
    func paillierMatchesInProcess() async throws {
        let key = try Paillier.PrivateKey.generate(bits: 1024, allowInsecureForTests: true)
        let dump = try Self.folder("paillier-dump"), seed: UInt64 = 17
        let privacy = PrivacyMode.dpSGD(clipNorm: 1, noiseMultiplier: 3)
        let clients = try Self.heartDiseaseClients(seed: seed)
        let coordinator = try Self.coordinator(rounds: 2, aggregator: .paillier, privacy: privacy, seed: seed) {
            $0.paillierPublicKey = key.publicKey
            $0.testDumpDirectory = dump
        }
        let hooks = Dictionary(uniqueKeysWithValues: Self.sites.map { ($0, SiteNode.Configuration.TestHooks(directory: dump, pauseBeforeMaskedInputRound: nil)) })
        let outcome = try await FederationSimulation.run(
            coordinator: coordinator, sites: Self.nodes(clients, seed: seed, ledgers: try Self.folder("paillier-ledgers"), paillierKey: key, hooks: hooks))
        Self.expectAllFinished(outcome)
        let rounds = outcome.run.records.filter { $0.round > 0 }
        #expect(rounds.count == 2 && rounds.allSatisfy { $0.included == Self.sites && !$0.abandoned && $0.errorBound > 0 })
        for round in 1...2 {
            try TestDumps(directory: dump).expectSum(of: Self.sites, round: round)
        }
        let reference = try await Self.inProcess(
            clients: clients, privacy: privacy, aggregator: try PaillierAggregator(privateKey: key), seed: seed, rounds: 2,
            ledgers: try Self.folder("paillier-reference"))
        let largest = Self.largestDifference(outcome.run.finalModel, reference.model.parameters)
        #expect(largest < 1e-4, "largest difference \(largest)")
    }

    // MARK: Dropouts

    /// Runs the coordinator and `nodes` over the in-memory transport, cancelling the session of
    /// `dropped` once the marker file `marker` appears (the site has reached the point its test
    /// hook marks): a site that disconnects there.
    static func runCancelling(
        _ dropped: Set<String>, marker: @escaping @Sendable (String) -> String, coordinator: FederationCoordinator, nodes: [SiteNode], names: [String]
    ) async throws -> (run: FederationRun, finished: [String]) {
        let transport = InProcessTransport()
        return try await withGRPCClient(transport: transport.client) { grpc in
            async let run = coordinator.serve(over: .inMemory(transport.server))
            let finished = try await withThrowingTaskGroup(of: String?.self) { group in
                for (name, node) in zip(names, nodes) {
                    group.addTask {
                        guard dropped.contains(name) else { _ = try await node.run(over: .inMemory(grpc)); return name }
                        let session = Task { try await node.run(over: .inMemory(grpc)) }
                        // Polls without blocking a thread of the cooperative pool.
                        while !FileManager.default.fileExists(atPath: marker(name)) { try await Task.sleep(for: .milliseconds(10)) }
                        session.cancel()
                        let ended: Result<SiteNode.Outcome, any Error> = await session.result
                        if case .success = ended { Issue.record("site \(name) finished despite its cancellation") }
                        return nil
                    }
                }
                var finished: [String] = []
                for try await name in group { if let name { finished.append(name) } }
                return finished.sorted()
            }
            return (try await run, finished)
        }
    }

    @Test("a site session cancelled in the masked-input stage: the round completes with the survivors, exactly their sum", arguments: [FederationAggregator.secagg, .secaggPlus])
    func cancelledSiteDuringMaskedInput(aggregator: FederationAggregator) async throws {
        let dump = try Self.folder("dropout")
        let clients = try Self.heartDiseaseClients(seed: 3)
        let coordinator = try Self.coordinator(rounds: 2, aggregator: aggregator, privacy: .none, seed: 3) { $0.testDumpDirectory = dump }
        var hooks = Dictionary(uniqueKeysWithValues: Self.sites.map { ($0, SiteNode.Configuration.TestHooks(directory: dump, pauseBeforeMaskedInputRound: nil)) })
        hooks["va"] = .init(directory: dump, pauseBeforeMaskedInputRound: 1)
        let (run, finished) = try await Self.runCancelling(
            ["va"], marker: { dump + "/\($0)-paused-1" }, coordinator: coordinator, nodes: Self.nodes(clients, seed: 3, hooks: hooks), names: Self.sites)
        let survivors = ["cleveland", "hungarian", "switzerland"]
        #expect(finished == survivors.sorted())
        let dumps = TestDumps(directory: dump)
        #expect(try dumps.sum(round: 1).included == survivors)
        try dumps.expectSum(of: survivors, round: 1)
        let round1 = try #require(run.records.first { $0.round == 1 })
        #expect(round1.included == survivors && !round1.abandoned)
        #expect(round1.dropouts["va"]?.contains("disconnected") == true, "\(round1.dropouts)")
        let round2 = try #require(run.records.first { $0.round == 2 })
        #expect(round2.participants == survivors && round2.included == survivors && !round2.abandoned)
    }

    @Test("two sessions cancelled in the masked-input stage of secagg: below the threshold the round is abandoned and the next one runs")
    func belowThresholdRoundIsAbandoned() async throws {
        let dump = try Self.folder("threshold")
        let clients = try Self.heartDiseaseClients(seed: 4)
        let coordinator = try Self.coordinator(rounds: 2, aggregator: .secagg, privacy: .none, seed: 4) { $0.testDumpDirectory = dump }
        let killed: Set<String> = ["switzerland", "va"]
        let hooks = Dictionary(uniqueKeysWithValues: Self.sites.map {
            ($0, SiteNode.Configuration.TestHooks(directory: dump, pauseBeforeMaskedInputRound: killed.contains($0) ? 1 : nil))
        })
        let (run, finished) = try await Self.runCancelling(
            killed, marker: { dump + "/\($0)-paused-1" }, coordinator: coordinator, nodes: Self.nodes(clients, seed: 4, hooks: hooks), names: Self.sites)
        #expect(finished == ["cleveland", "hungarian"])
        let round1 = try #require(run.records.first { $0.round == 1 })
        #expect(round1.abandoned)
        #expect(round1.abandonReason?.contains("threshold") == true, "\(round1.abandonReason ?? "")")
        #expect(!FileManager.default.fileExists(atPath: dump + "/sum-round-1.json"))
        let round2 = try #require(run.records.first { $0.round == 2 })
        #expect(!round2.abandoned && round2.included == ["cleveland", "hungarian"])
    }

    @Test("a site session cancelled once its Paillier contribution is computed: the round completes with the sites that delivered, the next without it")
    func cancelledSiteInPaillierRound() async throws {
        let key = try Paillier.PrivateKey.generate(bits: 1024, allowInsecureForTests: true)
        let dump = try Self.folder("paillier-dropout"), seed: UInt64 = 19
        let clients = try Self.heartDiseaseClients(seed: seed)
        let coordinator = try Self.coordinator(rounds: 2, aggregator: .paillier, privacy: .none, seed: seed) {
            $0.paillierPublicKey = key.publicKey
            $0.testDumpDirectory = dump
        }
        let hooks = Dictionary(uniqueKeysWithValues: Self.sites.map { ($0, SiteNode.Configuration.TestHooks(directory: dump, pauseBeforeMaskedInputRound: nil)) })
        // The contribution file is written just before the site sends it: the cancellation
        // lands before or after the coordinator has it, so va is either left out of round 1's
        // sum or in it and gone before decrypting; the sum must hold exactly who it names.
        let (run, finished) = try await Self.runCancelling(
            ["va"], marker: { dump + "/\($0)-round-1.json" }, coordinator: coordinator,
            nodes: Self.nodes(clients, seed: seed, paillierKey: key, hooks: hooks), names: Self.sites)
        let survivors = ["cleveland", "hungarian", "switzerland"]
        #expect(finished == survivors.sorted())
        let round1 = try #require(run.records.first { $0.round == 1 })
        #expect(!round1.abandoned, "\(round1.abandonReason ?? "")")
        #expect(round1.included == survivors || round1.included == Self.sites, "\(round1.included)")
        let dumped = try JSONDecoder().decode(SumDump.self, from: Data(contentsOf: URL(fileURLWithPath: dump + "/sum-round-1.json")))
        #expect(dumped.included == round1.included)
        var expected = [Double](repeating: 0, count: dumped.sum.count)
        for name in dumped.included {
            let contribution = try JSONDecoder().decode([Double].self, from: Data(contentsOf: URL(fileURLWithPath: dump + "/\(name)-round-1.json")))
            for index in expected.indices { expected[index] += contribution[index] }
        }
        for index in expected.indices { #expect(abs(dumped.sum[index] - expected[index]) <= dumped.errorBound, "entry \(index)") }
        let round2 = try #require(run.records.first { $0.round == 2 })
        #expect(round2.participants == survivors && round2.included == survivors && !round2.abandoned)
    }

    // MARK: Benchmark

    @Test("bench federation in memory: the benchmark coordinator and synthetic sites, sums verified", arguments: [FederationAggregator.plain, .secaggPlus])
    func benchmarkInMemory(aggregator: FederationAggregator) async throws {
        let configuration = try BenchmarkCoordinator.Configuration(clients: 6, dimension: 300, aggregator: aggregator, rounds: 2, seed: 1)
        let sites = try configuration.siteNames.map {
            try SyntheticSite(name: $0, host: "in-memory", port: 0, dimension: 300, seed: 1, logger: Self.quiet)
        }
        let result = try await FederationSimulation.benchmark(coordinator: BenchmarkCoordinator(configuration: configuration, logger: Self.quiet), sites: sites)
        #expect(result.rounds.count == 2)
        for round in result.rounds {
            #expect(round.included == 6 && round.dropouts.isEmpty && round.abandonReason == nil)
            #expect(round.sumVerified == true, "max error \(round.sumMaximumError ?? .nan) bound \(round.sumErrorBound ?? .nan)")
            // Bytes counted by the same hub as over HTTP/2: at least the 300 entries each way.
            #expect(round.grpcBytesUpPerClient > 300 * (aggregator == .plain ? 8 : 6))
        }
        let figures = result.sites.compactMap { $0 }
        #expect(figures.count == 6 && figures.allSatisfy { $0.rounds == 2 && $0.messageBytesUp > 0 })
    }
}
