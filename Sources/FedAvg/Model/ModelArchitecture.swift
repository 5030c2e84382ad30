/// Which model a federated run trains.
public enum ModelArchitecture: Sendable, Equatable, Codable {
    /// L2-regularized logistic regression (``LogisticRegression``), starting from zero.
    case logisticRegression
    /// A one-hidden-layer perceptron (``MultilayerPerceptron``) with tanh units, starting
    /// from Glorot-uniform weights drawn from the run's seed.
    case multilayerPerceptron(hiddenUnits: Int)

    /// A short name: `logistic` or `mlp-H`.
    public var name: String {
        switch self {
        case .logisticRegression: return "logistic"
        case .multilayerPerceptron(let hidden): return "mlp-\(hidden)"
        }
    }

    /// The initial global model for `featureCount` inputs.
    func makeModel<R: RandomNumberGenerator>(featureCount: Int, l2Penalty: Double, using generator: inout R) throws -> FederatedModel {
        switch self {
        case .logisticRegression:
            return .logisticRegression(try LogisticRegression(dimension: featureCount, l2Penalty: l2Penalty))
        case .multilayerPerceptron(let hidden):
            return .multilayerPerceptron(
                try MultilayerPerceptron(featureCount: featureCount, hiddenUnits: hidden, l2Penalty: l2Penalty, using: &generator))
        }
    }
}

/// A trained (or initial) global model of either architecture.
public enum FederatedModel: Sendable, Equatable {
    /// A logistic regression.
    case logisticRegression(LogisticRegression)
    /// A one-hidden-layer perceptron.
    case multilayerPerceptron(MultilayerPerceptron)

    /// Every parameter, in the order updates are aggregated.
    public var parameters: [Double] { trainable.parameters }

    /// Number of input features.
    public var featureCount: Int { trainable.featureCount }

    /// The architecture.
    public var architecture: ModelArchitecture {
        switch self {
        case .logisticRegression: return .logisticRegression
        case .multilayerPerceptron(let model): return .multilayerPerceptron(hiddenUnits: model.hiddenUnits)
        }
    }

    /// The model behind the case, for local training and evaluation.
    var trainable: any TrainableModel {
        switch self {
        case .logisticRegression(let model): return model
        case .multilayerPerceptron(let model): return model
        }
    }

    /// Adds `update` to the parameters (the server's FedAvg step).
    mutating func apply(_ update: [Double]) {
        switch self {
        case .logisticRegression(var model):
            for index in model.parameters.indices { model.parameters[index] += update[index] }
            self = .logisticRegression(model)
        case .multilayerPerceptron(var model):
            for index in model.parameters.indices { model.parameters[index] += update[index] }
            self = .multilayerPerceptron(model)
        }
    }
}
