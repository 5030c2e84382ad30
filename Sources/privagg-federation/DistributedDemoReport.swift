import ArgumentParser
import FedAvg
import Federation
import Foundation
import PrivacyAccounting
import PrivAggTools

/// The distributed demo's report: the demo's ``ExperimentReport`` (rounds from the
/// coordinator's records, ε from the sites' ledgers, per-site accuracy of the final model on
/// each site's test records, the in-process non-private baseline) and the federation's
/// network figures.
enum DistributedDemoReport {
    /// Builds the report of `run`.
    ///
    /// - Throws: `ValidationError` when a site's ledger is missing or holds no entry for a
    ///   committed round; the data set's and the baseline's errors.
    static func make(run: FederationRun, configuration: Demo.Configuration, ledgerDirectory: String) async throws -> ExperimentReport {
        let splitSeed = configuration.seed ?? configuration.splitSeed
        // The same split and features as each `join --site NAME` builds (and as `demo`).
        let clients = try HeartDisease.clients(seed: splitSeed, preprocessing: .publicRanges)
        let budget = PrivacyLedger.Budget(epsilon: configuration.epsilonBudget, delta: configuration.delta)

        // ε after each round: the largest over the sites' ledgers of the ε recorded with that
        // round's charge (each site charges before its update leaves).
        var ledgers: [String] = []
        var epsilonAfterRound: [Int: Double] = [:]
        var accountant: String?
        for client in clients {
            let path = (ledgerDirectory as NSString).appendingPathComponent("\(client.name).ledger")
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("site \(client.name) wrote no ledger at \(path)") }
            let contents = try LedgerFile.read(path: path)
            accountant = contents.header.accountant.rawValue
            ledgers.append(path)
            for entry in contents.entries {
                guard let round = roundNumber(entry.label) else { continue }
                epsilonAfterRound[round] = max(epsilonAfterRound[round] ?? 0, entry.epsilonAfter)
            }
        }

        var rounds: [RoundRecord] = []
        for record in run.records where record.round > 0 {
            guard let accuracy = record.accuracy, let loss = record.loss else { continue }
            guard let epsilon = epsilonAfterRound[record.round] else {
                throw ValidationError("no site's ledger holds a charge for round \(record.round)")
            }
            rounds.append(RoundRecord(
                round: record.round, accuracy: accuracy, siteAccuracies: [:], loss: loss, epsilon: epsilon,
                participants: record.included.count, uploadBytes: mean(record.bytesUp), downloadBytes: mean(record.bytesDown),
                // Over the wire the coordinator times stages, not cryptography alone: the stage
                // latencies are in the network section.
                clientCryptoSeconds: 0, serverCryptoSeconds: 0, wallSeconds: record.wallSeconds, aggregationErrorBound: record.errorBound))
        }

        let settings = try RunSettings(
            rounds: configuration.rounds, aggregator: DistributedDemo.aggregator,
            privacy: .dpSGD(clipNorm: configuration.clipNorm, noiseMultiplier: configuration.noiseMultiplier),
            localTraining: try LocalTraining(
                steps: configuration.localSteps, samplingRate: configuration.samplingRate, learningRate: configuration.learningRate),
            model: .logisticRegression)
        let model = try FederatedModel(
            architecture: settings.model, featureCount: clients[0].featureCount, l2Penalty: settings.l2Penalty, parameters: run.finalModel)
        let evaluations = clients.map { $0.evaluate(model) }
        let correct = evaluations.reduce(0) { $0 + $1.correct }, count = evaluations.reduce(0) { $0 + $1.count }

        var baselineSettings = settings.trainingConfiguration(seed: configuration.seed)
        baselineSettings.privacy = .none
        baselineSettings.budget = nil
        baselineSettings.ledgerDirectory = nil
        let baseline = try await FederatedTraining.run(clients: clients, configuration: baselineSettings, aggregator: PlainAggregator())

        let sites = zip(clients, evaluations).map { client, evaluation in
            ExperimentReport.Site(
                name: client.name, trainSize: client.trainingCount, testSize: client.testCount, accuracy: evaluation.accuracy,
                baselineAccuracy: baseline.siteEvaluations.first { $0.site == client.name }?.accuracy)
        }
        let experimentSettings = ExperimentReport.Settings(
            dataset: "heart-disease", clients: clients.count, rounds: configuration.rounds, localSteps: configuration.localSteps,
            samplingRate: configuration.samplingRate, learningRate: configuration.learningRate, clipNorm: configuration.clipNorm,
            noiseMultiplier: configuration.noiseMultiplier, seed: configuration.seed, splitSeed: splitSeed)
        return ExperimentReport(
            finalAccuracy: count == 0 ? 0 : Double(correct) / Double(count), baseline: baseline,
            epsilon: epsilonAfterRound.values.max() ?? 0, budget: budget, accountant: accountant, aggregator: run.aggregator,
            privacy: run.privacy, stopReason: run.stopReason, settings: experimentSettings, sites: sites, rounds: rounds,
            accuracyGoal: Demo.accuracyGoal, ledgers: ledgers)
    }

    /// Writes the demo's four files into `folder`, with the network section appended to
    /// report.md (the coordinator's own report stays in `folder/federation/`).
    ///
    /// - Throws: file errors.
    static func write(_ report: ExperimentReport, run: FederationRun, to folder: String) throws {
        try ReportWriter.write(report, to: folder)
        let network = FederationReportWriter.markdown(run)
            .replacingOccurrences(of: "# Federated run over gRPC", with: "## Over the wire (coordinator and four site processes, mutual TLS)")
        let markdown = ReportWriter.markdown(report) + "\n" + network
            + "\nThe rounds table's crypto seconds are 0 here: over the wire the coordinator times protocol stages (above), "
            + "not the cryptography inside the sites; `privagg demo` (in process) and `privagg bench federation` measure it.\n"
            + "\nThe coordinator's own report: federation/report.md and federation/report.json; the processes' logs: logs/.\n"
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("report.md"), options: .atomic)
    }

    /// The round of a site's ledger label `round R (federation, …)`.
    static func roundNumber(_ label: String?) -> Int? {
        guard let label, label.hasPrefix("round "), label.contains("(federation") else { return nil }
        return Int(label.dropFirst("round ".count).prefix { $0.isNumber })
    }

    private static func mean(_ values: [String: Int]) -> Double {
        values.isEmpty ? 0 : Double(values.values.reduce(0, +)) / Double(values.count)
    }
}

/// The distributed demo's closing lines.
struct DistributedDemoSummary {
    let report: ExperimentReport
    let run: FederationRun
    let output: String
    let seconds: Double
    var failures: [String] = []

    init(_ report: ExperimentReport, run: FederationRun, output: String, seconds: Double) {
        self.report = report
        self.run = run
        self.output = output
        self.seconds = seconds
    }

    var text: String {
        let records = run.records.filter { $0.round > 0 }
        let upload = records.flatMap { $0.bytesUp.values }.reduce(0, +)
        let download = records.flatMap { $0.bytesDown.values }.reduce(0, +)
        var lines = [
            String(format: "Accuracy %.3f with DP-SGD at ε = %.2f (budget %.1f, δ = %g) over the wire; baseline without privacy %.3f.",
                   report.finalAccuracy, report.epsilon, report.epsilonBudget ?? 0, report.delta ?? 0, report.baselineAccuracy ?? 0),
            String(format: "%d rounds (%d abandoned), %@ between 5 processes with mutual TLS: %d B up and %d B down in gRPC messages; %.1f s in all.",
                   records.count, records.filter(\.abandoned).count, run.aggregator, upload, download, seconds),
        ]
        if let reason = report.stopReason { lines.append("Stopped early: \(reason)") }
        if let met = report.goalMet { lines.append("Goal (accuracy ≥ \(Demo.accuracyGoal) within the budget): \(met ? "met" : "NOT met").") }
        for failure in failures { lines.append("Error: \(failure)") }
        lines.append("Report written to \(output)/ (report.md, report.json, accuracy.svg, epsilon.svg; network figures in federation/; ledgers in ledgers/; logs in logs/).")
        return lines.joined(separator: "\n")
    }
}
