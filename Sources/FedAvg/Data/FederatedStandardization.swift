/// Standardization whose statistics are summed by an aggregator, so no site reveals its
/// own sums (under secure aggregation) and no record is ever pooled.
///
/// The statistics are exact: every record's standardized features then depend on all other
/// records. That is fine for non-private training and voids a differentially private one's
/// guarantee (adding a record would move every other record's gradient), so private runs
/// train on ``HeartDisease/Preprocessing/publicRanges`` features without it.
public enum FederatedStandardization {
    /// A public bound on every entry of a statistics contribution (|Σx²| of a site), which
    /// quantizing aggregators need to size their grid.
    public static let statisticsBound = 1e9

    /// Sums every client's statistics through `aggregator`, then standardizes every client.
    ///
    /// - Returns: the standardization and the cost of the aggregation.
    /// - Throws: ``FedAvgError`` if the clients disagree in dimension or the aggregation fails.
    @discardableResult
    public static func standardize(_ clients: inout [SiteClient], aggregator: any Aggregator) throws -> (Standardization, AggregationOutcome) {
        let contributions = clients.map { $0.statisticsContribution() }
        let outcome = try aggregator.sum(contributions, bound: statisticsBound, round: 0)
        let standardization = try Standardization(summedStatistics: outcome.sum)
        for index in clients.indices { try clients[index].standardize(using: standardization) }
        return (standardization, outcome)
    }
}
