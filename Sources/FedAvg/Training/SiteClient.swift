import Sodium

/// One federated participant (a hospital, or a synthetic client) and the only holder of its
/// records.
///
/// The records are private stored properties: nothing outside this type can read them.
/// What leaves a client is exactly what its methods return — the feature statistics for
/// standardization (``statisticsContribution()``) and model updates (``localUpdate(from:training:using:)``),
/// both of which the training loop hands straight to an ``Aggregator`` — plus its own
/// test-set evaluation counts.
public struct SiteClient: Sendable {
    /// The site's name (e.g. `cleveland`).
    public let name: String
    private var training: LocalDataset
    private var test: LocalDataset

    /// Records in the training part.
    public var trainingCount: Int { training.count }
    /// Records in the test part.
    public var testCount: Int { test.count }
    /// Features per record (after imputation and indicators).
    public var featureCount: Int { training.dimension }
    /// Share of positive labels in the training part.
    public var trainingPositiveRate: Double { training.labels.reduce(0, +) / Double(max(training.count, 1)) }
    /// Share of positive labels in the test part.
    public var testPositiveRate: Double { test.labels.reduce(0, +) / Double(max(test.count, 1)) }

    init(name: String, training: LocalDataset, test: LocalDataset) {
        self.name = name
        self.training = training
        self.test = test
    }

    /// The site's per-feature sums, sums of squares and observed counts over its training
    /// records (`[Σx…, Σx²…, n…]`), to be summed across sites by an aggregator.
    public func statisticsContribution() -> [Double] {
        Standardization.localStatistics(features: training.features, dimension: training.dimension)
    }

    /// Applies the federated standardization to the site's training and test records.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` if the dimensions differ.
    public mutating func standardize(using standardization: Standardization) throws {
        guard standardization.means.count == training.dimension else {
            throw FedAvgError.invalidParameter(
                name: "standardization", reason: "has \(standardization.means.count) features, site has \(training.dimension)")
        }
        standardization.apply(to: &training)
        standardization.apply(to: &test)
    }

    /// Trains a copy of `model` on the site's records and returns the change of its
    /// parameters (local − global).
    ///
    /// Each step draws a Poisson sample at ``LocalTraining/samplingRate``. With DP-SGD, every
    /// example's gradient is clipped to L2 norm C, Gaussian noise of standard deviation σ·C
    /// is added to the sum, and the sum is divided by the *expected* batch size q·n (the
    /// sampled batch size is itself private). The L2 penalty involves no data and is added
    /// after the noise.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` if the model's feature count differs.
    public func localUpdate<R: RandomNumberGenerator>(
        from model: FederatedModel, training configuration: LocalTraining, using generator: inout R
    ) throws -> [Double] {
        switch model {
        case .logisticRegression(let model): return try localUpdate(of: model, training: configuration, using: &generator)
        case .multilayerPerceptron(let model): return try localUpdate(of: model, training: configuration, using: &generator)
        }
    }

    /// ``localUpdate(from:training:using:)`` specialized to one architecture, so the step
    /// loop calls the model's gradient code directly.
    func localUpdate<M: TrainableModel, R: RandomNumberGenerator>(
        of model: M, training configuration: LocalTraining, using generator: inout R
    ) throws -> [Double] {
        guard model.featureCount == training.dimension else {
            throw FedAvgError.invalidParameter(name: "model", reason: "has \(model.featureCount) features, site has \(training.dimension)")
        }
        var local = model
        let count = training.count
        var batch = [Int](repeating: 0, count: count)
        var gradient = [Double](repeating: 0, count: model.parameters.count)
        let noise = try configuration.dpSGD.map { try GaussianNoise(noiseMultiplier: $0.noiseMultiplier, clipNorm: $0.clipNorm, dimension: gradient.count) }
        let expectedBatch = configuration.samplingRate * Double(count)
        for _ in 0..<configuration.steps {
            var size = 0
            for row in 0..<count where unitInterval(&generator) < configuration.samplingRate {
                batch[size] = row
                size += 1
            }
            for index in gradient.indices { gradient[index] = 0 }
            batch.withUnsafeBufferPointer { rows in
                gradient.withUnsafeMutableBufferPointer { buffer in
                    local.accumulateGradient(
                        of: training, rows: UnsafeBufferPointer(rebasing: rows[0..<size]),
                        clipNorm: configuration.dpSGD?.clipNorm, into: buffer)
                }
            }
            let denominator: Double
            if let noise {
                try noise.addNoise(to: &gradient, using: &generator)
                denominator = max(expectedBatch, 1e-12)
            } else {
                guard size > 0 else { continue }
                denominator = Double(size)
            }
            for index in gradient.indices { gradient[index] /= denominator }
            gradient.withUnsafeMutableBufferPointer { local.addPenaltyGradient(to: $0) }
            for index in gradient.indices { local.parameters[index] -= configuration.learningRate * gradient[index] }
        }
        return zip(local.parameters, model.parameters).map { $0 - $1 }
    }

    /// The model's results on the site's test records.
    public func evaluate(_ model: FederatedModel) -> SiteEvaluation {
        let model = model.trainable
        return SiteEvaluation(
            site: name, correct: model.correctPredictions(on: test), count: test.count,
            loss: model.loss(on: test) * Double(test.count))
    }

    /// The model's regularized objective on the site's training records (used by tests).
    func trainingLoss(_ model: some TrainableModel) -> Double { model.loss(on: training) }

    /// The exact gradient of the training objective (used by tests).
    func trainingGradient(_ model: some TrainableModel) -> [Double] { model.gradient(on: training) }

    /// The summed, clipped per-example gradients of `rows` (used by tests).
    func clippedGradientSum(_ model: some TrainableModel, rows: [Int], clipNorm: Double?) -> [Double] {
        var gradient = [Double](repeating: 0, count: model.parameters.count)
        rows.withUnsafeBufferPointer { rows in
            gradient.withUnsafeMutableBufferPointer { model.accumulateGradient(of: training, rows: rows, clipNorm: clipNorm, into: $0) }
        }
        return gradient
    }
}

/// A uniform double in [0, 1) from 53 random bits.
@inline(__always)
package func unitInterval<R: RandomNumberGenerator>(_ generator: inout R) -> Double {
    Double(generator.next() >> 11) * 0x1p-53
}
