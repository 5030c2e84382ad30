/// The state of a training run after a round: enough to continue it later with the same
/// ledgers (`privagg train --resume`). Written after every round; the model's parameters are
/// what the run has released so far (as a report would), nothing of any record.
public struct TrainingCheckpoint: Sendable, Codable, Equatable {
    /// Format version of the checkpoint file.
    public static let currentVersion = 1

    /// Format version.
    public var version: Int
    /// A description of the run's settings; a resume with other settings is refused.
    public var settings: String
    /// The model's architecture.
    public var architecture: ModelArchitecture
    /// Features per record the model was built for.
    public var featureCount: Int
    /// The global model's parameters after `completedRounds` rounds.
    public var parameters: [Double]
    /// Rounds completed.
    public var completedRounds: Int
    /// Their records.
    public var rounds: [RoundRecord]

    /// A checkpoint.
    ///
    /// - Parameters:
    ///   - settings: the run's settings, as the caller describes them.
    ///   - model: the global model.
    ///   - rounds: the records of the completed rounds.
    public init(settings: String, model: FederatedModel, rounds: [RoundRecord]) {
        version = Self.currentVersion
        self.settings = settings
        architecture = model.architecture
        featureCount = model.featureCount
        parameters = model.parameters
        completedRounds = rounds.count
        self.rounds = rounds
    }

    enum CodingKeys: String, CodingKey {
        case version, settings, architecture, parameters, rounds
        case featureCount = "feature_count"
        case completedRounds = "completed_rounds"
    }
}

extension FederatedModel {
    /// Replaces the parameters with `values` (same count), bit for bit.
    mutating func setParameters(_ values: [Double]) {
        switch self {
        case .logisticRegression(var model):
            model.parameters = values
            self = .logisticRegression(model)
        case .multilayerPerceptron(var model):
            model.parameters = values
            self = .multilayerPerceptron(model)
        }
    }
}
