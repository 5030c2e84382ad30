import FedAvg
import Federation
import Foundation
import PrivacyAccounting
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `kill -9` of the coordinator mid-run, then `serve --resume`: training continues from the
/// last checkpoint, reaches the uninterrupted run's model, and no ledger under-counts.
@Suite(.serialized)
struct CoordinatorResumeTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    @Test("kill -9 the coordinator, resume: the model continues, ledgers never lose a spend")
    func killAndResume() async throws {
        let harness = try ProcessHarness("resume")
        let ledgers = harness.path("ledgers")
        let arguments = ["--sites", Self.sites.joined(separator: ","), "--rounds", "3", "--aggregator", "plain", "--privacy", "dp-sgd",
                         "--seed", "9"]
        let siteArguments = ["--seed", "9", "--ledger-dir", ledgers]
        let dump = harness.path("dump")
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
        var (coordinator, port) = try await harness.coordinator(arguments + ["--test-dump-dir", dump, "--test-stall-after-aggregating", "2"])
        var sites = try Self.sites.map { try harness.site($0, port: port, extra: siteArguments) }
        let checkpointPath = harness.path("out/checkpoint.json")
        // Round 2's updates have left the sites (charged), round 2 is not committed: kill.
        try await harness.waitForFile(dump + "/stalled-2", timeout: 600)
        kill(coordinator.processIdentifier, SIGKILL)
        #expect(try await harness.exitStatus(coordinator) == SIGKILL)
        // The sites lose their coordinator and fail; their ledgers keep every charge.
        for site in sites { #expect(try await harness.exitStatus(site) != 0) }
        let checkpoint = try CoordinatorCheckpoint(contentsOf: checkpointPath)
        #expect(checkpoint.completedRounds == 1)
        var charged: [String: Int] = [:]
        for name in Self.sites {
            let ledger = try PrivacyLedger(openingAt: ledgers + "/\(name).ledger")
            charged[name] = await ledger.entries.count
            // Round 1 (committed) and round 2 (interrupted after its updates left): both spent.
            #expect(charged[name] == 2)
        }

        try FileManager.default.removeItem(atPath: harness.path("port"))
        (coordinator, port) = try await harness.coordinator(arguments + ["--resume"])
        sites = try Self.sites.map { try harness.site($0, port: port, extra: siteArguments) }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        #expect(report.firstRound == checkpoint.completedRounds + 1)
        #expect(report.records.map(\.round) == [1, 2, 3])
        for name in Self.sites {
            let ledger = try PrivacyLedger(openingAt: ledgers + "/\(name).ledger")
            // The resumed rounds are charged on top of everything charged before the kill.
            #expect(await ledger.entries.count == charged[name]! + (3 - checkpoint.completedRounds))
        }

        // The re-run round draws the same noise (same seeds), so the model is the uninterrupted one.
        let clients = try HeartDisease.clients(sites: HeartDiseaseSite.allCases, seed: 9)
        var configuration = TrainingConfiguration(
            rounds: 3, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: 3, delta: 1e-5),
            ledgerDirectory: harness.path("reference-ledgers"), model: .logisticRegression, seed: 9)
        configuration.reopensExistingLedgers = false
        let reference = try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())
        #expect(report.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))
    }
}
