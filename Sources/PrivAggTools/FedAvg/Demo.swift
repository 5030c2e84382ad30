import FedAvg
import Foundation
import ParallelWork
import PrivacyAccounting

/// `privagg demo`: four hospitals train a heart-disease model with record-level DP-SGD under
/// secure aggregation; beside it, the same run without privacy and the per-round cost of
/// every aggregator on the same model.
public enum Demo {
    /// The demo's settings (defaults reach the issue's goal: accuracy ≥ 0.75 within ε ≤ 3).
    public struct Configuration: Sendable {
        /// Seed of all randomness, for a reproducible demo (whoever knows it can regenerate the
        /// noise); nil, the default, draws sampling, noise and keys from the CSPRNG.
        public var seed: UInt64?
        /// Seed of the train/test split when `seed` is nil (public: no privacy rests on it).
        public var splitSeed: UInt64 = 7
        /// FedAvg rounds.
        public var rounds = 30
        /// Local DP-SGD steps per round (rounds × steps = 300 steps at each site).
        public var localSteps = 10
        /// Poisson sampling rate q of each step's batch.
        public var samplingRate = 0.1
        /// Learning rate.
        public var learningRate = 0.5
        /// Per-example clipping norm C.
        public var clipNorm = 1.0
        /// Noise multiplier σ.
        public var noiseMultiplier = 3.0
        /// Budget ε at δ.
        public var epsilonBudget = 3.0
        /// δ.
        public var delta = 1e-5
        /// Aggregations timed per aggregator for the overhead table.
        public var overheadRounds = 3
        /// Folder for the sites' ledgers (nil: a fresh temporary folder). It must hold no
        /// ledger (`*.ledger`): the demo is a fresh simulation, and it never deletes, replaces
        /// or resumes ledgers an earlier run left (resuming would spend their budget, and
        /// deleting them would erase the record of what was spent).
        public var ledgerDirectory: String?
        /// Paillier key size for the overhead table (nil leaves Paillier out).
        public var paillierKeyBits: Int? = 2048

        /// The default demo.
        public init() {}
    }

    /// What the demo is doing, for progress display.
    public enum Phase: String, Sendable {
        /// Loading the four sites' records.
        case loading = "loading the four hospitals' records"
        /// The private run.
        case privateRun = "DP-SGD + secure aggregation"
        /// The non-private baseline.
        case baseline = "baseline (no privacy, plain aggregation)"
        /// The overhead measurement.
        case overhead = "aggregation overhead"
    }

    /// The accuracy the demo aims for.
    public static let accuracyGoal = 0.75

    /// Why a folder holding `ledgers` cannot take a demo's ledgers: names them, and says which
    /// one another process holds open right now.
    public static func describeExistingLedgers(_ ledgers: [String], in directory: String) -> String {
        let listed = ledgers.prefix(6).map { LedgerFile.isInUse(path: $0) ? "\($0) (in use: a running process holds its lock)" : $0 }
        let more = ledgers.count > 6 ? " and \(ledgers.count - 6) more" : ""
        return "\(directory) already holds privacy ledgers (\(listed.joined(separator: ", "))\(more)); "
            + "a demo never deletes, replaces or spends from ledgers it did not create"
    }

    /// Runs the demo and returns its report (write it with ``ReportWriter``).
    ///
    /// - Parameters:
    ///   - configuration: the demo's settings.
    ///   - progress: called with the phase and, during training, each round's record.
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` named `ledgerDirectory` if
    ///   that folder already holds ledgers; other ``FedAvgError`` or `PrivacyAccountingError`.
    public static func run(
        _ configuration: Configuration = Configuration(),
        progress: (@Sendable (Phase, RoundRecord?) -> Void)? = nil
    ) async throws -> ExperimentReport {
        progress?(.loading, nil)
        let splitSeed = configuration.seed ?? configuration.splitSeed
        // Features scaled by public ranges, record by record: nothing computed from the records
        // (no medians, no federated means) enters another record's features, so DP-SGD's
        // record-level guarantee holds. The baseline trains on the same features.
        let clients = try HeartDisease.clients(seed: splitSeed, preprocessing: .publicRanges)
        let secure = try SecureAggregator(variant: .complete, seed: configuration.seed)

        let local = try LocalTraining(
            steps: configuration.localSteps, samplingRate: configuration.samplingRate, learningRate: configuration.learningRate)
        var privateSettings = TrainingConfiguration(
            rounds: configuration.rounds, localTraining: local,
            privacy: .dpSGD(clipNorm: configuration.clipNorm, noiseMultiplier: configuration.noiseMultiplier),
            budget: .init(epsilon: configuration.epsilonBudget, delta: configuration.delta),
            ledgerDirectory: configuration.ledgerDirectory, seed: configuration.seed)
        // A fresh simulation: even a ledger that appears after the check below (another run
        // starting on the folder) is refused, never spent from.
        privateSettings.reopensExistingLedgers = false
        if let directory = configuration.ledgerDirectory {
            let existing = try LedgerFile.ledgers(in: directory)
            guard existing.isEmpty else {
                throw FedAvgError.invalidParameter(name: "ledgerDirectory", reason: describeExistingLedgers(existing, in: directory))
            }
        }
        progress?(.privateRun, nil)
        let privateRun = try await FederatedTraining.run(clients: clients, configuration: privateSettings, aggregator: secure) {
            progress?(.privateRun, $0)
        }

        var baselineSettings = privateSettings
        baselineSettings.privacy = .none
        baselineSettings.budget = nil
        // The baseline is the demo's deliberate non-private comparison (the report says ε does
        // not cover it); its ledger folder is not given, so it does not meet the private
        // run's ledgers, which a non-private run may not run against.
        baselineSettings.ledgerDirectory = nil
        progress?(.baseline, nil)
        let baseline = try await FederatedTraining.run(clients: clients, configuration: baselineSettings, aggregator: PlainAggregator()) {
            progress?(.baseline, $0)
        }

        progress?(.overhead, nil)
        var aggregators: [any Aggregator] = [PlainAggregator(), secure]
        if let keyBits = configuration.paillierKeyBits { aggregators.append(try PaillierAggregator(keyBits: keyBits)) }
        // CPU-bound timing of every aggregator: on a thread of its own, off the cooperative pool.
        let shape = (clients: clients.count, dimension: clients[0].featureCount + 2, rounds: configuration.overheadRounds)
        let timed = aggregators
        let overhead = try await Parallel.offPool {
            try OverheadMeasurement.measure(
                aggregators: timed, clients: shape.clients, dimension: shape.dimension, rounds: shape.rounds, seed: splitSeed)
        }

        let settings = ExperimentReport.Settings(
            dataset: "heart-disease", clients: clients.count, rounds: configuration.rounds, localSteps: configuration.localSteps,
            samplingRate: configuration.samplingRate, learningRate: configuration.learningRate, clipNorm: configuration.clipNorm,
            noiseMultiplier: configuration.noiseMultiplier, seed: configuration.seed, splitSeed: splitSeed)
        return ExperimentReport(
            run: privateRun, clients: clients, settings: settings, baseline: baseline, overhead: overhead, accuracyGoal: accuracyGoal)
    }
}
