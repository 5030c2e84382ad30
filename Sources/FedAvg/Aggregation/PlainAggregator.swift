/// Sums the clients' vectors in the clear: the server sees every contribution. The
/// non-private reference against which the other aggregators' cost is measured.
public struct PlainAggregator: Aggregator {
    /// `plain`.
    public var name: String { "plain" }

    /// A plain aggregator.
    public init() {}

    /// The exact sum; each client uploads its vector as 8-byte doubles.
    public func sum(_ contributions: [[Double]], bound: Double, round: UInt64) throws -> AggregationOutcome {
        let dimension = try validate(contributions, bound: bound)
        var sum = [Double](repeating: 0, count: dimension)
        for contribution in contributions {
            for index in 0..<dimension { sum[index] += contribution[index] }
        }
        return AggregationOutcome(
            sum: sum, errorBound: 0, uploadBytesPerClient: Double(8 * dimension), downloadBytesPerClient: 0,
            clientCryptoSeconds: 0, serverCryptoSeconds: 0)
    }
}
