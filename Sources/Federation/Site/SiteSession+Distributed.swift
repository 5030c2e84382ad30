import FedAvg
import Foundation
import SecureAggregation

extension SiteSession {
    /// The distributed mode's round at a site (nil in the other modes): the pipeline for the
    /// round's client count, checked against what the coordinator announced. The site derives
    /// grid, noise and event itself from the public settings, so a coordinator cannot make it
    /// add less noise than the run's settings say; it only takes the client count (which sizes
    /// each share of the noise: σ = z·S/√t) and the public rotation seed from the coordinator.
    ///
    /// - Throws: ``FederationError/malformedMessage(_:)`` for a distributed round without
    ///   secure aggregation parameters, a threshold, dimension or rotation seed that does not
    ///   fit, or bits that cannot hold the sum of that many encodings.
    static func distributedRound(
        settings: RunSettings, training: TrainingConfiguration, secure parameters: Privagg_Federation_V1_SecureAggregationRound?,
        dimension: Int
    ) throws -> FederatedRound.DistributedRound? {
        guard settings.privacy.isDistributed else { return nil }
        guard let parameters else { throw FederationError.malformedMessage("a distributed-DP round without secure aggregation parameters") }
        let clients = Int(parameters.quantizerClients)
        guard clients >= 2, clients <= 1 << 20 else { throw FederationError.malformedMessage("a distributed-DP round of \(clients) sites") }
        let variant: SecureAggregator.Variant = settings.aggregator == .secagg ? .complete : .sparse(dropoutFraction: 0.05, corruptFraction: 0.05)
        let setup: FederatedRound.DistributedRound
        do {
            setup = try FederatedRound.distributedRound(configuration: training, variant: variant, clients: clients, dimension: dimension)
        } catch let error as FedAvgError {
            throw FederationError.malformedMessage("distributed DP for \(clients) sites: \(error)")
        }
        guard Int(parameters.threshold) == setup.threshold else {
            // A lower threshold would let the sum carry less noise than each share assumes.
            throw FederationError.malformedMessage("threshold \(parameters.threshold), the run's protocol takes \(setup.threshold) for \(clients) sites")
        }
        guard parameters.rotationSeed.count == 32 else {
            throw FederationError.malformedMessage("a rotation seed of \(parameters.rotationSeed.count) bytes, expected 32")
        }
        return setup
    }
}
