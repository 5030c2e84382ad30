import Foundation

/// One finished run: one row of `results.csv`.
public struct RunResult: Sendable, Equatable {
    /// How the run ended.
    public enum Status: String, Sendable {
        /// Every round ran.
        case completed
        /// The privacy budget stopped training after some rounds.
        case budgetStopped = "budget-stopped"
        /// The budget stopped training before the first round: the model is the initial one.
        case trainedNothing = "trained-nothing"
    }

    /// The grid cell's label.
    public var cell: String
    /// The run's key (cell key and seed), unique in an experiment.
    public var key: String
    /// Privacy mode.
    public var privacy: String
    /// Aggregator.
    public var aggregator: String
    /// Model.
    public var model: String
    /// ε budget, if private.
    public var epsilonBudget: Double?
    /// Noise multiplier, if private.
    public var noiseMultiplier: Double?
    /// Seed.
    public var seed: UInt64
    /// How the run ended.
    public var status: Status
    /// Rounds trained.
    public var roundsRun: Int
    /// Final test accuracy over all sites.
    public var accuracy: Double
    /// ε spent (infinite without privacy).
    public var epsilon: Double
    /// Lowest final accuracy of a site.
    public var worstSiteAccuracy: Double
    /// Highest minus lowest final site accuracy.
    public var siteGap: Double
    /// Bytes one client sent and received over the run (model broadcasts included).
    public var bytesPerClient: Double
    /// Wall-clock seconds of the run.
    public var seconds: Double
    /// Accuracy after each round.
    public var roundAccuracies: [Double]
    /// Final accuracy per site, in site order.
    public var siteAccuracies: [(site: String, accuracy: Double)]
    /// The run's ledger folder, relative to the output folder (empty without privacy).
    public var ledgerFolder: String

    public static func == (a: RunResult, b: RunResult) -> Bool { a.csvFields == b.csvFields }

    /// Column names of `results.csv`.
    public static let header = [
        "key", "cell", "privacy", "aggregator", "model", "epsilon_budget", "noise_multiplier", "seed", "status", "rounds_run",
        "accuracy", "epsilon", "worst_site_accuracy", "site_gap", "bytes_per_client", "seconds", "round_accuracies",
        "site_accuracies", "ledger_folder",
    ]

    /// The row's fields, in ``header`` order (numbers with full precision, ε = ∞ as `inf`).
    public var csvFields: [String] {
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : (value > 0 ? "inf" : "nan") }
        return [
            key, cell, privacy, aggregator, model, epsilonBudget.map(number) ?? "", noiseMultiplier.map(number) ?? "", "\(seed)",
            status.rawValue, "\(roundsRun)", number(accuracy), number(epsilon), number(worstSiteAccuracy), number(siteGap),
            number(bytesPerClient), number(seconds), roundAccuracies.map(number).joined(separator: ";"),
            siteAccuracies.map { "\($0.site)=\(number($0.accuracy))" }.joined(separator: ";"), ledgerFolder,
        ]
    }

    /// Reads a row written by ``csvFields``.
    ///
    /// - Parameters:
    ///   - fields: the row.
    ///   - path: the file, for errors.
    ///   - line: the line, for errors.
    /// - Throws: ``ExperimentError/unreadableResults(path:line:reason:)``.
    init(fields: [String], path: String, line: Int) throws(ExperimentError) {
        guard fields.count == Self.header.count else {
            throw .unreadableResults(path: path, line: line, reason: "expected \(Self.header.count) fields, found \(fields.count)")
        }
        func number(_ index: Int) throws(ExperimentError) -> Double {
            switch fields[index] {
            case "inf": return .infinity
            case let text:
                guard let value = Double(text) else { throw .unreadableResults(path: path, line: line, reason: "\(Self.header[index]) is not a number") }
                return value
            }
        }
        func optionalNumber(_ index: Int) throws(ExperimentError) -> Double? { fields[index].isEmpty ? nil : try number(index) }
        guard let seed = UInt64(fields[7]), let status = Status(rawValue: fields[8]), let rounds = Int(fields[9]) else {
            throw .unreadableResults(path: path, line: line, reason: "bad seed, status or rounds_run")
        }
        key = fields[0]; cell = fields[1]; privacy = fields[2]; aggregator = fields[3]; model = fields[4]
        epsilonBudget = try optionalNumber(5); noiseMultiplier = try optionalNumber(6)
        self.seed = seed; self.status = status; roundsRun = rounds
        accuracy = try number(10); epsilon = try number(11); worstSiteAccuracy = try number(12); siteGap = try number(13)
        bytesPerClient = try number(14); seconds = try number(15)
        var perRound: [Double] = []
        for text in fields[16].split(separator: ";") {
            guard let value = Double(text) else { throw .unreadableResults(path: path, line: line, reason: "round_accuracies holds \"\(text)\"") }
            perRound.append(value)
        }
        roundAccuracies = perRound
        var sites: [(String, Double)] = []
        for entry in fields[17].split(separator: ";") {
            guard let split = entry.lastIndex(of: "="), let value = Double(entry[entry.index(after: split)...]) else {
                throw .unreadableResults(path: path, line: line, reason: "site_accuracies holds \"\(entry)\"")
            }
            sites.append((String(entry[..<split]), value))
        }
        siteAccuracies = sites
        ledgerFolder = fields[18]
    }

    init(
        cell: ExperimentConfiguration.Cell, seed: UInt64, status: Status, roundsRun: Int, accuracy: Double, epsilon: Double,
        roundAccuracies: [Double], siteAccuracies: [(site: String, accuracy: Double)], bytesPerClient: Double, seconds: Double,
        ledgerFolder: String
    ) {
        self.cell = cell.label
        key = "\(cell.key)_seed\(seed)"
        privacy = cell.privacy
        aggregator = cell.aggregator
        model = cell.model
        epsilonBudget = cell.epsilonBudget
        noiseMultiplier = cell.noiseMultiplier
        self.seed = seed
        self.status = status
        self.roundsRun = roundsRun
        self.accuracy = accuracy
        self.epsilon = epsilon
        self.roundAccuracies = roundAccuracies
        self.siteAccuracies = siteAccuracies
        let values = siteAccuracies.map(\.accuracy)
        worstSiteAccuracy = values.min() ?? accuracy
        siteGap = (values.max() ?? accuracy) - (values.min() ?? accuracy)
        self.bytesPerClient = bytesPerClient
        self.seconds = seconds
        self.ledgerFolder = ledgerFolder
    }
}

/// Minimal RFC 4180 writing and reading for the experiment's own files.
enum CSVText {
    /// One line: fields quoted when they hold a comma, a quote or a line break.
    static func line(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }

    /// The complete lines of `text` as fields; a last line without its newline (a write cut
    /// short) is returned apart as `torn`.
    static func rows(_ text: String) -> (rows: [(line: Int, fields: [String])], torn: Bool) {
        var rows: [(Int, [String])] = [], fields: [String] = [], field = "", inQuotes = false, afterQuote = false
        var line = 1, start = 1
        for character in text {
            if inQuotes {
                if character == "\"" { inQuotes = false; afterQuote = true } else { if character.isNewline { line += 1 }; field.append(character) }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }
                inQuotes = true; afterQuote = false
            case ",":
                fields.append(field); field = ""; afterQuote = false
            case _ where character.isNewline:
                fields.append(field)
                rows.append((start, fields))
                fields = []; field = ""; afterQuote = false
                line += 1; start = line
            default:
                field.append(character); afterQuote = false
            }
        }
        return (rows, !fields.isEmpty || !field.isEmpty || inQuotes)
    }
}
