import PrivacyAccounting
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
    /// The privacy modes a federated (multi-process) run supports: those whose server step
    /// needs only the sum (none, DP-SGD, local).
    public static func supportsAcrossProcesses(_ privacy: PrivacyMode) -> Bool {
        switch privacy {
        case .none, .dpSGD, .local: return true
        case .central, .distributed: return false
        }
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
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a mode that is not
    ///   supported across processes (central, distributed) or bad parameters.
    public static func siteEvent(configuration: TrainingConfiguration) throws -> PrivacyEvent {
        try configuration.privacy.validate()
        guard supportsAcrossProcesses(configuration.privacy) else {
            throw FedAvgError.invalidParameter(name: "privacy", reason: "\(configuration.privacy.name) is not supported across processes yet")
        }
        return configuration.privacy.siteEvent(localTraining: configuration.localTraining)
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
    ///   `dimension + 1` long or the mode is not supported across processes.
    public static func meanUpdate(sum: [Double], dimension: Int, configuration: TrainingConfiguration, participants: Int) throws -> [Double] {
        guard supportsAcrossProcesses(configuration.privacy) else {
            throw FedAvgError.invalidParameter(name: "privacy", reason: "\(configuration.privacy.name) is not supported across processes yet")
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
