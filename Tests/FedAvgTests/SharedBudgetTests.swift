@testable import FedAvg
import Foundation
import PrivacyAccounting
import PrivAggTools
import Testing

/// Issue 13, items 1, 2, 4 and 10: one budget per site across privacy modes, runs that train
/// nothing say so, and ledgers are never lost, split or left behind by a failed start.
@Suite("Shared site budgets")
final class SharedBudgetTests: Sendable {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fedavg-shared-\(UUID().uuidString)").path

    deinit { try? FileManager.default.removeItem(atPath: root) }

    private func folder() -> String { root + "/" + UUID().uuidString }

    private func configuration(_ privacy: PrivacyMode, rounds: Int, budget: Double, directory: String) throws -> TrainingConfiguration {
        TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 5, samplingRate: 0.1, learningRate: 0.5),
            privacy: privacy, budget: .init(epsilon: budget, delta: 1e-5), ledgerDirectory: directory, seed: 5)
    }

    private static func spent(_ path: String) throws -> (epsilon: Double, events: [PrivacyEvent]) {
        let contents = try LedgerFile.read(path: path)
        var accountant = RDPAccountant()
        for entry in contents.entries { try accountant.compose(entry.event) }
        return (try accountant.epsilon(delta: contents.header.delta).epsilon, contents.entries.map(\.event))
    }

    /// The central mode charges each sampled site σ/2 (record level) and the server the
    /// client-level event; the run's ε is the sites' record-level one.
    @Test func centralRunsChargeTheSampledSitesRecordLevelEvent() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        let run = try await FederatedTraining.run(
            clients: clients,
            configuration: try configuration(.central(clipNorm: 1, noiseMultiplier: 8, clientSamplingRate: 0.5), rounds: 6, budget: 50, directory: directory),
            aggregator: SecureAggregator(seed: 2))
        #expect(run.rounds.count == 6)
        #expect(run.ledgerPaths == clients.map { directory + "/\($0.name).ledger" } + [directory + "/server.ledger"])
        var largest = 0.0, charges = 0
        for client in clients {
            let (epsilon, events) = try Self.spent(directory + "/\(client.name).ledger")
            #expect(events.allSatisfy { $0 == .gaussian(noiseMultiplier: 4) })
            #expect(events.count <= 6)
            largest = max(largest, epsilon)
            charges += events.count
        }
        // With q = 0.5 over 4 sites and 6 rounds, some site was sampled (p of none: 2^-24).
        #expect(charges > 0)
        #expect(abs(run.epsilon - largest) < 1e-12)
        let server = try Self.spent(directory + "/server.ledger")
        #expect(server.events == Array(repeating: .poissonSampled(rate: 0.5, event: .gaussian(noiseMultiplier: 8)), count: 6))
        #expect(run.clientLevelEpsilon.map { abs($0 - server.epsilon) < 1e-12 } == true)
    }

    /// The issue's reproduction: a central run, then a DP-SGD run on the same ledger folder,
    /// budget 3. The DP-SGD run may spend only what central left of each site's budget.
    @Test func centralThenDPSGDOnOneFolderNeverExceedTheSiteBudgets() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        let central = try await FederatedTraining.run(
            clients: clients,
            configuration: try configuration(.central(clipNorm: 1, noiseMultiplier: 10, clientSamplingRate: 1), rounds: 30, budget: 3, directory: directory),
            aggregator: PlainAggregator())
        #expect(central.stopReason?.contains("privacy budget reached") == true)
        #expect(central.epsilon <= 3 && central.epsilon > 2)
        let afterCentral = try Self.spent(directory + "/cleveland.ledger").epsilon
        let dpSGD = try await FederatedTraining.run(
            clients: clients,
            configuration: try configuration(.dpSGD(clipNorm: 1, noiseMultiplier: 3), rounds: 30, budget: 3, directory: directory),
            aggregator: PlainAggregator())
        #expect(dpSGD.stopReason != nil)
        #expect(dpSGD.epsilon <= 3)
        for client in clients {
            let (epsilon, events) = try Self.spent(directory + "/\(client.name).ledger")
            #expect(epsilon <= 3, "\(client.name)")
            #expect(events.contains(.gaussian(noiseMultiplier: 5)))
            #expect(events.count == central.rounds.count + dpSGD.rounds.count)
        }
        #expect(try Self.spent(directory + "/cleveland.ledger").epsilon >= afterCentral)
    }

    /// A run whose ledgers are already spent trains nothing and says why.
    @Test func aSpentBudgetTrainsNothingAndSaysWhy() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        let settings = try configuration(.local(clipNorm: 1, noiseMultiplier: 4), rounds: 40, budget: 2, directory: directory)
        let first = try await FederatedTraining.run(clients: clients, configuration: settings, aggregator: PlainAggregator())
        #expect(!first.trainedNothing && first.rounds.count >= 1)
        let second = try await FederatedTraining.run(clients: clients, configuration: settings, aggregator: PlainAggregator())
        #expect(second.trainedNothing && second.rounds.isEmpty)
        #expect(second.stopReason?.hasPrefix("privacy budget exhausted before the first round") == true)
        #expect(abs(second.epsilon - first.epsilon) < 1e-12)
        // A noise multiplier no budget can pay for stops before the first round too.
        let hopeless = try configuration(.dpSGD(clipNorm: 1, noiseMultiplier: 1e-300), rounds: 3, budget: 3, directory: folder())
        let none = try await FederatedTraining.run(clients: clients, configuration: hopeless, aggregator: PlainAggregator())
        #expect(none.trainedNothing)
    }

    /// When one ledger cannot be opened, the ledgers this run created are removed again and
    /// the ones that were there before are left exactly as they were.
    @Test func aFailedStartRemovesOnlyTheLedgersItCreated() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let foreign = directory + "/switzerland.ledger"
        let existing = try PrivacyLedger(creatingAt: foreign, budget: .init(epsilon: 7, delta: 1e-5))
        try await existing.spend(.gaussian(noiseMultiplier: 10), label: "earlier run")
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        await #expect(throws: PrivacyAccountingError.ledgerInUse(path: foreign)) {
            try await FederatedTraining.run(
                clients: clients, configuration: try self.configuration(.dpSGD(clipNorm: 1, noiseMultiplier: 3), rounds: 2, budget: 7, directory: directory),
                aggregator: PlainAggregator())
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["switzerland.ledger"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
        _ = existing
    }

    /// A run that may only create ledgers (the demo's setting) refuses an existing one, even
    /// unlocked, removes what it created, and leaves the existing ledger as it was.
    @Test func aCreateOnlyRunRefusesAnExistingLedger() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/hungarian.ledger"
        var ledger: PrivacyLedger? = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 3, delta: 1e-5))
        try await ledger!.spend(.gaussian(noiseMultiplier: 10), label: "another run")
        ledger = nil
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var settings = try configuration(.dpSGD(clipNorm: 1, noiseMultiplier: 3), rounds: 2, budget: 3, directory: directory)
        settings.reopensExistingLedgers = false
        do {
            _ = try await FederatedTraining.run(clients: clients, configuration: settings, aggregator: PlainAggregator())
            Issue.record("a create-only run reopened an existing ledger")
        } catch PrivacyAccountingError.ledgerIO(let failed, _, let code) {
            #expect(failed == path && code == EEXIST)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["hungarian.ledger"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    /// A run without differential privacy cannot be charged to any ledger, so it may not run
    /// on sites whose budgets a ledger in its folder tracks.
    @Test func aNonPrivateRunIsRefusedOnTrackedSites() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        _ = try await FederatedTraining.run(
            clients: clients, configuration: try configuration(.dpSGD(clipNorm: 1, noiseMultiplier: 3), rounds: 1, budget: 3, directory: directory),
            aggregator: PlainAggregator())
        let before = try Data(contentsOf: URL(fileURLWithPath: directory + "/va.ledger"))
        var settings = try configuration(.none, rounds: 2, budget: 3, directory: directory)
        settings.budget = nil
        do {
            _ = try await FederatedTraining.run(clients: clients, configuration: settings, aggregator: PlainAggregator())
            Issue.record("a non-private run trained on sites whose budgets are tracked")
        } catch FedAvgError.invalidParameter(let name, let reason) {
            #expect(name == "privacy" && reason.contains(directory + "/va.ledger"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/va.ledger")) == before)
        // Elsewhere (no ledger for these sites) it runs.
        settings.ledgerDirectory = folder()
        let free = try await FederatedTraining.run(clients: clients, configuration: settings, aggregator: PlainAggregator())
        #expect(free.rounds.count == 2)
    }

    /// More clients than ledgers a run may hold open: refused before any file is made.
    @Test func tooManyPrivateClientsAreRefusedBeforeAnyLedgerIsCreated() async throws {
        let clients = try SyntheticData.clients(count: FederatedTraining.maximumLedgers + 1, dimension: 2, recordsPerClient: 10, labelSkew: 1, seed: 1)
        let directory = folder()
        do {
            _ = try await FederatedTraining.run(
                clients: clients, configuration: try configuration(.dpSGD(clipNorm: 1, noiseMultiplier: 3), rounds: 1, budget: 3, directory: directory),
                aggregator: PlainAggregator())
            Issue.record("a run with \(clients.count) ledgers was not refused")
        } catch FedAvgError.invalidParameter(let name, let reason) {
            #expect(name == "clients" && reason.contains("at most \(FederatedTraining.maximumLedgers) clients"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    /// The demo never deletes or spends from ledgers it did not create.
    @Test func demoRefusesAFolderThatHoldsLedgers() async throws {
        let directory = folder()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/cleveland.ledger"
        var ledger: PrivacyLedger? = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 3, delta: 1e-5))
        try await ledger!.spend(.gaussian(noiseMultiplier: 10), label: "train round 1")
        ledger = nil
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        var settings = Demo.Configuration()
        settings.ledgerDirectory = directory
        settings.paillierKeyBits = nil
        do {
            _ = try await Demo.run(settings)
            Issue.record("the demo ran on a folder holding ledgers")
        } catch FedAvgError.invalidParameter(let name, let reason) {
            #expect(name == "ledgerDirectory" && reason.contains(path))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
