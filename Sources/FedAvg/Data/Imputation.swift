/// Missing-value handling: fixed public fill values, or values learned from the site's own
/// training records only.
///
/// Each optional attribute (``HeartDiseaseFile/optionalAttributes``) gets a 0/1 indicator
/// column appended, and its missing values are replaced by the fill value: a public constant,
/// or the median of the site's observed training values. An attribute the site never
/// observed stays NaN under the latter; standardization later sets it to 0, i.e. to the
/// federated mean.
struct Imputation: Sendable {
    /// Per input column, the value that replaces a missing one (NaN when none was observed).
    let fillValues: [Double]
    /// Columns that receive a missing-value indicator.
    let indicatorColumns: [Int]

    /// Fixed fill values (public constants: nothing is learned from the records).
    init(fillValues: [Double], indicatorColumns: [Int]) {
        self.fillValues = fillValues
        self.indicatorColumns = indicatorColumns
    }

    /// Learns the fill values from `training`.
    init(training: LocalDataset, indicatorColumns: [Int]) {
        var fills: [Double] = []
        for column in 0..<training.dimension {
            var observed: [Double] = []
            for row in 0..<training.count {
                let value = training.features[row * training.dimension + column]
                if !value.isNaN { observed.append(value) }
            }
            observed.sort()
            if observed.isEmpty {
                fills.append(.nan)
            } else if observed.count % 2 == 1 {
                fills.append(observed[observed.count / 2])
            } else {
                fills.append((observed[observed.count / 2 - 1] + observed[observed.count / 2]) / 2)
            }
        }
        fillValues = fills
        self.indicatorColumns = indicatorColumns
    }

    /// The records with missing values filled and indicator columns appended.
    func apply(to data: LocalDataset) -> LocalDataset {
        let outDimension = data.dimension + indicatorColumns.count
        var features = [Double](repeating: 0, count: data.count * outDimension)
        for row in 0..<data.count {
            for column in 0..<data.dimension {
                let value = data.features[row * data.dimension + column]
                features[row * outDimension + column] = value.isNaN ? fillValues[column] : value
            }
            for (offset, column) in indicatorColumns.enumerated() {
                features[row * outDimension + data.dimension + offset] = data.features[row * data.dimension + column].isNaN ? 1 : 0
            }
        }
        return LocalDataset(features: features, labels: data.labels, dimension: outDimension)
    }
}
