import Foundation

/// A one-hidden-layer perceptron for binary classification: `hiddenUnits` tanh units and a
/// logistic output, with an L2 penalty on the weights (not the biases).
///
/// Parameters are laid out flat, the way FedAvg averages them: the hidden weights W
/// (`hiddenUnits × featureCount`, row-major), the hidden biases b, the output weights v,
/// then the output bias c — `hiddenUnits · (featureCount + 2) + 1` entries. The model is
/// p(y = 1 | x) = σ(v·tanh(Wx + b) + c).
public struct MultilayerPerceptron: Sendable, Equatable, TrainableModel {
    /// W, b, v, c, flattened as described above.
    public var parameters: [Double]
    /// The L2 penalty λ on W and v.
    public var l2Penalty: Double
    /// Number of input features.
    public let featureCount: Int
    /// Number of hidden units.
    public let hiddenUnits: Int

    /// A model with Glorot-uniform weights drawn from `generator` and zero biases (the
    /// weights cannot start at zero: every hidden unit would stay identical).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for fewer than one feature
    ///   or hidden unit, more than 4096 hidden units, or a negative or non-finite penalty.
    public init<R: RandomNumberGenerator>(
        featureCount: Int, hiddenUnits: Int, l2Penalty: Double = 1e-3, using generator: inout R
    ) throws {
        guard featureCount >= 1 else {
            throw FedAvgError.invalidParameter(name: "featureCount", reason: "must be at least 1, got \(featureCount)")
        }
        guard (1...4096).contains(hiddenUnits) else {
            throw FedAvgError.invalidParameter(name: "hiddenUnits", reason: "must be in 1...4096, got \(hiddenUnits)")
        }
        guard l2Penalty.isFinite, l2Penalty >= 0 else {
            throw FedAvgError.invalidParameter(name: "l2Penalty", reason: "must be finite and >= 0, got \(l2Penalty)")
        }
        self.featureCount = featureCount
        self.hiddenUnits = hiddenUnits
        self.l2Penalty = l2Penalty
        parameters = [Double](repeating: 0, count: hiddenUnits * (featureCount + 2) + 1)
        let hiddenLimit = (6 / Double(featureCount + hiddenUnits)).squareRoot()
        for index in 0..<(hiddenUnits * featureCount) { parameters[index] = hiddenLimit * (2 * unitInterval(&generator) - 1) }
        let outputLimit = (6 / Double(hiddenUnits + 1)).squareRoot()
        for index in outputWeights { parameters[index] = outputLimit * (2 * unitInterval(&generator) - 1) }
    }

    private var hiddenBiases: Range<Int> { (hiddenUnits * featureCount)..<(hiddenUnits * (featureCount + 1)) }
    private var outputWeights: Range<Int> { (hiddenUnits * (featureCount + 1))..<(hiddenUnits * (featureCount + 2)) }

    /// Runs the hidden layer on one record into `hidden` and returns the output margin.
    @inline(__always)
    private func forward(
        _ parameters: UnsafeBufferPointer<Double>, _ features: UnsafeBufferPointer<Double>, row: Int,
        hidden: UnsafeMutableBufferPointer<Double>
    ) -> Double {
        let d = featureCount, h = hiddenUnits, base = row * d
        let biases = h * d, weights = h * (d + 1)
        var margin = parameters[h * (d + 2)]
        for unit in 0..<h {
            var sum = parameters[biases + unit]
            let rowStart = unit * d
            for column in 0..<d { sum += parameters[rowStart + column] * features[base + column] }
            let activation = tanh(sum)
            hidden[unit] = activation
            margin += parameters[weights + unit] * activation
        }
        return margin
    }

    /// Adds each record's back-propagated log-loss gradient. With r = σ(margin) − y and
    /// δⱼ = r·vⱼ·(1 − zⱼ²), a record's gradient has squared norm r²(‖z‖² + 1) + ‖δ‖²(‖x‖² + 1),
    /// so clipping needs no second pass; the only scratch space is two buffers of
    /// `hiddenUnits`, allocated once per call.
    func accumulateGradient(
        of data: LocalDataset, rows: UnsafeBufferPointer<Int>, clipNorm: Double?, into gradient: UnsafeMutableBufferPointer<Double>
    ) {
        let d = featureCount, h = hiddenUnits
        let biases = h * d, weights = h * (d + 1), bias = h * (d + 2)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * h) { scratch in
            let hidden = UnsafeMutableBufferPointer(rebasing: scratch[0..<h])
            let deltas = UnsafeMutableBufferPointer(rebasing: scratch[h..<(2 * h)])
            parameters.withUnsafeBufferPointer { parameters in
                data.features.withUnsafeBufferPointer { features in
                    for row in rows {
                        let residual = LogisticRegression.sigmoid(forward(parameters, features, row: row, hidden: hidden)) - data.labels[row]
                        var hiddenSquared = 1.0, deltaSquared = 0.0
                        for unit in 0..<h {
                            let z = hidden[unit]
                            let delta = residual * parameters[weights + unit] * (1 - z * z)
                            deltas[unit] = delta
                            hiddenSquared += z * z
                            deltaSquared += delta * delta
                        }
                        var scale = 1.0
                        if let clipNorm {
                            var featureSquared = 1.0
                            for column in 0..<d { featureSquared += features[row * d + column] * features[row * d + column] }
                            let norm = (residual * residual * hiddenSquared + deltaSquared * featureSquared).squareRoot()
                            if norm > clipNorm { scale = clipNorm / norm }
                        }
                        for unit in 0..<h {
                            let delta = scale * deltas[unit]
                            let rowStart = unit * d
                            for column in 0..<d { gradient[rowStart + column] += delta * features[row * d + column] }
                            gradient[biases + unit] += delta
                            gradient[weights + unit] += scale * residual * hidden[unit]
                        }
                        gradient[bias] += scale * residual
                    }
                }
            }
        }
    }

    /// Adds λ·W and λ·v; biases are not regularized.
    func addPenaltyGradient(to gradient: UnsafeMutableBufferPointer<Double>) {
        for index in 0..<(hiddenUnits * featureCount) { gradient[index] += l2Penalty * parameters[index] }
        for index in outputWeights { gradient[index] += l2Penalty * parameters[index] }
    }

    private var penalty: Double {
        var squared = 0.0
        for index in 0..<(hiddenUnits * featureCount) { squared += parameters[index] * parameters[index] }
        for index in outputWeights { squared += parameters[index] * parameters[index] }
        return 0.5 * l2Penalty * squared
    }

    /// Applies `body` to each record's output margin, with scratch space allocated once.
    private func forEachMargin(of data: LocalDataset, _ body: (_ row: Int, _ margin: Double) -> Void) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: hiddenUnits) { hidden in
            parameters.withUnsafeBufferPointer { parameters in
                data.features.withUnsafeBufferPointer { features in
                    for row in 0..<data.count { body(row, forward(parameters, features, row: row, hidden: hidden)) }
                }
            }
        }
    }

    func loss(on data: LocalDataset) -> Double {
        guard data.count > 0 else { return 0 }
        var total = 0.0
        forEachMargin(of: data) { row, margin in total += LogisticRegression.logLoss(margin: margin, label: data.labels[row]) }
        return total / Double(data.count) + penalty
    }

    func correctPredictions(on data: LocalDataset) -> Int {
        var correct = 0
        forEachMargin(of: data) { row, margin in if (margin >= 0) == (data.labels[row] > 0.5) { correct += 1 } }
        return correct
    }
}
