/// Records held by one site: a row-major feature matrix and 0/1 labels.
///
/// Internal on purpose: only ``SiteClient`` holds one, so records cannot leave a site
/// except as the statistics and model updates it hands to an ``Aggregator``.
struct LocalDataset: Sendable {
    /// Row-major features, `count × dimension`; NaN marks a missing value before imputation.
    var features: [Double]
    /// Labels in {0, 1}.
    var labels: [Double]
    /// Features per record.
    let dimension: Int

    /// Number of records.
    var count: Int { labels.count }

    /// The records at `indices`, in that order.
    func subset(_ indices: [Int]) -> LocalDataset {
        var features: [Double] = []
        features.reserveCapacity(indices.count * dimension)
        for index in indices { features.append(contentsOf: self.features[(index * dimension)..<((index + 1) * dimension)]) }
        return LocalDataset(features: features, labels: indices.map { labels[$0] }, dimension: dimension)
    }
}
