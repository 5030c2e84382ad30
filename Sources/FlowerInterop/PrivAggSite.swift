import FedAvg
import Foundation
import PrivacyAccounting
import Sodium

/// One heart-disease site as a Flower node sees it: its records (never leaving it), its local
/// training with its own privacy mode, and its privacy ledger.
///
/// Training is PrivAgg's FedAvg client step (``SiteClient/localUpdate(from:training:using:)``)
/// on a logistic regression whose parameters travel as two Flower arrays, `weights` (shape
/// `[d]`) and `bias` (shape `[1]`), `float64`. A DP-SGD round is charged to the site's ledger
/// before its update is computed, let alone sent; a round the budget cannot pay for is refused
/// with ``SiteError/budgetExhausted(_:)`` and nothing is trained.
public actor PrivAggSite {
    /// The site's privacy mode for its own records.
    public enum Privacy: Sendable, Equatable {
        /// No differential privacy (refused on a ledger folder that tracks this site).
        case none
        /// Record-level DP-SGD: per-example clipping norm and noise multiplier.
        case dpSGD(clipNorm: Double, noiseMultiplier: Double)
    }

    /// Everything a site trains with; the defaults are `privagg train`'s.
    public struct Settings: Sendable {
        /// Which hospital.
        public var site: HeartDiseaseSite
        /// The site's privacy mode.
        public var privacy: Privacy
        /// Its (ε, δ) budget (required unless `privacy` is `.none`).
        public var budget: PrivacyLedger.Budget?
        /// The accountant of the ledger.
        public var accountant: AccountantKind = .rdp
        /// Folder of `<site>.ledger` (created if missing; an existing ledger is reopened and
        /// its spends count).
        public var ledgerDirectory: String?
        /// Local SGD steps per round.
        public var localSteps = 10
        /// Poisson sampling rate of each local batch.
        public var samplingRate = 0.1
        /// Learning rate.
        public var learningRate = 0.5
        /// L2 penalty of the weights (as `privagg train`).
        public var l2Penalty = 1e-3
        /// Public bound on each coordinate of an update (as `privagg train`).
        public var updateBound = 10.0
        /// Seed of the train/test split (`privagg train` uses 7 without `--seed`).
        public var splitSeed: UInt64 = 7
        /// Seed of sampling and noise, for runs reproducible against `privagg train --seed`;
        /// nil draws them from libsodium's CSPRNG (what a deployment should do).
        public var seed: UInt64?

        /// Settings for `site`.
        public init(site: HeartDiseaseSite, privacy: Privacy, budget: PrivacyLedger.Budget?) {
            self.site = site
            self.privacy = privacy
            self.budget = budget
        }
    }

    /// The result of a training round: the site's local model and its weight.
    public struct TrainingResult: Sendable {
        /// Local weights after training (global + clipped update).
        public var weights: [Double]
        /// Local bias after training.
        public var bias: Double
        /// Training records (Flower's `num-examples`).
        public var examples: Int
        /// ε spent by the site's ledger after the round (nil without privacy).
        public var epsilon: Double?
    }

    /// The settings the site runs with.
    public let settings: Settings
    private let client: SiteClient
    private let ledger: PrivacyLedger?
    private let index: Int

    /// Features per record (the length of `weights`).
    public nonisolated let featureCount: Int

    /// Loads the site's records and opens (or creates) its ledger, holding it locked until
    /// the site is released.
    ///
    /// - Throws: ``SiteError/invalidSettings(_:)`` for inconsistent settings (a private mode
    ///   without budget, a non-private run on a tracked site, a ledger with another budget or
    ///   accountant); `FedAvgError` or `PrivacyAccountingError` from loading or the ledger.
    public init(settings: Settings) throws {
        let clients = try HeartDisease.clients(sites: [settings.site], seed: settings.splitSeed)
        client = clients[0]
        featureCount = client.featureCount
        index = HeartDiseaseSite.allCases.firstIndex(of: settings.site) ?? 0
        self.settings = settings
        _ = try LocalTraining(steps: settings.localSteps, samplingRate: settings.samplingRate, learningRate: settings.learningRate)
        switch settings.privacy {
        case .none:
            if let directory = settings.ledgerDirectory {
                do { try FederatedTraining.refuseNonPrivateRun(on: [client], trackedIn: directory) } catch let FedAvgError.invalidParameter(_, reason) {
                    throw SiteError.invalidSettings(reason)
                }
            }
            ledger = nil
        case .dpSGD(let clip, let sigma):
            guard clip.isFinite, clip > 0, sigma.isFinite, sigma > 0 else { throw SiteError.invalidSettings("clip norm and noise multiplier must be finite and > 0") }
            guard let budget = settings.budget else { throw SiteError.invalidSettings("a private site needs an (ε, δ) budget") }
            guard let directory = settings.ledgerDirectory else { throw SiteError.invalidSettings("a private site needs a ledger folder") }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            ledger = try Self.openLedger(at: (directory as NSString).appendingPathComponent("\(settings.site.rawValue).ledger"), budget: budget, accountant: settings.accountant)
        }
    }

    /// The site's ledger file, if it keeps one.
    public nonisolated var ledgerPath: String? { ledger?.path }

    /// ε spent so far by the site's ledger (nil without privacy).
    public func spentEpsilon() async -> Double? { await ledger?.spent.epsilon }

    /// One round of local training from the global model.
    ///
    /// - Parameters:
    ///   - weights: the global weights (`featureCount` finite values).
    ///   - bias: the global bias.
    ///   - round: the server's round number (from 1), which with ``Settings/seed`` picks the
    ///     same random stream `privagg train --seed` would.
    /// - Throws: ``SiteError/invalidModel(_:)`` for a model of the wrong size or with
    ///   non-finite values; ``SiteError/budgetExhausted(_:)`` when the ledger cannot pay for
    ///   the round (nothing trained, nothing charged); ledger errors.
    public func train(weights: [Double], bias: Double, round: Int) async throws -> TrainingResult {
        let model = try makeModel(weights: weights, bias: bias)
        var local = try LocalTraining(steps: settings.localSteps, samplingRate: settings.samplingRate, learningRate: settings.learningRate)
        var epsilon: Double?
        if case .dpSGD(let clip, let sigma) = settings.privacy, let ledger {
            local.dpSGD = .init(clipNorm: clip, noiseMultiplier: sigma)
            let event = PrivacyEvent.dpSGD(samplingRate: local.samplingRate, noiseMultiplier: sigma, steps: local.steps)
            let projected = try await ledger.projected(event).epsilon
            guard projected <= ledger.budget.epsilon else {
                let spent = await ledger.spent.epsilon
                throw SiteError.budgetExhausted(
                    String(format: "round %d would bring %@ from ε = %.3f to ε = %.3f > %.3f (δ = %g); the site refuses it", round, settings.site.rawValue, spent, projected, ledger.budget.epsilon, ledger.budget.delta))
            }
            // Charged (and fsync'd) before the update is computed, so no update ever leaves
            // the site without its spend on record.
            epsilon = try await ledger.spend(event, label: "flower round \(round)").epsilon
        }
        var generator = FederatedTraining.localTrainingGenerator(seed: settings.seed, round: round, client: index)
        var delta = try client.localUpdate(from: .logisticRegression(model), training: local, using: &generator)
        guard delta.allSatisfy(\.isFinite) else { throw SiteError.invalidModel("local training diverged (non-finite update)") }
        // The same public per-coordinate bound `privagg train` clips every update to.
        for index in delta.indices { delta[index] = min(max(delta[index], -settings.updateBound), settings.updateBound) }
        let parameters = zip(model.parameters, delta).map { $0 + $1 }
        return TrainingResult(weights: Array(parameters.dropLast()), bias: parameters[parameters.count - 1], examples: client.trainingCount, epsilon: epsilon)
    }

    /// The model's results on the site's test records: mean loss, accuracy and record count.
    ///
    /// - Throws: ``SiteError/invalidModel(_:)`` for a model of the wrong size or with
    ///   non-finite values.
    public func evaluate(weights: [Double], bias: Double) throws -> (loss: Double, accuracy: Double, examples: Int) {
        let evaluation = client.evaluate(.logisticRegression(try makeModel(weights: weights, bias: bias)))
        return (evaluation.count == 0 ? 0 : evaluation.loss / Double(evaluation.count), evaluation.accuracy, evaluation.count)
    }

    private func makeModel(weights: [Double], bias: Double) throws -> LogisticRegression {
        guard weights.count == featureCount else {
            throw SiteError.invalidModel("weights have \(weights.count) entries; \(settings.site.rawValue) has \(featureCount) features")
        }
        guard weights.allSatisfy(\.isFinite), bias.isFinite else { throw SiteError.invalidModel("non-finite parameters") }
        var model = try LogisticRegression(dimension: featureCount, l2Penalty: settings.l2Penalty)
        model.parameters = weights + [bias]
        return model
    }

    /// Creates the ledger, or reopens it when it exists; a reopened ledger must have the
    /// same budget and accountant (as `privagg train` requires).
    private static func openLedger(at path: String, budget: PrivacyLedger.Budget, accountant: AccountantKind) throws -> PrivacyLedger {
        do {
            return try PrivacyLedger.openOrCreate(at: path, budget: budget, accountant: accountant).ledger
        } catch let error as PrivacyAccountingError {
            guard case .ledgerSettingsMismatch = error else { throw error }
            throw SiteError.invalidSettings(error.description)
        }
    }
}

/// Why a site refused to train or evaluate.
public enum SiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The round would exceed the site's privacy budget (the text says by how much).
    case budgetExhausted(String)
    /// The global model does not fit the site (size, non-finite values).
    case invalidModel(String)
    /// The site's own settings are inconsistent.
    case invalidSettings(String)

    public var description: String {
        switch self {
        case .budgetExhausted(let reason): return "privacy budget exhausted: \(reason)"
        case .invalidModel(let reason): return "invalid model: \(reason)"
        case .invalidSettings(let reason): return "invalid site settings: \(reason)"
        }
    }
}
