import Foundation

/// L2-regularized logistic regression: parameters are `dimension` weights followed by a bias.
///
/// The objective on n records is `(1/n) Σ log(1 + e^{−ỹ·(w·x + b)}) + (λ/2)‖w‖²` with ỹ = ±1;
/// the bias is not regularized. All loops run over contiguous buffers without allocating
/// per record.
public struct LogisticRegression: Sendable, Equatable, TrainableModel {
    /// Weights followed by the bias (`dimension + 1` entries).
    public var parameters: [Double]
    /// The L2 penalty λ.
    public var l2Penalty: Double

    /// Number of input features.
    public var dimension: Int { parameters.count - 1 }

    /// Number of input features (the same as ``dimension``).
    public var featureCount: Int { dimension }

    /// A model with all parameters zero.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a non-positive dimension or
    ///   a negative or non-finite penalty.
    public init(dimension: Int, l2Penalty: Double = 1e-3) throws {
        guard dimension >= 1 else { throw FedAvgError.invalidParameter(name: "dimension", reason: "must be at least 1, got \(dimension)") }
        guard l2Penalty.isFinite, l2Penalty >= 0 else {
            throw FedAvgError.invalidParameter(name: "l2Penalty", reason: "must be finite and >= 0, got \(l2Penalty)")
        }
        parameters = [Double](repeating: 0, count: dimension + 1)
        self.l2Penalty = l2Penalty
    }

    /// w·x + b for the record starting at `row` in `features`.
    @inline(__always)
    static func margin(_ parameters: UnsafeBufferPointer<Double>, _ features: UnsafeBufferPointer<Double>, row: Int) -> Double {
        let dimension = parameters.count - 1
        var sum = parameters[dimension]
        let base = row * dimension
        for column in 0..<dimension { sum += parameters[column] * features[base + column] }
        return sum
    }

    /// The logistic function, computed without overflow.
    @inline(__always)
    static func sigmoid(_ z: Double) -> Double {
        z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
    }

    /// log(1 + e^{−ỹz}), computed without overflow.
    @inline(__always)
    static func logLoss(margin z: Double, label: Double) -> Double {
        let signed = label > 0.5 ? -z : z
        return signed > 0 ? signed + log1p(exp(-signed)) : log1p(exp(signed))
    }

    /// Adds the data-loss gradients of `rows` to `gradient` (length `dimension + 1`), each
    /// first scaled down to L2 norm at most `clipNorm` when one is given (DP-SGD's
    /// per-example clipping). A record's gradient is (σ(z) − y)·[x, 1], so its norm is
    /// |σ(z) − y|·√(‖x‖² + 1) and clipping costs no extra pass.
    func accumulateGradient(
        of data: LocalDataset, rows: UnsafeBufferPointer<Int>, clipNorm: Double?, into gradient: UnsafeMutableBufferPointer<Double>
    ) {
        let dimension = self.dimension
        parameters.withUnsafeBufferPointer { parameters in
            data.features.withUnsafeBufferPointer { features in
                for row in rows {
                    let residual = Self.sigmoid(Self.margin(parameters, features, row: row)) - data.labels[row]
                    var scale = residual
                    if let clipNorm {
                        var squared = 1.0
                        for column in 0..<dimension { squared += features[row * dimension + column] * features[row * dimension + column] }
                        let norm = abs(residual) * squared.squareRoot()
                        if norm > clipNorm { scale *= clipNorm / norm }
                    }
                    for column in 0..<dimension { gradient[column] += scale * features[row * dimension + column] }
                    gradient[dimension] += scale
                }
            }
        }
    }

    /// The regularized objective on `data`.
    func loss(on data: LocalDataset) -> Double {
        guard data.count > 0 else { return 0 }
        var total = 0.0
        parameters.withUnsafeBufferPointer { parameters in
            data.features.withUnsafeBufferPointer { features in
                for row in 0..<data.count {
                    total += Self.logLoss(margin: Self.margin(parameters, features, row: row), label: data.labels[row])
                }
            }
        }
        var squared = 0.0
        for column in 0..<dimension { squared += parameters[column] * parameters[column] }
        return total / Double(data.count) + 0.5 * l2Penalty * squared
    }

    /// Adds λ·w for the weights; the bias is not regularized.
    func addPenaltyGradient(to gradient: UnsafeMutableBufferPointer<Double>) {
        for column in 0..<dimension { gradient[column] += l2Penalty * parameters[column] }
    }

    /// Records whose predicted class (probability ≥ 1/2) equals the label.
    func correctPredictions(on data: LocalDataset) -> Int {
        var correct = 0
        parameters.withUnsafeBufferPointer { parameters in
            data.features.withUnsafeBufferPointer { features in
                for row in 0..<data.count where (Self.margin(parameters, features, row: row) >= 0) == (data.labels[row] > 0.5) {
                    correct += 1
                }
            }
        }
        return correct
    }
}
