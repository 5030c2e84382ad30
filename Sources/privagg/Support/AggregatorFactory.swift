import FedAvg

/// Builds the aggregator named on the command line.
enum AggregatorFactory {
    static func make(_ choice: AggregatorChoice, seed: UInt64?, bitWidth: Int = 48, sites: Int = 0, threshold: Int? = nil) throws -> any Aggregator {
        switch choice {
        case .plain: return PlainAggregator()
        case .secagg: return try SecureAggregator(variant: .complete, bitWidth: bitWidth, seed: seed)
        case .secaggPlus: return try SecureAggregator(variant: .sparse(dropoutFraction: 0.05, corruptFraction: 0.05), bitWidth: bitWidth, seed: seed)
        case .paillier: return try PaillierAggregator(keyBits: 2048)
        case .paillierThreshold:
            // Every client is a site holding a key share; the default threshold is a majority.
            return try ThresholdPaillierAggregator(keyBits: 2048, sites: sites, threshold: threshold ?? (sites / 2 + 1))
        }
    }
}
