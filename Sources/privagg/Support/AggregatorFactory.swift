import FedAvg

/// Builds the aggregator named on the command line.
enum AggregatorFactory {
    static func make(_ choice: AggregatorChoice, seed: UInt64?, bitWidth: Int = 48) throws -> any Aggregator {
        switch choice {
        case .plain: return PlainAggregator()
        case .secagg: return try SecureAggregator(variant: .complete, bitWidth: bitWidth, seed: seed)
        case .secaggPlus: return try SecureAggregator(variant: .sparse(dropoutFraction: 0.05, corruptFraction: 0.05), bitWidth: bitWidth, seed: seed)
        case .paillier: return try PaillierAggregator(keyBits: 2048)
        }
    }
}
