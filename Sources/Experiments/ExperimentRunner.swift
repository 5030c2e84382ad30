import FedAvg
import Foundation
import PrivacyAccounting

/// Runs an experiment's grid into an output folder, resumably: every finished run is
/// appended to `results.csv` and flushed to disk before the next starts, and a rerun skips
/// the runs already there. Each run keeps its own ledger folder under `ledgers/`, which is
/// never reused or deleted.
public struct ExperimentRunner: Sendable {
    /// What the runner reports while it works.
    public enum Event: Sendable {
        /// A run found in `results.csv` is skipped.
        case skipped(index: Int, total: Int, key: String)
        /// A run starts.
        case started(index: Int, total: Int, key: String)
        /// A round of the current run finished.
        case round(round: Int, of: Int, accuracy: Double)
        /// A run finished and was recorded.
        case finished(index: Int, total: Int, result: RunResult)
    }

    /// The configuration.
    public let configuration: ExperimentConfiguration
    /// The output folder.
    public let directory: String

    /// A runner.
    ///
    /// - Parameters:
    ///   - configuration: the grid.
    ///   - directory: the output folder (created if needed).
    public init(configuration: ExperimentConfiguration, directory: String) {
        self.configuration = configuration
        self.directory = directory
    }

    /// `results.csv` inside the output folder.
    public var resultsPath: String { (directory as NSString).appendingPathComponent("results.csv") }

    /// Every run of the grid: (cell, seed), in order.
    public var plannedRuns: [(cell: ExperimentConfiguration.Cell, seed: UInt64)] {
        configuration.cells.flatMap { cell in configuration.seeds.map { (cell, $0) } }
    }

    /// The rows already in `results.csv` (none when it does not exist). A torn last line (a
    /// write cut short) is dropped from the file: its run is not finished and will run again.
    ///
    /// - Returns: the recorded results.
    /// - Throws: ``ExperimentError/unreadableResults(path:line:reason:)`` for a file this
    ///   tool did not write; Foundation's file errors.
    public func recordedResults() throws -> [RunResult] {
        guard FileManager.default.fileExists(atPath: resultsPath) else { return [] }
        let text = try String(contentsOfFile: resultsPath, encoding: .utf8)
        let (rows, torn) = CSVText.rows(text)
        guard let header = rows.first else { return [] }
        guard header.fields == RunResult.header else {
            throw ExperimentError.unreadableResults(path: resultsPath, line: 1, reason: "unexpected header")
        }
        if torn {
            let complete = rows.map { CSVText.line($0.fields) }.joined()
            try Data(complete.utf8).write(to: URL(fileURLWithPath: resultsPath), options: .atomic)
        }
        var results: [RunResult] = []
        for row in rows.dropFirst() { results.append(try RunResult(fields: row.fields, path: resultsPath, line: row.line)) }
        return results
    }

    /// Runs every planned run not yet in `results.csv`.
    ///
    /// - Parameter progress: called with every event (on the caller's task).
    /// - Returns: all results, the earlier ones included, in grid order.
    /// - Throws: ``ExperimentError``, `DataFileError`, `FedAvgError` or
    ///   `PrivacyAccountingError` from a run (earlier runs stay recorded); file errors.
    public func run(progress: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> [RunResult] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var results = try recordedResults()
        let done = Set(results.map(\.key))
        if !FileManager.default.fileExists(atPath: resultsPath) {
            try append(CSVText.line(RunResult.header))
        }
        let plan = plannedRuns
        for (offset, run) in plan.enumerated() {
            let key = "\(run.cell.key)_seed\(run.seed)"
            if done.contains(key) {
                progress(.skipped(index: offset + 1, total: plan.count, key: key))
                continue
            }
            progress(.started(index: offset + 1, total: plan.count, key: key))
            let result = try await execute(run.cell, seed: run.seed, key: key, progress: progress)
            try append(CSVText.line(result.csvFields))
            results.append(result)
            progress(.finished(index: offset + 1, total: plan.count, result: result))
        }
        let order = Dictionary(uniqueKeysWithValues: plan.enumerated().map { ("\($0.element.cell.key)_seed\($0.element.seed)", $0.offset) })
        return results.filter { order[$0.key] != nil }.sorted { order[$0.key]! < order[$1.key]! }
    }

    /// Appends to `results.csv` and forces it to disk, so a crash loses at most the run in progress.
    private func append(_ text: String) throws {
        if !FileManager.default.fileExists(atPath: resultsPath) {
            guard FileManager.default.createFile(atPath: resultsPath, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: resultsPath])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: resultsPath))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.synchronize()
    }

    /// A ledger folder of its own: `ledgers/KEY`, or `ledgers/KEY.2`, … when an interrupted
    /// earlier attempt left one (its spends are kept, never reused).
    private func freshLedgerFolder(_ key: String) -> String {
        let base = (directory as NSString).appendingPathComponent("ledgers")
        var name = key, attempt = 1
        while FileManager.default.fileExists(atPath: (base as NSString).appendingPathComponent(name)) {
            attempt += 1
            name = "\(key).\(attempt)"
        }
        return "ledgers/" + name
    }

    private func clients(seed: UInt64, isPrivate: Bool) throws -> [SiteClient] {
        switch configuration.dataset {
        case .heartDisease(let count):
            return try HeartDisease.clients(sites: Array(HeartDiseaseSite.allCases.prefix(count)), seed: seed)
        case .csv(let data, let schemaPath):
            let schema = try CSVSchema.load(from: schemaPath)
            let preprocessing: HeartDisease.Preprocessing = isPrivate || schema.featuresWithoutRange.isEmpty ? .publicRanges : .siteImputation
            return try CSVDataset.clients(at: data, schema: schema, seed: seed, preprocessing: preprocessing)
        case .synthetic(let count, let dimension, let records, let skew):
            return try SyntheticData.clients(count: count, dimension: dimension, recordsPerClient: records, labelSkew: skew, seed: seed)
        }
    }

    private func aggregator(_ name: String, seed: UInt64) throws -> any Aggregator {
        switch name {
        case "plain": return PlainAggregator()
        case "secagg": return try SecureAggregator(variant: .complete, bitWidth: 48, seed: seed)
        case "secagg+": return try SecureAggregator(variant: .sparse(dropoutFraction: 0.05, corruptFraction: 0.05), bitWidth: 48, seed: seed)
        default: return try PaillierAggregator(keyBits: 2048)
        }
    }

    private func execute(
        _ cell: ExperimentConfiguration.Cell, seed: UInt64, key: String, progress: @escaping @Sendable (Event) -> Void
    ) async throws -> RunResult {
        let settings = configuration
        let isPrivate = cell.privacy != "none"
        var participants = try clients(seed: seed, isPrivate: isPrivate)
        let chosen = try aggregator(cell.aggregator, seed: seed)
        // As in `privagg train`: standardizing from the records' statistics would tie every
        // record to all others, so only runs without privacy do it.
        if !isPrivate { try FederatedStandardization.standardize(&participants, aggregator: chosen) }
        let sigma = cell.noiseMultiplier ?? 0
        let mode: PrivacyMode
        switch cell.privacy {
        case "dp-sgd": mode = .dpSGD(clipNorm: settings.clipNorm, noiseMultiplier: sigma)
        case "central": mode = .central(clipNorm: settings.clipNorm, noiseMultiplier: sigma, clientSamplingRate: settings.clientRate)
        case "local": mode = .local(clipNorm: settings.clipNorm, noiseMultiplier: sigma)
        default: mode = .none
        }
        let ledgerFolder = isPrivate ? freshLedgerFolder(key) : ""
        let model: ModelArchitecture = cell.model == "logistic" ? .logisticRegression
            : .multilayerPerceptron(hiddenUnits: Int(cell.model.dropFirst(4)) ?? 16)
        let training = TrainingConfiguration(
            rounds: settings.rounds,
            localTraining: try LocalTraining(steps: settings.localSteps, samplingRate: settings.samplingRate, learningRate: settings.learningRate),
            privacy: mode, budget: cell.epsilonBudget.map { PrivacyLedger.Budget(epsilon: $0, delta: settings.delta) },
            ledgerDirectory: isPrivate ? (directory as NSString).appendingPathComponent(ledgerFolder) : nil, model: model, seed: seed)
        let clock = ContinuousClock(), started = clock.now
        let total = settings.rounds
        let run = try await FederatedTraining.run(clients: participants, configuration: training, aggregator: chosen) { record in
            progress(.round(round: record.round, of: total, accuracy: record.accuracy))
        }
        let seconds = (clock.now - started) / .seconds(1)
        let status: RunResult.Status = run.stopReason == nil ? .completed : (run.rounds.isEmpty ? .trainedNothing : .budgetStopped)
        return RunResult(
            cell: cell, seed: seed, status: status, roundsRun: run.rounds.count, accuracy: run.accuracy, epsilon: run.epsilon,
            roundAccuracies: run.rounds.map(\.accuracy),
            siteAccuracies: run.siteEvaluations.map { ($0.site, $0.accuracy) },
            bytesPerClient: run.rounds.reduce(0) { $0 + $1.uploadBytes + $1.downloadBytes }, seconds: seconds,
            ledgerFolder: ledgerFolder)
    }
}
