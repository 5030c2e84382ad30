/// What local training needs from a model: a flat parameter vector (what FedAvg averages)
/// and the maths on it. Internal because it works on a site's private ``LocalDataset``.
protocol TrainableModel: Sendable {
    /// Every parameter, in the order updates are aggregated.
    var parameters: [Double] { get set }
    /// Number of input features.
    var featureCount: Int { get }

    /// Adds the data-loss gradients of `rows` to `gradient`, each first scaled down to L2
    /// norm at most `clipNorm` when one is given (DP-SGD's per-example clipping).
    func accumulateGradient(
        of data: LocalDataset, rows: UnsafeBufferPointer<Int>, clipNorm: Double?, into gradient: UnsafeMutableBufferPointer<Double>)

    /// Adds the L2 penalty's gradient (weights only, never biases) to `gradient`. It
    /// involves no data, so DP-SGD adds it after the noise.
    func addPenaltyGradient(to gradient: UnsafeMutableBufferPointer<Double>)

    /// The regularized objective on `data` (mean log-loss plus the penalty).
    func loss(on data: LocalDataset) -> Double

    /// Records whose predicted class (probability ≥ 1/2) equals the label.
    func correctPredictions(on data: LocalDataset) -> Int
}

extension TrainableModel {
    /// The full gradient of ``loss(on:)``, for checking against finite differences.
    func gradient(on data: LocalDataset) -> [Double] {
        var gradient = [Double](repeating: 0, count: parameters.count)
        let rows = Array(0..<data.count)
        rows.withUnsafeBufferPointer { rows in
            gradient.withUnsafeMutableBufferPointer { accumulateGradient(of: data, rows: rows, clipNorm: nil, into: $0) }
        }
        for index in gradient.indices { gradient[index] /= Double(max(data.count, 1)) }
        gradient.withUnsafeMutableBufferPointer { addPenaltyGradient(to: $0) }
        return gradient
    }
}
