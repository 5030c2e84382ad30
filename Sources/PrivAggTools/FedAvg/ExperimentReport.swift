import FedAvg
import PrivacyAccounting

/// Everything `report.json` holds about a run (and, for the demo, its baseline and the
/// aggregators' overhead). Field names are snake_case in JSON.
public struct ExperimentReport: Sendable, Codable {
    /// One site's sizes and final accuracy.
    public struct Site: Sendable, Codable, Equatable {
        /// Site name.
        public var name: String
        /// Training records.
        public var trainSize: Int
        /// Test records.
        public var testSize: Int
        /// Final test accuracy of the private run.
        public var accuracy: Double
        /// Final test accuracy of the baseline, if one was run.
        public var baselineAccuracy: Double?

        /// One site's sizes and final accuracies.
        ///
        /// - Parameters:
        ///   - name: The site's name.
        ///   - trainSize: Training records.
        ///   - testSize: Test records.
        ///   - accuracy: Final test accuracy of the run.
        ///   - baselineAccuracy: Final test accuracy of the baseline, if one was run.
        public init(name: String, trainSize: Int, testSize: Int, accuracy: Double, baselineAccuracy: Double?) {
            self.name = name
            self.trainSize = trainSize
            self.testSize = testSize
            self.accuracy = accuracy
            self.baselineAccuracy = baselineAccuracy
        }

        enum CodingKeys: String, CodingKey {
            case name, accuracy
            case trainSize = "train_size"
            case testSize = "test_size"
            case baselineAccuracy = "baseline_accuracy"
        }
    }

    /// The run's settings, for reproduction.
    public struct Settings: Sendable, Codable, Equatable {
        /// Data set name.
        public var dataset: String
        /// Clients.
        public var clients: Int
        /// Rounds asked for.
        public var rounds: Int
        /// Local SGD steps per round.
        public var localSteps: Int
        /// Poisson sampling rate q of local batches.
        public var samplingRate: Double
        /// Learning rate.
        public var learningRate: Double
        /// Clipping norm, if the mode clips.
        public var clipNorm: Double?
        /// Noise multiplier σ, if the mode adds noise.
        public var noiseMultiplier: Double?
        /// Seed of all randomness of a reproducible run; nil when sampling, noise and keys came
        /// from the CSPRNG.
        public var seed: UInt64?
        /// Seed of the train/test split (and synthetic data): public, no privacy rests on it.
        public var splitSeed: UInt64
        /// The model's architecture (`logistic` or `mlp-H`).
        public var model: String

        /// Settings.
        public init(
            dataset: String, clients: Int, rounds: Int, localSteps: Int, samplingRate: Double, learningRate: Double,
            clipNorm: Double?, noiseMultiplier: Double?, seed: UInt64?, splitSeed: UInt64,
            model: String = ModelArchitecture.logisticRegression.name
        ) {
            self.dataset = dataset
            self.clients = clients
            self.rounds = rounds
            self.localSteps = localSteps
            self.samplingRate = samplingRate
            self.learningRate = learningRate
            self.clipNorm = clipNorm
            self.noiseMultiplier = noiseMultiplier
            self.seed = seed
            self.splitSeed = splitSeed
            self.model = model
        }

        enum CodingKeys: String, CodingKey {
            case dataset, clients, rounds, seed, model
            case localSteps = "local_steps"
            case samplingRate = "sampling_rate"
            case learningRate = "learning_rate"
            case clipNorm = "clip_norm"
            case noiseMultiplier = "noise_multiplier"
            case splitSeed = "split_seed"
        }
    }

    /// Final test accuracy over all sites.
    public var finalAccuracy: Double
    /// Final test accuracy of the non-private baseline (demo only).
    public var baselineAccuracy: Double?
    /// Record-level ε spent (largest over the sites' ledgers); infinite for a run without
    /// differential privacy (null in JSON).
    public var epsilon: Double
    /// Client-level ε of the central mode, from the server's ledger (nil otherwise).
    public var clientLevelEpsilon: Double?
    /// δ of the budget (nil without privacy).
    public var delta: Double?
    /// ε budget (nil without privacy).
    public var epsilonBudget: Double?
    /// The accountant that computed ε and governs the ledgers' budgets, `"rdp"` or `"pld"`
    /// (nil without privacy, and in reports written before runs recorded it).
    public var accountant: String?
    /// The aggregator of the run.
    public var aggregator: String
    /// The privacy mode.
    public var privacy: String
    /// Why training stopped early, if it did.
    public var stopReason: String?
    /// The settings.
    public var settings: Settings
    /// Per-site results.
    public var sites: [Site]
    /// Per-round records.
    public var rounds: [RoundRecord]
    /// Per-round records of the baseline (demo only).
    public var baselineRounds: [RoundRecord]?
    /// Per-round cost of each aggregator on the run's model (demo only).
    public var overhead: [OverheadRow]
    /// Accuracy goal, if the run has one (the demo: 0.75).
    public var accuracyGoal: Double?
    /// Whether the goal was met within the budget.
    public var goalMet: Bool?
    /// The privacy ledger files of the run (empty without privacy), for `privagg report`.
    public var ledgers: [String]
    /// Distributed mode: the record-level ε a central Gaussian with the same total noise
    /// would have after the run's rounds (the last round's figure); nil otherwise.
    public var centralGaussianEpsilon: Double? { rounds.last?.centralGaussianEpsilon }

    enum CodingKeys: String, CodingKey {
        case epsilon, delta, aggregator, privacy, settings, sites, rounds, overhead
        case finalAccuracy = "final_accuracy"
        case baselineAccuracy = "baseline_accuracy"
        case epsilonBudget = "epsilon_budget"
        case stopReason = "stop_reason"
        case baselineRounds = "baseline_rounds"
        case accuracyGoal = "accuracy_goal"
        case goalMet = "goal_met"
        case ledgers
        case clientLevelEpsilon = "client_level_epsilon"
        case accountant
        case centralGaussianEpsilon = "central_gaussian_epsilon"
    }

    /// Encodes every field; a non-finite ε (no privacy) is written as null, since JSON has
    /// no infinity and 0 would claim perfect privacy.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(finalAccuracy, forKey: .finalAccuracy)
        try container.encodeIfPresent(baselineAccuracy, forKey: .baselineAccuracy)
        try container.encodeNullIfUnbounded(epsilon, forKey: .epsilon)
        try container.encodeIfPresent(delta, forKey: .delta)
        try container.encodeIfPresent(clientLevelEpsilon, forKey: .clientLevelEpsilon)
        try container.encodeIfPresent(epsilonBudget, forKey: .epsilonBudget)
        try container.encodeIfPresent(accountant, forKey: .accountant)
        try container.encode(aggregator, forKey: .aggregator)
        try container.encode(privacy, forKey: .privacy)
        try container.encodeIfPresent(stopReason, forKey: .stopReason)
        try container.encode(settings, forKey: .settings)
        try container.encode(sites, forKey: .sites)
        try container.encode(rounds, forKey: .rounds)
        try container.encodeIfPresent(baselineRounds, forKey: .baselineRounds)
        try container.encode(overhead, forKey: .overhead)
        try container.encodeIfPresent(accuracyGoal, forKey: .accuracyGoal)
        try container.encodeIfPresent(goalMet, forKey: .goalMet)
        try container.encode(ledgers, forKey: .ledgers)
        try container.encodeIfPresent(centralGaussianEpsilon, forKey: .centralGaussianEpsilon)
    }

    /// Decodes a report written by ``encode(to:)`` (null ε reads as infinity).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        finalAccuracy = try container.decode(Double.self, forKey: .finalAccuracy)
        baselineAccuracy = try container.decodeIfPresent(Double.self, forKey: .baselineAccuracy)
        epsilon = try container.decodeUnbounded(forKey: .epsilon)
        delta = try container.decodeIfPresent(Double.self, forKey: .delta)
        clientLevelEpsilon = try container.decodeIfPresent(Double.self, forKey: .clientLevelEpsilon)
        epsilonBudget = try container.decodeIfPresent(Double.self, forKey: .epsilonBudget)
        accountant = try container.decodeIfPresent(String.self, forKey: .accountant)
        aggregator = try container.decode(String.self, forKey: .aggregator)
        privacy = try container.decode(String.self, forKey: .privacy)
        stopReason = try container.decodeIfPresent(String.self, forKey: .stopReason)
        settings = try container.decode(Settings.self, forKey: .settings)
        sites = try container.decode([Site].self, forKey: .sites)
        rounds = try container.decode([RoundRecord].self, forKey: .rounds)
        baselineRounds = try container.decodeIfPresent([RoundRecord].self, forKey: .baselineRounds)
        overhead = try container.decode([OverheadRow].self, forKey: .overhead)
        accuracyGoal = try container.decodeIfPresent(Double.self, forKey: .accuracyGoal)
        goalMet = try container.decodeIfPresent(Bool.self, forKey: .goalMet)
        ledgers = try container.decodeIfPresent([String].self, forKey: .ledgers) ?? []
    }

    /// A report of `run` on `clients`, with an optional baseline and overhead table.
    public init(
        run: TrainingRun, clients: [SiteClient], settings: Settings, baseline: TrainingRun? = nil,
        overhead: [OverheadRow] = [], accuracyGoal: Double? = nil
    ) {
        finalAccuracy = run.accuracy
        baselineAccuracy = baseline?.accuracy
        epsilon = run.epsilon
        clientLevelEpsilon = run.clientLevelEpsilon
        delta = run.budget?.delta
        epsilonBudget = run.budget?.epsilon
        accountant = run.accountant?.rawValue
        aggregator = run.aggregator
        privacy = run.privacy.name
        stopReason = run.stopReason
        self.settings = settings
        sites = zip(clients, run.siteEvaluations).map { client, evaluation in
            Site(
                name: client.name, trainSize: client.trainingCount, testSize: client.testCount, accuracy: evaluation.accuracy,
                baselineAccuracy: baseline?.siteEvaluations.first { $0.site == client.name }?.accuracy)
        }
        rounds = run.rounds
        baselineRounds = baseline?.rounds
        self.overhead = overhead
        self.accuracyGoal = accuracyGoal
        ledgers = run.ledgerPaths
        goalMet = accuracyGoal.map { run.accuracy >= $0 && run.epsilon <= (run.budget?.epsilon ?? .infinity) }
    }
}
