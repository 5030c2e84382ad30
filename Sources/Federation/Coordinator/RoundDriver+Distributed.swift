import FedAvg
import Foundation
import SecureAggregation

/// One distributed-DP round at the coordinator: the pipeline every site encodes with and the
/// round's public rotation seed.
struct DistributedEncoding {
    /// The pipeline (its decoding and error bound are the coordinator's part).
    let aggregator: DistributedDPAggregator
    /// The round's public rotation seed, sent to every site.
    let rotationSeed: [UInt8]
}

extension RoundDriver {
    /// The distributed mode's round among `clients` sites.
    ///
    /// The coordinator derives the same pipeline as every site
    /// (``FederatedRound/distributedRound(configuration:variant:clients:dimension:)``, from the
    /// public settings and the round's client count) and the rotation seed from its own seed as
    /// the in-process aggregator does (``DistributedDPAggregator/rotationSeed(seed:round:)``).
    /// It never sees an encoding: SecAgg reveals only their sum in Z_{2^bits}, which it decodes.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` when the bits cannot hold the
    ///   sum of `clients` encodings (the round is then abandoned).
    func distributedEncoding(round: Int, variant: SecureAggregator.Variant, clients: Int, dimension: Int) throws -> DistributedEncoding {
        let setup = try FederatedRound.distributedRound(
            configuration: configuration.settings.trainingConfiguration(seed: nil), variant: variant, clients: clients, dimension: dimension)
        return DistributedEncoding(
            aggregator: setup.aggregator, rotationSeed: DistributedDPAggregator.rotationSeed(seed: configuration.seed, round: UInt64(round)))
    }
}
