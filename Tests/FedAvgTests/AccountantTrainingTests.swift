@testable import FedAvg
import Foundation
import PrivacyAccounting
import PrivAggTools
import Testing

/// Training under either accountant (issue 16): the ledgers' accountant computes each
/// round's ε and decides when the budget stops the run.
@Suite("Training with an accountant")
final class AccountantTrainingTests: Sendable {
    let ledgers = TemporaryLedgers()

    private func configuration(rounds: Int, budget: Double, accountant: AccountantKind) throws -> TrainingConfiguration {
        var configuration = TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: budget, delta: 1e-5), seed: 5)
        configuration.accountant = accountant
        return configuration
    }

    private static let round = PrivacyEvent.dpSGD(samplingRate: 0.1, noiseMultiplier: 3, steps: 10)

    /// ε after each of `rounds` rounds, composed one round at a time as the ledgers do.
    private static func perRound(_ accountant: some PrivacyAccountant, rounds: Int) throws -> [Double] {
        var accountant = accountant
        return try (1...rounds).map { _ in
            try accountant.compose(round)
            return try accountant.epsilon(delta: 1e-5).epsilon
        }
    }

    @Test func pldRunSpendsThroughThePLDAccountantAndOutlastsRDP() async throws {
        var clients = try HeartDisease.clients(sites: [.cleveland, .hungarian], seed: 7)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let pld = try Self.perRound(try PLDAccountant(), rounds: 12)
        let rdp = try Self.perRound(try RDPAccountant(), rounds: 12)
        try #require(pld[11] < rdp[11])
        let budget = (pld[11] + rdp[11]) / 2
        let tight = try await ledgers.run(
            clients: clients, configuration: try configuration(rounds: 12, budget: budget, accountant: .pld), aggregator: PlainAggregator())
        #expect(tight.stopReason == nil && tight.rounds.count == 12)
        #expect(tight.accountant == .pld)
        for (record, expected) in zip(tight.rounds, pld) { #expect(abs(record.epsilon - expected) < 1e-12) }
        for path in tight.ledgerPaths { #expect(try LedgerFile.read(path: path).header.accountant == .pld) }
        let moments = try await ledgers.run(
            clients: clients, configuration: try configuration(rounds: 12, budget: budget, accountant: .rdp), aggregator: PlainAggregator())
        #expect(moments.accountant == .rdp)
        let reason = try #require(moments.stopReason)
        #expect(reason.contains("privacy budget reached"))
        let stopped = moments.rounds.count
        #expect(stopped < 12 && rdp[stopped - 1] <= budget && rdp[stopped] > budget)
        let report = ExperimentReport(
            run: tight, clients: clients,
            settings: .init(dataset: "heart-disease", clients: 2, rounds: 12, localSteps: 10, samplingRate: 0.1, learningRate: 0.5,
                            clipNorm: 1, noiseMultiplier: 3, seed: 5, splitSeed: 7, model: "logistic"))
        #expect(report.accountant == "pld")
        #expect(ReportWriter.markdown(report).contains("| accountant (governs every ledger's budget) | pld |"))
    }

    @Test func aLedgerIsNotReopenedUnderAnotherAccountant() async throws {
        var clients = try HeartDisease.clients(sites: [.cleveland, .hungarian], seed: 7)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedavg-acct-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var first = try configuration(rounds: 1, budget: 3, accountant: .pld)
        first.ledgerDirectory = directory
        _ = try await ledgers.run(clients: clients, configuration: first, aggregator: PlainAggregator())
        var second = first
        second.accountant = .rdp
        let error = try await #require(throws: FedAvgError.self) {
            try await self.ledgers.run(clients: clients, configuration: second, aggregator: PlainAggregator())
        }
        guard case .invalidParameter("accountant", let reason) = error else {
            Issue.record("expected invalidParameter(accountant), got \(error)")
            return
        }
        #expect(reason.contains("pld accountant"))
        // The refused run spent nothing.
        for site in ["cleveland", "hungarian"] {
            #expect(try LedgerFile.read(path: directory + "/\(site).ledger").entries.count == 1)
        }
    }
}
