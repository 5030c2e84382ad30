/// Feature means and standard deviations assembled from per-site sums, sums of squares and
/// counts that were added up by an ``Aggregator`` (never from pooled records).
public struct Standardization: Sendable, Equatable {
    /// Per-feature mean.
    public let means: [Double]
    /// Per-feature (population) standard deviation; 1 where a feature is constant.
    public let standardDeviations: [Double]

    /// The length of one site's statistics contribution for `features` features (3 × d).
    public static func statisticsLength(features: Int) -> Int { 3 * features }

    /// The layout of one site's statistics contribution: `[Σx_j…, Σx_j²…, n_j…]`.
    static func localStatistics(features: [Double], dimension: Int) -> [Double] {
        var statistics = [Double](repeating: 0, count: 3 * dimension)
        let rows = dimension == 0 ? 0 : features.count / dimension
        for row in 0..<rows {
            for column in 0..<dimension {
                let value = features[row * dimension + column]
                guard !value.isNaN else { continue }
                statistics[column] += value
                statistics[dimension + column] += value * value
                statistics[2 * dimension + column] += 1
            }
        }
        return statistics
    }

    /// Means and deviations from the summed statistics of all sites.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` if the layout is not `3 × d`.
    public init(summedStatistics sums: [Double]) throws {
        guard sums.count % 3 == 0, !sums.isEmpty else {
            throw FedAvgError.invalidParameter(name: "statistics", reason: "expected 3 × d entries, got \(sums.count)")
        }
        let dimension = sums.count / 3
        var means: [Double] = [], deviations: [Double] = []
        for column in 0..<dimension {
            let count = sums[2 * dimension + column].rounded()
            guard count >= 1 else { means.append(0); deviations.append(1); continue }
            let mean = sums[column] / count
            let variance = max(0, sums[dimension + column] / count - mean * mean)
            means.append(mean)
            deviations.append(variance > 1e-12 ? variance.squareRoot() : 1)
        }
        self.means = means
        standardDeviations = deviations
    }

    /// Standardizes every feature in place; values still missing become 0 (the mean).
    func apply(to data: inout LocalDataset) {
        let dimension = data.dimension
        data.features.withUnsafeMutableBufferPointer { features in
            for index in features.indices {
                let column = index % dimension
                let value = features[index]
                features[index] = value.isNaN ? 0 : (value - means[column]) / standardDeviations[column]
            }
        }
    }
}
