import Foundation
import Testing

@testable import Experiments

@Suite("Experiments")
struct ExperimentTests {
    /// 2 configurations (no privacy, DP-SGD) × 3 seeds on small synthetic clients.
    static let config = """
        {
          "dataset": {"name": "synthetic", "clients": 3, "dimension": 4, "records_per_client": 40},
          "rounds": 3, "seeds": [1, 2, 3], "privacy": ["none", "dp-sgd"], "aggregators": ["plain"],
          "epsilon_budgets": [5], "noise_multipliers": [2], "local_steps": 2
        }
        """

    static func configuration(_ text: String = config) throws -> ExperimentConfiguration {
        try ExperimentConfiguration.parse(Array(text.utf8), name: "test.json")
    }

    static func folder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("experiment-\(UUID().uuidString)").path
    }

    @Test func twoConfigurationsTimesThreeSeedsGiveSixRowsAndCIsAroundTheSeeds() async throws {
        let directory = Self.folder()
        let runner = ExperimentRunner(configuration: try Self.configuration(), directory: directory)
        let results = try await runner.run()
        #expect(results.count == 6)
        let lines = try String(contentsOfFile: runner.resultsPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 7 && lines[0].hasPrefix("key,cell,"))
        #expect(Set(results.map(\.key)).count == 6)
        let summaries = CellSummary.summarize(results)
        #expect(summaries.map(\.cell) == ["none/plain/logistic", "dp-sgd/plain/ε≤5/σ=2/logistic"])
        for summary in summaries {
            #expect(summary.runs.count == 3)
            let interval = try #require(summary.accuracy.interval)
            for run in summary.runs { #expect(interval.contains(run.accuracy), "\(summary.cell) seed \(run.seed)") }
            let mean = summary.runs.map(\.accuracy).reduce(0, +) / 3
            #expect(abs(summary.accuracy.mean - mean) < 1e-12)
        }
        #expect(summaries[0].epsilon.count == 0 && summaries[1].epsilon.mean > 0 && summaries[1].epsilon.mean <= 5)
        // Each private run has its own ledger folder; runs without privacy have none.
        for result in results where result.privacy == "dp-sgd" {
            #expect(result.ledgerFolder.hasPrefix("ledgers/dp-sgd_plain_eps5_sigma2_logistic_seed"))
            #expect(try !FileManager.default.contentsOfDirectory(atPath: directory + "/" + result.ledgerFolder).isEmpty)
        }
        try ExperimentOutput.write(results, configuration: runner.configuration, to: directory)
        for name in ExperimentOutput.fileNames { #expect(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name)") }
        let latex = try String(contentsOfFile: directory + "/summary.tex", encoding: .utf8)
        #expect(latex.contains("\\toprule") && latex.contains("dp-sgd/plain/$\\varepsilon$$\\le$5/$\\sigma$=2/logistic"))
    }

    @Test func aRerunSkipsFinishedRunsAndRunsOnlyTheMissingOnes() async throws {
        let directory = Self.folder()
        let runner = ExperimentRunner(configuration: try Self.configuration(), directory: directory)
        let first = try await runner.run()
        let events = EventLog()
        let again = try await runner.run { events.add($0) }
        #expect(again == first)
        #expect(events.started.isEmpty && events.skipped.count == 6)
        // Drop the last row and tear the one before (as a crash mid-write would): those two run again.
        var lines = try String(contentsOfFile: runner.resultsPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast(2)
        let torn = lines.removeLast().prefix(20)
        try Data((lines.joined(separator: "\n") + "\n" + torn).utf8).write(to: URL(fileURLWithPath: runner.resultsPath))
        let resumed = EventLog()
        let third = try await runner.run { resumed.add($0) }
        #expect(resumed.started == [first[4].key, first[5].key])
        #expect(third.count == 6)
        #expect(try String(contentsOfFile: runner.resultsPath, encoding: .utf8).split(separator: "\n").count == 7)
        // The interrupted runs' first ledgers were kept; the reruns got fresh ones.
        #expect(third[4].ledgerFolder == first[4].ledgerFolder + ".2")
        #expect(FileManager.default.fileExists(atPath: directory + "/" + first[4].ledgerFolder))
        // Same seed, same result: the rerun reproduces the lost row.
        #expect(third[4].accuracy == first[4].accuracy)
    }

    @Test func aBudgetThatPaysForNoRoundIsMarkedNotHidden() async throws {
        let text = Self.config.replacingOccurrences(of: "\"epsilon_budgets\": [5]", with: "\"epsilon_budgets\": [0.01]")
            .replacingOccurrences(of: "\"none\", ", with: "")
        let directory = Self.folder()
        let results = try await ExperimentRunner(configuration: try Self.configuration(text), directory: directory).run()
        #expect(results.count == 3 && results.allSatisfy { $0.status == .trainedNothing && $0.roundsRun == 0 })
        try ExperimentOutput.write(results, configuration: try Self.configuration(text), to: directory)
        #expect(try String(contentsOfFile: directory + "/summary.md", encoding: .utf8).contains("3 trained nothing"))
    }

    @Test func badConfigurationsNameTheField() {
        #expect(throws: ExperimentError.invalidParameter(name: "privacy[1]", reason: "must be one of none, dp-sgd, central, local, got \"dpsgd\"")) {
            try Self.configuration(Self.config.replacingOccurrences(of: "\"dp-sgd\"]", with: "\"dpsgd\"]"))
        }
        #expect(throws: ExperimentError.invalidParameter(name: "epsilon_budgets[0]", reason: "must be positive, got -1.0")) {
            try Self.configuration(Self.config.replacingOccurrences(of: "[5]", with: "[-1]"))
        }
        #expect(throws: ExperimentError.invalidParameter(name: "dataset.records_per_clients", reason: "unknown field (allowed: clients, data, dimension, label_skew, name, records_per_client, schema)")) {
            try Self.configuration(Self.config.replacingOccurrences(of: "records_per_client", with: "records_per_clients"))
        }
        #expect(throws: ExperimentError.invalidParameter(name: "seeds", reason: "lists a seed twice")) {
            try Self.configuration(Self.config.replacingOccurrences(of: "[1, 2, 3]", with: "[1, 2, 2]"))
        }
        #expect(throws: ExperimentError.invalidParameter(name: "dataset", reason: "is required")) {
            try Self.configuration("{\"rounds\": 3}")
        }
        #expect(throws: ExperimentError.invalidParameter(name: "rounds", reason: "must be a number")) {
            try Self.configuration(Self.config.replacingOccurrences(of: "\"rounds\": 3", with: "\"rounds\": \"3\""))
        }
    }

    @Test func studentTQuantiles() {
        #expect(SampleStatistics.studentT975(degreesOfFreedom: 2) == 4.3027)
        #expect(abs(SampleStatistics.studentT975(degreesOfFreedom: 60) - 2.0003) < 1e-4)
        #expect(abs(SampleStatistics.studentT975(degreesOfFreedom: 1_000_000) - 1.96) < 1e-3)
        let statistics = SampleStatistics([0.8, 0.82, 0.84])
        #expect(abs(statistics.standardDeviation - 0.02) < 1e-12)
        #expect(abs(statistics.halfWidth! - 4.3027 * 0.02 / 3.0.squareRoot()) < 1e-12)
        #expect(SampleStatistics([0.8]).interval == nil)
    }
}

/// Collects runner events across the progress callback's isolation.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ExperimentRunner.Event] = []

    func add(_ event: ExperimentRunner.Event) { lock.withLock { events.append(event) } }

    var started: [String] {
        lock.withLock { events.compactMap { if case .started(_, _, let key) = $0 { return key } else { return nil } } }
    }

    var skipped: [String] {
        lock.withLock { events.compactMap { if case .skipped(_, _, let key) = $0 { return key } else { return nil } } }
    }
}
