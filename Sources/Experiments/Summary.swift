import Foundation

/// Mean, standard deviation and Student-t confidence interval of a sample.
public struct SampleStatistics: Sendable, Equatable {
    /// Sample size.
    public var count: Int
    /// Mean.
    public var mean: Double
    /// Sample standard deviation (n − 1); 0 for a single value.
    public var standardDeviation: Double
    /// Half-width of the 95% confidence interval of the mean, t(0.975, n − 1) · s / √n; nil for n < 2.
    public var halfWidth: Double?

    /// The statistics of `values`.
    ///
    /// - Parameter values: the sample (finite values; non-finite ones are left out).
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        count = finite.count
        mean = finite.isEmpty ? .nan : finite.reduce(0, +) / Double(finite.count)
        if finite.count > 1 {
            let mean = self.mean
            let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)
            standardDeviation = variance.squareRoot()
            halfWidth = Self.studentT975(degreesOfFreedom: finite.count - 1) * standardDeviation / Double(finite.count).squareRoot()
        } else {
            standardDeviation = 0
            halfWidth = nil
        }
    }

    /// The 95% interval, when there are at least two values.
    public var interval: ClosedRange<Double>? { halfWidth.map { (mean - $0)...(mean + $0) } }

    /// The 0.975 quantile of Student's t distribution (two-sided 95%), from the standard
    /// table for 1–30 degrees of freedom, then interpolated in 1/df towards 1.95996 (normal).
    ///
    /// - Parameter df: degrees of freedom (≥ 1).
    /// - Returns: the quantile.
    public static func studentT975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
            2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
            2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
        ]
        guard df >= 1 else { return .nan }
        if df <= table.count { return table[df - 1] }
        // Beyond 30 the quantile is nearly linear in 1/df (40: 2.0211, 60: 2.0003, 120: 1.9799).
        let anchors: [(Double, Double)] = [(30, 2.0423), (40, 2.0211), (60, 2.0003), (120, 1.9799), (.infinity, 1.95996)]
        let x = 1 / Double(df)
        for (low, high) in zip(anchors, anchors.dropFirst()) where Double(df) <= high.0 {
            let x0 = 1 / low.0, x1 = high.0.isInfinite ? 0 : 1 / high.0
            return low.1 + (high.1 - low.1) * (x0 - x) / (x0 - x1)
        }
        return 1.95996
    }
}

/// One row of the summary tables: a grid cell over its seeds.
public struct CellSummary: Sendable {
    /// The cell's label.
    public var cell: String
    /// Privacy, aggregator, model, ε budget, σ of the cell.
    public var privacy: String, aggregator: String, model: String
    /// ε budget, if private.
    public var epsilonBudget: Double?
    /// σ, if private.
    public var noiseMultiplier: Double?
    /// Final accuracy over the seeds.
    public var accuracy: SampleStatistics
    /// Worst site's accuracy over the seeds.
    public var worstSite: SampleStatistics
    /// Best–worst site gap over the seeds.
    public var siteGap: SampleStatistics
    /// ε spent over the seeds (infinite without privacy).
    public var epsilon: SampleStatistics
    /// Bytes per client over the seeds.
    public var bytes: SampleStatistics
    /// Seconds over the seeds.
    public var seconds: SampleStatistics
    /// Runs stopped early by the budget, and runs that trained nothing.
    public var budgetStopped: Int, trainedNothing: Int
    /// The per-seed results.
    public var runs: [RunResult]

    /// Summaries of `results` per cell, in order of first appearance.
    ///
    /// - Parameter results: the runs.
    /// - Returns: one summary per cell.
    public static func summarize(_ results: [RunResult]) -> [CellSummary] {
        var order: [String] = [], groups: [String: [RunResult]] = [:]
        for result in results {
            if groups[result.cell] == nil { order.append(result.cell) }
            groups[result.cell, default: []].append(result)
        }
        return order.map { cell in
            let runs = groups[cell]!
            let first = runs[0]
            return CellSummary(
                cell: cell, privacy: first.privacy, aggregator: first.aggregator, model: first.model, epsilonBudget: first.epsilonBudget,
                noiseMultiplier: first.noiseMultiplier, accuracy: SampleStatistics(runs.map(\.accuracy)),
                worstSite: SampleStatistics(runs.map(\.worstSiteAccuracy)), siteGap: SampleStatistics(runs.map(\.siteGap)),
                epsilon: SampleStatistics(runs.map(\.epsilon)), bytes: SampleStatistics(runs.map(\.bytesPerClient)),
                seconds: SampleStatistics(runs.map(\.seconds)),
                budgetStopped: runs.filter { $0.status == .budgetStopped }.count,
                trainedNothing: runs.filter { $0.status == .trainedNothing }.count, runs: runs)
        }
    }
}
