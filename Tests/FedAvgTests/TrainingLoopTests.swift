import Foundation
import PrivacyAccounting
import Testing
@testable import FedAvg

@Suite("Training loop")
final class TrainingLoopTests: Sendable {
    let ledgers = TemporaryLedgers()

    private func standardizedClients(seed: UInt64 = 7) throws -> [SiteClient] {
        var clients = try HeartDisease.clients(seed: seed)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        return clients
    }

    private func dpConfiguration(rounds: Int, budget: Double, seed: UInt64) throws -> TrainingConfiguration {
        TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: budget, delta: 1e-5), seed: seed)
    }

    @Test func sameSeedSameRun() async throws {
        let clients = try standardizedClients()
        let configuration = try dpConfiguration(rounds: 5, budget: 3, seed: 42)
        let first = try await ledgers.run(clients: clients, configuration: configuration, aggregator: SecureAggregator(seed: 1))
        let second = try await ledgers.run(clients: clients, configuration: configuration, aggregator: SecureAggregator(seed: 1))
        #expect(first.model == second.model)
        #expect(first.rounds.map(\.accuracy) == second.rounds.map(\.accuracy))
        #expect(first.rounds.map(\.epsilon) == second.rounds.map(\.epsilon))
        var other = configuration
        other.seed = 43
        let third = try await ledgers.run(clients: clients, configuration: other, aggregator: SecureAggregator(seed: 1))
        #expect(third.model != first.model)
    }

    @Test func ledgerStopsTheRunAtItsBudget() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedavg-test-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = try dpConfiguration(rounds: 30, budget: 1.0, seed: 3)
        configuration.ledgerDirectory = directory
        let run = try await ledgers.run(clients: try standardizedClients(), configuration: configuration, aggregator: PlainAggregator())
        let reason = try #require(run.stopReason)
        #expect(reason.contains("privacy budget reached"))
        #expect(run.rounds.count >= 1 && run.rounds.count < 30)
        #expect(run.epsilon <= 1.0 && run.epsilon > 0.5)
        // One more round would have exceeded the budget.
        let next = try RDPAccountant().composing(.dpSGD(samplingRate: 0.1, noiseMultiplier: 3, steps: 10 * (run.rounds.count + 1)))
        #expect(try next.epsilon(delta: 1e-5).epsilon > 1.0)
        // Every site's ledger recorded exactly the rounds that ran.
        #expect(run.ledgerPaths.count == 4)
        for path in run.ledgerPaths {
            let ledger = try PrivacyLedger(openingAt: path)
            #expect(await ledger.entries.count == run.rounds.count)
        }
    }

    @Test func dpSGDMatchesTheAccountantAndStaysAccurate() async throws {
        let run = try await ledgers.run(
            clients: try standardizedClients(), configuration: try dpConfiguration(rounds: 30, budget: 3, seed: 7), aggregator: PlainAggregator())
        let expected = try RDPAccountant().composing(.dpSGD(samplingRate: 0.1, noiseMultiplier: 3, steps: 300)).epsilon(delta: 1e-5).epsilon
        #expect(abs(run.epsilon - expected) < 1e-9)
        #expect(run.stopReason == nil)
        #expect(run.accuracy >= 0.75)
        #expect(run.rounds.allSatisfy { $0.siteAccuracies.count == 4 })
    }

    @Test func centralAndLocalModesSpendTheirOwnEvents() async throws {
        let clients = try standardizedClients()
        let local = try LocalTraining(steps: 5, samplingRate: 0.2, learningRate: 0.5)
        let central = TrainingConfiguration(
            rounds: 4, localTraining: local, privacy: .central(clipNorm: 1, noiseMultiplier: 2, clientSamplingRate: 0.5),
            budget: .init(epsilon: 50, delta: 1e-5), seed: 1)
        let centralRun = try await ledgers.run(clients: clients, configuration: central, aggregator: PlainAggregator())
        let centralExpected = try RDPAccountant()
            .composing(.poissonSampled(rate: 0.5, event: .gaussian(noiseMultiplier: 2)), count: 4).epsilon(delta: 1e-5).epsilon
        // Client level in the server's ledger; the run's ε is the sites' record-level one.
        #expect(abs((centralRun.clientLevelEpsilon ?? 0) - centralExpected) < 1e-9)
        #expect(centralRun.ledgerPaths.count == 5)
        #expect(centralRun.epsilon > centralExpected)

        var localDP = central
        localDP.privacy = .local(clipNorm: 1, noiseMultiplier: 2)
        let localRun = try await ledgers.run(clients: clients, configuration: localDP, aggregator: PlainAggregator())
        let localExpected = try RDPAccountant().composing(.gaussian(noiseMultiplier: 2), count: 4).epsilon(delta: 1e-5).epsilon
        #expect(abs(localRun.epsilon - localExpected) < 1e-9)
        #expect(localRun.ledgerPaths.count == 4)
    }

    /// At a low client rate most rounds sample one client or none; secure aggregation needs
    /// two. Every client sends (the unsampled ones zeros), so no round aborts after it was
    /// charged, and the weight column no longer counts the sampled clients.
    @Test func centralModeSendsEveryClientAndCountsNobody() async throws {
        let clients = try standardizedClients()
        let configuration = TrainingConfiguration(
            rounds: 12, localTraining: try LocalTraining(steps: 2, samplingRate: 0.2, learningRate: 0.5),
            privacy: .central(clipNorm: 1, noiseMultiplier: 2, clientSamplingRate: 0.2),
            budget: .init(epsilon: 50, delta: 1e-5), seed: 3)
        let recorder = RecordingAggregator()
        let run = try await ledgers.run(clients: clients, configuration: configuration, aggregator: recorder)
        #expect(run.rounds.count == 12)
        #expect(recorder.calls.count == 12)
        #expect(recorder.calls.allSatisfy { $0.contributions == clients.count && $0.weightSum == 0 })
        // And through real secure aggregation, which refuses fewer than two inputs.
        let secure = try await ledgers.run(clients: clients, configuration: configuration, aggregator: SecureAggregator())
        #expect(secure.rounds.count == 12)
    }

    @Test func privateRunWithoutBudgetIsRejected() async throws {
        var configuration = try dpConfiguration(rounds: 1, budget: 3, seed: 1)
        configuration.budget = nil
        #expect(await thrownError(FedAvgError.self) {
            try await ledgers.run(clients: try standardizedClients(), configuration: configuration, aggregator: PlainAggregator())
        }?.parameterName == "budget")
    }

    @Test func roundRecordsCarryCosts() async throws {
        let run = try await ledgers.run(
            clients: try standardizedClients(), configuration: try dpConfiguration(rounds: 2, budget: 3, seed: 2), aggregator: SecureAggregator(seed: 2))
        let record = try #require(run.rounds.first)
        #expect(record.uploadBytes > 8 * 25)
        #expect(record.downloadBytes > 8 * 24)
        #expect(record.cryptoSeconds > 0 && record.wallSeconds >= record.cryptoSeconds / 4)
        #expect(record.participants == 4)
    }
}

@Suite("Training loop without a seed")
final class UnseededTrainingTests: Sendable {
    let ledgers = TemporaryLedgers()

    @Test func unseededRunsDrawFreshRandomness() async throws {
        var clients = try HeartDisease.clients(seed: 1)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let configuration = TrainingConfiguration(
            rounds: 2, localTraining: try LocalTraining(steps: 3, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 1), budget: .init(epsilon: 100, delta: 1e-5), seed: nil)
        let first = try await ledgers.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())
        let second = try await ledgers.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())
        // Two independent noisy runs coincide with probability 0.
        #expect(first.model != second.model)
    }
}

/// Plain aggregation that, like secure aggregation, refuses fewer than two contributions, and
/// records how many it was handed and what their weight column summed to.
final class RecordingAggregator: Aggregator, @unchecked Sendable {
    let name = "recording"
    private let lock = NSLock()
    private var recorded: [(contributions: Int, weightSum: Double)] = []

    var calls: [(contributions: Int, weightSum: Double)] { lock.withLock { recorded } }

    func sum(_ contributions: [[Double]], bound: Double, round: UInt64) throws -> AggregationOutcome {
        guard contributions.count >= 2 else { throw FedAvgError.aggregationFailed(reason: "fewer than two contributions") }
        lock.withLock { recorded.append((contributions.count, contributions.reduce(0) { $0 + ($1.last ?? 0) })) }
        return try PlainAggregator().sum(contributions, bound: bound, round: round)
    }
}
