/// Adds up the clients' vectors for the server: in the clear, under secure aggregation, or
/// under additively homomorphic encryption. The server learns the sum and nothing else
/// (except with ``PlainAggregator``).
public protocol Aggregator: Sendable {
    /// A short name for reports (`plain`, `secagg`, `secagg+`, `paillier`).
    var name: String { get }

    /// The element-wise sum of `contributions` (one per client, equal lengths).
    ///
    /// - Parameters:
    ///   - contributions: one vector per client, of equal lengths.
    ///   - bound: a public bound with |entry| ≤ bound for every entry; quantizing aggregators
    ///     clip to it and size their grid with it.
    ///   - round: the round number, bound into any keys the protocol derives.
    /// Implementations start with `validate(_:bound:)`, the one check shared by all.
    /// - Throws: ``FedAvgError/aggregationFailed(reason:)``, or
    ///   ``FedAvgError/nonFiniteContribution(client:index:)`` for NaN or ±∞ in a contribution.
    func sum(_ contributions: [[Double]], bound: Double, round: UInt64) throws -> AggregationOutcome
}

/// The result and cost of one aggregation.
public struct AggregationOutcome: Sendable {
    /// The element-wise sum.
    public var sum: [Double]
    /// A per-entry bound on |sum − exact sum| (0 for exact aggregators).
    public var errorBound: Double
    /// Mean bytes one client sent.
    public var uploadBytesPerClient: Double
    /// Mean bytes one client received (protocol messages; the model broadcast is not included).
    public var downloadBytesPerClient: Double
    /// Mean seconds one client spent on cryptography (encoding, masking, encryption).
    public var clientCryptoSeconds: Double
    /// Seconds the server spent on cryptography (unmasking, homomorphic sums, decryption).
    public var serverCryptoSeconds: Double

    /// An outcome.
    public init(
        sum: [Double], errorBound: Double, uploadBytesPerClient: Double, downloadBytesPerClient: Double,
        clientCryptoSeconds: Double, serverCryptoSeconds: Double
    ) {
        self.sum = sum
        self.errorBound = errorBound
        self.uploadBytesPerClient = uploadBytesPerClient
        self.downloadBytesPerClient = downloadBytesPerClient
        self.clientCryptoSeconds = clientCryptoSeconds
        self.serverCryptoSeconds = serverCryptoSeconds
    }
}

extension Aggregator {
    /// The common entry check of every aggregator: at least one contribution, all of the
    /// same length, a positive bound, and every entry finite. The finiteness check is here,
    /// once for all aggregators, so that the plain sum refuses NaN/∞ exactly as the
    /// quantizing ones must (a NaN would otherwise become the model, and ±∞ be clipped to
    /// the bound without a word).
    ///
    /// - Returns: the common length.
    /// - Throws: ``FedAvgError/aggregationFailed(reason:)`` for the shape or bound, and
    ///   ``FedAvgError/nonFiniteContribution(client:index:)`` for the first NaN or ±∞.
    func validate(_ contributions: [[Double]], bound: Double) throws -> Int {
        guard let first = contributions.first else { throw FedAvgError.aggregationFailed(reason: "no contributions") }
        guard contributions.allSatisfy({ $0.count == first.count }), !first.isEmpty else {
            throw FedAvgError.aggregationFailed(reason: "contributions differ in length or are empty")
        }
        guard bound.isFinite, bound > 0 else { throw FedAvgError.aggregationFailed(reason: "bound must be positive, got \(bound)") }
        for (client, contribution) in contributions.enumerated() {
            if let index = contribution.firstIndex(where: { !$0.isFinite }) {
                throw FedAvgError.nonFiniteContribution(client: client, index: index)
            }
        }
        return first.count
    }
}
