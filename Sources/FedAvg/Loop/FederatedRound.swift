import PrivacyAccounting
import SecureAggregation
import Sodium

/// The two sides of one FedAvg round, for transports that run the sites and the server in
/// different processes (the Federation module's site node and coordinator).
///
/// Each function is the one the in-process loop (``FederatedTraining``) itself calls, so a
/// federated run over the network trains, clips, weights and averages exactly as the
/// simulation does: with the same seed and the plain aggregator, the same model bit for bit.
///
/// Site side: ``siteContribution(client:index:model:round:configuration:)``. Server side:
/// ``initialModel(configuration:featureCount:)``, ``aggregationBound(configuration:)``,
/// ``meanUpdate(sum:dimension:configuration:participants:)``.
public enum FederatedRound {
    /// The privacy modes a federated (multi-process) run supports: all of them (central and
    /// distributed since the coordinator adds the central noise and the sites encode the
    /// distributed noise; see ``centralMean(sum:dimension:configuration:errorBound:contributors:clientCount:round:)``
    /// and ``distributedRound(configuration:variant:clients:dimension:)``).
    public static func supportsAcrossProcesses(_ privacy: PrivacyMode) -> Bool {
        switch privacy {
        case .none, .dpSGD, .local, .central, .distributed: return true
        }
    }

    /// Checks every parameter of a privacy mode (clip, noise multiplier, rate, bits).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` naming the bad parameter.
    public static func validate(privacy: PrivacyMode) throws {
        try privacy.validate()
    }

    /// What site `index` hands its aggregator in `round`: its local update trained from
    /// `model` on its own records, clipped to the update bound and weighted by its record
    /// count (none, DP-SGD) or clipped and noised (local), followed by its weight column.
    ///
    /// Runs at the site; the randomness of its sampling and noise comes from
    /// `configuration.seed` (the site's own seed) exactly as in ``FederatedTraining``, or from
    /// libsodium's CSPRNG when it is nil.
    ///
    /// - Parameters:
    ///   - client: the site's records.
    ///   - index: the site's position among the run's sites (its stream of randomness).
    ///   - model: the global model broadcast for the round.
    ///   - round: the round, from 1.
    ///   - configuration: the run's settings (privacy mode, local training, bounds, seed).
    /// - Returns: `dimension + 1` entries (the last is the weight) in every mode but
    ///   distributed (`dimension`).
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a model of another
    ///   feature count or bad privacy parameters; ``FedAvgError/nonFiniteContribution(client:index:)``
    ///   if training diverged.
    public static func siteContribution(
        client: SiteClient, index: Int, model: FederatedModel, round: Int, configuration: TrainingConfiguration
    ) throws -> [Double] {
        try configuration.privacy.validate()
        var local = configuration.localTraining
        if case .dpSGD(let clip, let sigma) = configuration.privacy { local.dpSGD = .init(clipNorm: clip, noiseMultiplier: sigma) } else { local.dpSGD = nil }
        return try FederatedTraining.siteContribution(
            client: client, index: index, model: model, local: local, configuration: configuration,
            randomness: RunRandomness(seed: configuration.seed), round: round)
    }

    /// The record-level event one round costs the site's own ledger before its update leaves
    /// it (none: `.noOp`).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for bad parameters, or in the
    ///   distributed mode (its event depends on the round: ``distributedRound(configuration:variant:clients:dimension:)``).
    public static func siteEvent(configuration: TrainingConfiguration) throws -> PrivacyEvent {
        try configuration.privacy.validate()
        if case .distributed = configuration.privacy {
            // Depends on the round's client count and the model's dimension.
            throw FedAvgError.invalidParameter(name: "privacy", reason: "the distributed mode's event comes from distributedRound(configuration:variant:clients:dimension:)")
        }
        return configuration.privacy.siteEvent(localTraining: configuration.localTraining)
    }

    /// The distributed mode's round among `clients` sites: the encoding every site applies
    /// (``DistributedDPAggregator/encodeClient(_:rotationSeed:using:)``), the decoding the
    /// server applies, and the record-level event each site charges its ledger before its
    /// masked input leaves it. Exactly what ``FederatedTraining`` sets up in process for the
    /// same client count, so both sides (and every site) derive the same grid and noise.
    ///
    /// - Parameters:
    ///   - configuration: the run's settings (privacy must be distributed).
    ///   - variant: the secure aggregation protocol (its threshold t sizes the noise shares).
    ///   - clients: the sites the round starts with.
    ///   - dimension: the model's parameter count.
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for another privacy mode, fewer
    ///   than 2 clients, or bits that cannot hold the sum.
    public static func distributedRound(
        configuration: TrainingConfiguration, variant: SecureAggregator.Variant, clients: Int, dimension: Int
    ) throws -> DistributedRound {
        guard case .distributed(_, let bits, _, _) = configuration.privacy else {
            throw FedAvgError.invalidParameter(name: "privacy", reason: "\(configuration.privacy.name) is not the distributed mode")
        }
        try configuration.privacy.validate()
        let secure = try SecureAggregator(variant: variant, bitWidth: bits, seed: configuration.seed)
        guard let setup = try FederatedTraining.distributedSetup(privacy: configuration.privacy, aggregator: secure, clients: clients, dimension: dimension) else {
            throw FedAvgError.invalidParameter(name: "privacy", reason: "not the distributed mode")
        }
        return DistributedRound(aggregator: setup.aggregator, siteEvent: setup.siteEvent, threshold: secure.threshold(clients: clients))
    }

    /// One distributed-DP round's public parameters (``distributedRound(configuration:variant:clients:dimension:)``).
    public struct DistributedRound: Sendable {
        /// The pipeline over the protocol: its per-client encoding and the server's decoding.
        public let aggregator: DistributedDPAggregator
        /// The record-level event each site's ledger is charged for the round.
        public let siteEvent: PrivacyEvent
        /// The protocol's threshold t for the round's client count.
        public let threshold: Int
    }

    /// The central mode's client sampler of a run: the stream ``FederatedTraining`` samples
    /// clients with, from the run's seed (or freshly keyed without one).
    public static func clientSampler(seed: UInt64?) -> ChaChaRandom {
        RunRandomness(seed: seed).generator { $0 ^ 0xC11E_4715 }
    }

    /// One round's sampled clients in the central mode: each of `count` independently with
    /// probability `rate` (one draw per client, in index order, as ``FederatedTraining`` draws).
    public static func sampleClients(count: Int, rate: Double, using sampler: inout ChaChaRandom) -> [Int] {
        FederatedTraining.sampleClients(count: count, rate: rate, using: &sampler)
    }

    /// The central mode's server step (DP-FedAvg): Gaussian noise for the client-level
    /// sensitivity (clip plus the aggregator's quantization) added to the summed clipped
    /// updates, divided by q·N. The noise comes from `configuration.seed` and `round` as in
    /// ``FederatedTraining`` (the coordinator's seed), or from the CSPRNG without a seed.
    ///
    /// - Parameters:
    ///   - sum: the aggregated contributions (`dimension + 1` entries; the last, the weight, is 0).
    ///   - dimension: the model's parameter count.
    ///   - configuration: the run's settings (privacy must be central).
    ///   - errorBound: the aggregator's per-entry error bound of `sum` (0 for plain).
    ///   - contributors: how many contributions (sampled updates and zeros) the sum holds.
    ///   - clientCount: N, the federation's sites (the fixed denominator is q·N).
    ///   - round: the round, from 1.
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for another mode or a short sum.
    public static func centralMean(
        sum: [Double], dimension: Int, configuration: TrainingConfiguration, errorBound: Double, contributors: Int,
        clientCount: Int, round: Int
    ) throws -> [Double] {
        guard sum.count == dimension + 1 else {
            throw FedAvgError.invalidParameter(name: "sum", reason: "has \(sum.count) entries, expected \(dimension + 1)")
        }
        return try FederatedTraining.centralMean(
            sum: sum, dimension: dimension, privacy: configuration.privacy, errorBound: errorBound, contributors: contributors,
            clientCount: clientCount, randomness: RunRandomness(seed: configuration.seed), round: round)
    }

    /// The initial global model, drawn from the run's seed (or the CSPRNG) as ``FederatedTraining`` draws it.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a bad architecture.
    public static func initialModel(configuration: TrainingConfiguration, featureCount: Int) throws -> FederatedModel {
        var initializer = RunRandomness(seed: configuration.seed).generator { $0 ^ 0x4D0D_E115 }
        return try configuration.model.makeModel(featureCount: featureCount, l2Penalty: configuration.l2Penalty, using: &initializer)
    }

    /// The public bound on every entry of a contribution (what quantizing aggregators clip
    /// to and size their grid with).
    public static func aggregationBound(configuration: TrainingConfiguration) -> Double {
        FederatedTraining.aggregationBound(configuration)
    }

    /// The server's step: the mean update from the summed contributions of `participants`
    /// sites (weighted by the weight column in the none and DP-SGD modes).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` if `sum` is not
    ///   `dimension + 1` long (`dimension` in the distributed mode, where the mean is over
    ///   `participants` unweighted) or the mode is central (its step is ``centralMean(sum:dimension:configuration:errorBound:contributors:clientCount:round:)``).
    public static func meanUpdate(sum: [Double], dimension: Int, configuration: TrainingConfiguration, participants: Int) throws -> [Double] {
        switch configuration.privacy {
        case .central:
            throw FedAvgError.invalidParameter(name: "privacy", reason: "the central mode's step adds noise: centralMean(sum:dimension:configuration:errorBound:contributors:clientCount:round:)")
        case .distributed:
            // Unweighted, no weight column: the mean over the (public) count of included sites.
            guard sum.count == dimension else {
                throw FedAvgError.invalidParameter(name: "sum", reason: "has \(sum.count) entries, expected \(dimension)")
            }
            guard participants >= 1 else { throw FedAvgError.invalidParameter(name: "participants", reason: "must be at least 1") }
            return sum.map { $0 / Double(participants) }
        case .none, .dpSGD, .local: break
        }
        guard sum.count == dimension + 1 else {
            throw FedAvgError.invalidParameter(name: "sum", reason: "has \(sum.count) entries, expected \(dimension + 1)")
        }
        return FederatedTraining.meanUpdate(sum: sum, dimension: dimension, privacy: configuration.privacy, participants: participants)
    }
}

extension FederatedModel {
    /// A model of `architecture` for `featureCount` inputs holding `parameters` bit for bit
    /// (a broadcast global model, rebuilt at a site).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` if the count of parameters does
    ///   not fit the architecture or one is not finite.
    public init(architecture: ModelArchitecture, featureCount: Int, l2Penalty: Double, parameters: [Double]) throws {
        // The initializer's draws are overwritten; a fixed key keeps this free of the CSPRNG.
        var unused = ChaChaRandom(seed: 0)
        var model = try architecture.makeModel(featureCount: featureCount, l2Penalty: l2Penalty, using: &unused)
        guard model.parameters.count == parameters.count else {
            throw FedAvgError.invalidParameter(
                name: "parameters", reason: "\(parameters.count) for a \(architecture.name) model of \(featureCount) features, expected \(model.parameters.count)")
        }
        guard parameters.allSatisfy(\.isFinite) else {
            throw FedAvgError.invalidParameter(name: "parameters", reason: "a parameter is not finite")
        }
        model.setParameters(parameters)
        self = model
    }

    /// This model plus `update` (the server's FedAvg step).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` if the lengths differ.
    public func applying(_ update: [Double]) throws -> FederatedModel {
        guard update.count == parameters.count else {
            throw FedAvgError.invalidParameter(name: "update", reason: "has \(update.count) entries, the model \(parameters.count)")
        }
        var model = self
        model.apply(update)
        return model
    }
}
