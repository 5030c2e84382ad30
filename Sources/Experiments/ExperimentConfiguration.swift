import FedAvg
import Foundation
import StrictInput

/// Why an experiment could not run.
public enum ExperimentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The configuration file is malformed; `name` is the offending entry's path (e.g. `privacy[1]`).
    case invalidParameter(name: String, reason: String)
    /// The output folder's `results.csv` is not one this tool wrote.
    case unreadableResults(path: String, line: Int, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .invalidParameter(field, reason): return "experiment configuration: \(field): \(reason)"
        case let .unreadableResults(path, line, reason): return "\(path):\(line): \(reason) (not a results file of privagg experiment?)"
        }
    }
}

/// A grid of federated training runs: privacy mode × aggregator × ε budget × σ × model,
/// each repeated over the seeds. Read from JSON:
///
/// ```json
/// {
///   "dataset": {"name": "heart-disease"},
///   "rounds": 20,
///   "seeds": [1, 2, 3],
///   "privacy": ["none", "dp-sgd"],
///   "aggregators": ["secagg"],
///   "epsilon_budgets": [1, 3],
///   "noise_multipliers": [3],
///   "models": ["logistic"]
/// }
/// ```
public struct ExperimentConfiguration: Sendable, Equatable {
    /// Where the records come from.
    public enum Dataset: Sendable, Equatable {
        /// The bundled UCI heart-disease sites (the first `clients` of them).
        case heartDisease(clients: Int)
        /// Your own CSV files and their schema.
        case csv(data: String, schema: String)
        /// Generated clients.
        case synthetic(clients: Int, dimension: Int, recordsPerClient: Int, labelSkew: Double)

        /// Its name in reports.
        public var name: String {
            switch self {
            case .heartDisease: return "heart-disease"
            case .csv(let data, _): return "csv:" + (data as NSString).lastPathComponent
            case .synthetic: return "synthetic"
            }
        }
    }

    /// The data.
    public var dataset: Dataset
    /// Rounds of every run.
    public var rounds: Int
    /// The seeds; every configuration runs once per seed (split, sampling, noise, keys).
    public var seeds: [UInt64]
    /// Privacy modes: `none`, `dp-sgd`, `central`, `local`.
    public var privacy: [String]
    /// Aggregators: `plain`, `secagg`, `secagg+`, `paillier`.
    public var aggregators: [String]
    /// ε budgets of the private runs.
    public var epsilonBudgets: [Double]
    /// Noise multipliers σ of the private runs.
    public var noiseMultipliers: [Double]
    /// Models: `logistic` or `mlp-H`.
    public var models: [ModelArchitecture]
    /// δ of every budget.
    public var delta: Double
    /// Local SGD steps per round.
    public var localSteps: Int
    /// Poisson sampling rate of local batches.
    public var samplingRate: Double
    /// Learning rate.
    public var learningRate: Double
    /// Clipping norm of the private modes.
    public var clipNorm: Double
    /// Client sampling rate of the central mode.
    public var clientRate: Double

    static let privacyModes = ["none", "dp-sgd", "central", "local"]
    static let aggregatorNames = ["plain", "secagg", "secagg+", "paillier"]

    /// Reads a configuration file (bounded read, strict JSON, every field checked by name).
    ///
    /// - Parameter path: the JSON file.
    /// - Returns: the configuration; relative data paths are resolved against the file's folder.
    /// - Throws: ``ExperimentError/invalidParameter(name:reason:)``.
    public static func load(from path: String) throws(ExperimentError) -> ExperimentConfiguration {
        let bytes: [UInt8]
        do { bytes = try BoundedRead.contents(ofFile: path, limit: BoundedRead.smallFileLimit) } catch {
            throw .invalidParameter(name: "$", reason: error.description)
        }
        return try parse(bytes, name: path, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// Parses a configuration's JSON.
    ///
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - name: its name for errors.
    ///   - baseDirectory: folder that relative CSV paths are relative to.
    /// - Returns: the configuration.
    /// - Throws: ``ExperimentError/invalidParameter(name:reason:)`` naming the field.
    public static func parse(_ bytes: [UInt8], name: String, baseDirectory: String = ".") throws(ExperimentError) -> ExperimentConfiguration {
        do {
            return try decode(JSONValue.parse(bytes, name: name), baseDirectory: baseDirectory)
        } catch {
            throw .invalidParameter(name: error.field, reason: error.reason)
        }
    }

    private static func decode(_ value: JSONValue, baseDirectory: String) throws(JSONFieldError) -> ExperimentConfiguration {
        let root = try JSONObjectReader(value, path: "$", allowedKeys: [
            "dataset", "rounds", "seeds", "repetitions", "privacy", "aggregators", "epsilon_budgets", "noise_multipliers", "models",
            "delta", "local_steps", "sampling_rate", "learning_rate", "clip_norm", "client_rate",
        ])
        guard let datasetValue = root.value("dataset") else { throw JSONFieldError(field: "dataset", reason: "is required") }
        let data = try JSONObjectReader(datasetValue, path: "dataset", allowedKeys: [
            "name", "clients", "data", "schema", "dimension", "records_per_client", "label_skew",
        ])
        let dataset: Dataset
        func resolve(_ path: String) -> String {
            let joined = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
            return (joined as NSString).standardizingPath
        }
        switch try data.requiredString("name") {
        case "heart-disease":
            let clients = try data.integer("clients") ?? 4
            guard (1...4).contains(clients) else { throw JSONFieldError(field: data.field("clients"), reason: "must be in 1...4 for heart-disease, got \(clients)") }
            dataset = .heartDisease(clients: clients)
        case "csv":
            let path = resolve(try data.requiredString("data"))
            let schema = try data.string("schema").map(resolve) ?? (path as NSString).appendingPathComponent("schema.json")
            dataset = .csv(data: path, schema: schema)
        case "synthetic":
            let clients = try data.integer("clients") ?? 10, dimension = try data.integer("dimension") ?? 20
            let records = try data.integer("records_per_client") ?? 100, skew = try data.number("label_skew") ?? 1
            guard (1...10_000).contains(clients) else { throw JSONFieldError(field: data.field("clients"), reason: "must be in 1...10000, got \(clients)") }
            guard (1...10_000).contains(dimension) else { throw JSONFieldError(field: data.field("dimension"), reason: "must be in 1...10000, got \(dimension)") }
            guard (10...1_000_000).contains(records) else { throw JSONFieldError(field: data.field("records_per_client"), reason: "must be in 10...1000000, got \(records)") }
            guard skew > 0 else { throw JSONFieldError(field: data.field("label_skew"), reason: "must be positive, got \(skew)") }
            dataset = .synthetic(clients: clients, dimension: dimension, recordsPerClient: records, labelSkew: skew)
        case let other:
            throw JSONFieldError(field: data.field("name"), reason: "must be heart-disease, csv or synthetic, got \"\(other)\"")
        }
        let rounds = try root.integer("rounds") ?? 20
        guard (1...10_000).contains(rounds) else { throw JSONFieldError(field: "rounds", reason: "must be in 1...10000, got \(rounds)") }
        let seeds: [UInt64]
        if let values = try root.numbers("seeds") {
            if root.has("repetitions") { throw JSONFieldError(field: "repetitions", reason: "give seeds or repetitions, not both") }
            guard !values.isEmpty else { throw JSONFieldError(field: "seeds", reason: "must list at least one seed") }
            for (index, seed) in values.enumerated() where seed < 0 || seed != seed.rounded() || seed > 9e15 {
                throw JSONFieldError(field: "seeds[\(index)]", reason: "must be a non-negative integer, got \(seed)")
            }
            guard Set(values).count == values.count else { throw JSONFieldError(field: "seeds", reason: "lists a seed twice") }
            seeds = values.map { UInt64($0) }
        } else {
            let repetitions = try root.integer("repetitions") ?? 3
            guard (1...1000).contains(repetitions) else { throw JSONFieldError(field: "repetitions", reason: "must be in 1...1000, got \(repetitions)") }
            seeds = (1...repetitions).map(UInt64.init)
        }
        func names(_ key: String, allowed: [String], default fallback: [String]) throws(JSONFieldError) -> [String] {
            let values = try root.strings(key) ?? fallback
            guard !values.isEmpty else { throw JSONFieldError(field: key, reason: "must list at least one value") }
            for (index, value) in values.enumerated() where !allowed.contains(value) {
                throw JSONFieldError(field: "\(key)[\(index)]", reason: "must be one of \(allowed.joined(separator: ", ")), got \"\(value)\"")
            }
            guard Set(values).count == values.count else { throw JSONFieldError(field: key, reason: "lists a value twice") }
            return values
        }
        let privacy = try names("privacy", allowed: privacyModes, default: ["dp-sgd"])
        let aggregators = try names("aggregators", allowed: aggregatorNames, default: ["secagg"])
        if case .heartDisease(let clients) = dataset, clients < 2, aggregators.contains(where: { $0 != "plain" }) {
            throw JSONFieldError(field: "aggregators", reason: "secure aggregators need at least 2 clients")
        }
        func positives(_ key: String, default fallback: [Double]) throws(JSONFieldError) -> [Double] {
            let values = try root.numbers(key) ?? fallback
            guard !values.isEmpty else { throw JSONFieldError(field: key, reason: "must list at least one value") }
            for (index, value) in values.enumerated() where !(value > 0) {
                throw JSONFieldError(field: "\(key)[\(index)]", reason: "must be positive, got \(value)")
            }
            return values
        }
        let budgets = try positives("epsilon_budgets", default: [3])
        let sigmas = try positives("noise_multipliers", default: [3])
        var models: [ModelArchitecture] = []
        for (index, name) in (try root.strings("models") ?? ["logistic"]).enumerated() {
            if name == "logistic" { models.append(.logisticRegression); continue }
            guard name.hasPrefix("mlp-"), let units = Int(name.dropFirst(4)), (1...4096).contains(units) else {
                throw JSONFieldError(field: "models[\(index)]", reason: "must be logistic or mlp-H with H in 1...4096, got \"\(name)\"")
            }
            models.append(.multilayerPerceptron(hiddenUnits: units))
        }
        guard !models.isEmpty else { throw JSONFieldError(field: "models", reason: "must list at least one model") }
        let delta = try root.number("delta") ?? 1e-5
        guard delta > 0, delta < 1 else { throw JSONFieldError(field: "delta", reason: "must be in (0, 1), got \(delta)") }
        let steps = try root.integer("local_steps") ?? 10
        guard (1...100_000).contains(steps) else { throw JSONFieldError(field: "local_steps", reason: "must be in 1...100000, got \(steps)") }
        let sampling = try root.number("sampling_rate") ?? 0.1
        guard sampling > 0, sampling <= 1 else { throw JSONFieldError(field: "sampling_rate", reason: "must be in (0, 1], got \(sampling)") }
        let learning = try root.number("learning_rate") ?? 0.5
        guard learning > 0 else { throw JSONFieldError(field: "learning_rate", reason: "must be positive, got \(learning)") }
        let clip = try root.number("clip_norm") ?? 1
        guard clip > 0 else { throw JSONFieldError(field: "clip_norm", reason: "must be positive, got \(clip)") }
        let clientRate = try root.number("client_rate") ?? 1
        guard clientRate > 0, clientRate <= 1 else { throw JSONFieldError(field: "client_rate", reason: "must be in (0, 1], got \(clientRate)") }
        return ExperimentConfiguration(
            dataset: dataset, rounds: rounds, seeds: seeds, privacy: privacy, aggregators: aggregators, epsilonBudgets: budgets,
            noiseMultipliers: sigmas, models: models, delta: delta, localSteps: steps, samplingRate: sampling, learningRate: learning,
            clipNorm: clip, clientRate: clientRate)
    }

    /// One cell of the grid (all its seeds share it).
    public struct Cell: Sendable, Hashable {
        /// Privacy mode name.
        public var privacy: String
        /// Aggregator name.
        public var aggregator: String
        /// ε budget (nil without privacy).
        public var epsilonBudget: Double?
        /// Noise multiplier σ (nil without privacy).
        public var noiseMultiplier: Double?
        /// Model name (`logistic`, `mlp-H`).
        public var model: String

        /// A short, stable label: `dp-sgd/secagg/ε≤3/σ=3/logistic`.
        public var label: String {
            var parts = [privacy, aggregator]
            if let epsilonBudget { parts.append(String(format: "ε≤%g", epsilonBudget)) }
            if let noiseMultiplier { parts.append(String(format: "σ=%g", noiseMultiplier)) }
            return (parts + [model]).joined(separator: "/")
        }

        /// The label as a file-name-safe key.
        public var key: String {
            var parts = [privacy, aggregator == "secagg+" ? "secaggplus" : aggregator]
            if let epsilonBudget { parts.append(String(format: "eps%g", epsilonBudget)) }
            if let noiseMultiplier { parts.append(String(format: "sigma%g", noiseMultiplier)) }
            return (parts + [model]).joined(separator: "_")
        }
    }

    /// The grid's cells in a fixed order; a mode without privacy has no budget or σ, so it
    /// appears once per aggregator and model.
    public var cells: [Cell] {
        var cells: [Cell] = []
        for mode in privacy {
            for aggregator in aggregators {
                for model in models {
                    if mode == "none" {
                        cells.append(Cell(privacy: mode, aggregator: aggregator, epsilonBudget: nil, noiseMultiplier: nil, model: model.name))
                        continue
                    }
                    for budget in epsilonBudgets {
                        for sigma in noiseMultipliers {
                            cells.append(Cell(privacy: mode, aggregator: aggregator, epsilonBudget: budget, noiseMultiplier: sigma, model: model.name))
                        }
                    }
                }
            }
        }
        return cells
    }
}
