import Foundation
import PrivacyAccounting
import Testing
@testable import FedAvg

/// A stopped run continued from its checkpoint ends where an uninterrupted one does.
@Suite("Checkpoint and resume")
struct CheckpointResumeTests {
    final class Latest: @unchecked Sendable {
        private let lock = NSLock()
        private var value: TrainingCheckpoint?
        var checkpoint: TrainingCheckpoint? {
            get { lock.withLock { value } }
            set { lock.withLock { value = newValue } }
        }
    }

    static func configuration(rounds: Int, ledgers: String) throws -> TrainingConfiguration {
        var configuration = TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 5, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: 5, delta: 1e-5), ledgerDirectory: ledgers, seed: 11)
        configuration.checkpointSettings = "test settings"
        return configuration
    }

    static func folder() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)").path }

    @Test func aStoppedAndResumedRunMatchesAnUninterruptedOne() async throws {
        let clients = try HeartDisease.clients(seed: 3)
        let whole = try await FederatedTraining.run(
            clients: clients, configuration: try Self.configuration(rounds: 6, ledgers: Self.folder()), aggregator: PlainAggregator())

        let ledgers = Self.folder(), latest = Latest()
        var first = try Self.configuration(rounds: 6, ledgers: ledgers)
        first.saveCheckpoint = { latest.checkpoint = $0 }
        first.shouldStop = { (latest.checkpoint?.completedRounds ?? 0) >= 3 }
        let stopped = try await FederatedTraining.run(clients: clients, configuration: first, aggregator: PlainAggregator())
        #expect(stopped.rounds.count == 3 && stopped.stopReason == "interrupted after round 3 of 6")
        let checkpoint = try #require(latest.checkpoint)
        #expect(checkpoint.parameters == stopped.model.parameters && checkpoint.completedRounds == 3)
        // Through JSON, as the command line stores it.
        let stored = try JSONDecoder().decode(TrainingCheckpoint.self, from: JSONEncoder().encode(checkpoint))
        #expect(stored == checkpoint)

        var second = try Self.configuration(rounds: 6, ledgers: ledgers)
        second.resumeFrom = stored
        let resumed = try await FederatedTraining.run(clients: clients, configuration: second, aggregator: PlainAggregator())
        #expect(resumed.stopReason == nil && resumed.rounds.map(\.round) == [1, 2, 3, 4, 5, 6])
        #expect(resumed.model == whole.model)
        #expect(resumed.rounds.map(\.accuracy) == whole.rounds.map(\.accuracy))
        // The same ledgers paid for all six rounds, once each.
        #expect(abs(resumed.epsilon - whole.epsilon) < 1e-12)
        let ledger = try PrivacyLedger(openingAt: ledgers + "/cleveland.ledger")
        #expect(await ledger.entries.count == 6)
    }

    @Test func aCheckpointOfOtherSettingsIsRefused() async throws {
        let clients = try HeartDisease.clients(seed: 3)
        let latest = Latest()
        var first = try Self.configuration(rounds: 2, ledgers: Self.folder())
        first.saveCheckpoint = { latest.checkpoint = $0 }
        _ = try await FederatedTraining.run(clients: clients, configuration: first, aggregator: PlainAggregator())
        var other = try Self.configuration(rounds: 4, ledgers: Self.folder())
        other.checkpointSettings = "other settings"
        other.resumeFrom = latest.checkpoint
        await #expect(throws: FedAvgError.invalidParameter(name: "resumeFrom", reason: "the checkpoint was written by a run with other settings (test settings)")) {
            try await FederatedTraining.run(clients: clients, configuration: other, aggregator: PlainAggregator())
        }
        var finished = try Self.configuration(rounds: 2, ledgers: Self.folder())
        finished.resumeFrom = latest.checkpoint
        await #expect(throws: FedAvgError.invalidParameter(name: "resumeFrom", reason: "the checkpoint already holds 2 of 2 rounds")) {
            try await FederatedTraining.run(clients: clients, configuration: finished, aggregator: PlainAggregator())
        }
    }
}
