import Foundation
import Testing
@testable import FedAvg

/// Ledger folders for the runs of one test, removed with the test's suite instance, so the
/// library's default (a fresh folder in the system's temporary directory) leaves nothing behind.
final class TemporaryLedgers: Sendable {
    private let root = FileManager.default.temporaryDirectory.appendingPathComponent("fedavg-ledgers-\(UUID().uuidString)")

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Runs training with a fresh ledger folder unless the configuration names one.
    func run(clients: [SiteClient], configuration: TrainingConfiguration, aggregator: any Aggregator) async throws -> TrainingRun {
        var configuration = configuration
        if configuration.ledgerDirectory == nil { configuration.ledgerDirectory = root.appendingPathComponent(UUID().uuidString).path }
        return try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: aggregator)
    }
}
