import FedAvg
import Foundation
import PrivacyAccounting

/// Which aggregation protocol a federation runs.
public enum FederationAggregator: String, Sendable, CaseIterable, Codable {
    /// The sites' updates in the clear (the coordinator sees each one).
    case plain
    /// Secure aggregation over the complete graph (Bonawitz et al. 2017).
    case secagg
    /// SecAgg+ over a sparse random graph (Bell et al. 2020).
    case secaggPlus = "secagg+"
    /// Packed Paillier encryption under a key pair the sites share (the coordinator holds only
    /// the public key, multiplies ciphertexts and learns the decrypted sum from the sites).
    case paillier

    /// Whether the SecAgg protocol (secagg or secagg+) runs: the coordinator sees only the sum.
    public var isSecure: Bool { self == .secagg || self == .secaggPlus }
}

/// The public settings of a federated run: what the coordinator announces in Welcome and
/// every site trains with. The privacy parameters are the coordinator's proposal; each site
/// charges its own ledger for them and refuses a round its budget cannot pay for.
public struct RunSettings: Sendable, Equatable {
    /// FedAvg rounds (the last round's number).
    public var rounds: Int
    /// The aggregation protocol.
    public var aggregator: FederationAggregator
    /// The privacy mode (none, DP-SGD, local, central or distributed).
    public var privacy: PrivacyMode
    /// Local training of every site.
    public var localTraining: LocalTraining
    /// The model architecture.
    public var model: ModelArchitecture
    /// L2 penalty of the model.
    public var l2Penalty: Double
    /// Public bound on every coordinate of an update.
    public var updateBound: Double
    /// Public bound on a site's training records (its weight).
    public var maximumClientRecords: Int
    /// Bit width of the secure aggregators' ring (in the distributed mode, its `bits`).
    public var bitWidth: Int

    /// Validated settings.
    ///
    /// In the distributed mode the ring is the mode's `bits` (`bitWidth` is replaced by it),
    /// and the aggregator must be secagg or secagg+: each site adds only a share of the noise.
    ///
    /// - Throws: ``FederationError/invalidParameter(name:reason:)`` for rounds below 1, a bit
    ///   width outside 8...64, the distributed mode without secure aggregation, or bad privacy
    ///   parameters.
    public init(
        rounds: Int, aggregator: FederationAggregator, privacy: PrivacyMode, localTraining: LocalTraining,
        model: ModelArchitecture = .logisticRegression, l2Penalty: Double = 1e-3, updateBound: Double = 10,
        maximumClientRecords: Int = 100_000, bitWidth: Int = 48
    ) throws {
        guard rounds >= 1 else { throw FederationError.invalidParameter(name: "rounds", reason: "must be at least 1, got \(rounds)") }
        guard (8...64).contains(bitWidth) else {
            throw FederationError.invalidParameter(name: "bitWidth", reason: "must be in 8...64, got \(bitWidth)")
        }
        do { try FederatedRound.validate(privacy: privacy) } catch let error as FedAvgError {
            throw FederationError.invalidParameter(name: "privacy", reason: "\(error)")
        }
        var bitWidth = bitWidth
        if case .distributed(_, let bits, _, _) = privacy {
            guard aggregator.isSecure else {
                throw FederationError.invalidParameter(
                    name: "aggregator",
                    reason: "the distributed mode needs secagg or secagg+: each site adds only a share of the noise, so an aggregator that shows the coordinator single updates (\(aggregator.rawValue)) would release them almost unprotected")
            }
            bitWidth = bits
        }
        guard updateBound.isFinite, updateBound > 0 else {
            throw FederationError.invalidParameter(name: "updateBound", reason: "must be finite and > 0, got \(updateBound)")
        }
        guard maximumClientRecords >= 1 else {
            throw FederationError.invalidParameter(name: "maximumClientRecords", reason: "must be at least 1")
        }
        self.rounds = rounds
        self.aggregator = aggregator
        self.privacy = privacy
        self.localTraining = localTraining
        self.model = model
        self.l2Penalty = l2Penalty
        self.updateBound = updateBound
        self.maximumClientRecords = maximumClientRecords
        self.bitWidth = bitWidth

    }

    /// Whether the sites standardize their features with summed statistics first (as
    /// `privagg train` does without privacy; private runs use the public ranges).
    public var standardizes: Bool { privacy == .none }

    /// The FedAvg configuration these settings describe, with `seed` for the randomness of
    /// whoever runs it (a site's own seed at a site, the coordinator's for the initial model).
    public func trainingConfiguration(seed: UInt64?) -> TrainingConfiguration {
        TrainingConfiguration(
            rounds: rounds, localTraining: localTraining, privacy: privacy, model: model, l2Penalty: l2Penalty,
            updateBound: updateBound, maximumClientRecords: maximumClientRecords, seed: seed)
    }

    /// The Welcome message announcing these settings to site `index` of `count`.
    func welcome(siteIndex: Int, siteCount: Int, firstRound: Int) -> Privagg_Federation_V1_Welcome {
        var message = Privagg_Federation_V1_Welcome()
        message.siteIndex = UInt32(siteIndex)
        message.siteCount = UInt32(siteCount)
        message.rounds = UInt32(rounds)
        message.aggregator = aggregator.rawValue
        message.privacy = privacy.wireName
        switch privacy {
        case .dpSGD(let clip, let sigma), .local(let clip, let sigma):
            message.clipNorm = clip
            message.noiseMultiplier = sigma
        case .central(let clip, let sigma, let rate):
            message.clipNorm = clip
            message.noiseMultiplier = sigma
            message.clientSamplingRate = rate
        case .distributed(let mechanism, _, let clip, let sigma):
            message.clipNorm = clip
            message.noiseMultiplier = sigma
            message.mechanism = mechanism.rawValue
        case .none: break
        }
        message.localSteps = UInt32(localTraining.steps)
        message.samplingRate = localTraining.samplingRate
        message.learningRate = localTraining.learningRate
        message.model = model.name
        message.l2Penalty = l2Penalty
        message.updateBound = updateBound
        message.maximumClientRecords = UInt64(maximumClientRecords)
        message.standardize = standardizes
        message.bitWidth = UInt32(bitWidth)
        message.firstRound = UInt32(firstRound)
        return message
    }

    /// The settings a Welcome announces, validated.
    ///
    /// - Throws: ``FederationError/malformedMessage(_:)`` for values out of range or unknown names.
    init(welcome message: Privagg_Federation_V1_Welcome) throws {
        guard let aggregator = FederationAggregator(rawValue: message.aggregator) else {
            throw FederationError.malformedMessage("unknown aggregator \(message.aggregator)")
        }
        let privacy: PrivacyMode
        switch message.privacy {
        case "none": privacy = .none
        case "dp-sgd": privacy = .dpSGD(clipNorm: message.clipNorm, noiseMultiplier: message.noiseMultiplier)
        case "local": privacy = .local(clipNorm: message.clipNorm, noiseMultiplier: message.noiseMultiplier)
        case "central":
            privacy = .central(clipNorm: message.clipNorm, noiseMultiplier: message.noiseMultiplier, clientSamplingRate: message.clientSamplingRate)
        case "distributed":
            guard let mechanism = DistributedMechanism(rawValue: message.mechanism) else {
                throw FederationError.malformedMessage("unknown distributed mechanism \(message.mechanism)")
            }
            privacy = .distributed(
                mechanism: mechanism, bits: Int(clamping: message.bitWidth), clipNorm: message.clipNorm, noiseMultiplier: message.noiseMultiplier)
        default: throw FederationError.malformedMessage("unsupported privacy mode \(message.privacy)")
        }
        let model: ModelArchitecture
        if message.model == "logistic" {
            model = .logisticRegression
        } else if message.model.hasPrefix("mlp-"), let units = Int(message.model.dropFirst(4)), (1...4096).contains(units) {
            model = .multilayerPerceptron(hiddenUnits: units)
        } else {
            throw FederationError.malformedMessage("unknown model \(message.model)")
        }
        do {
            let local = try LocalTraining(steps: Int(message.localSteps), samplingRate: message.samplingRate, learningRate: message.learningRate)
            try self.init(
                rounds: Int(message.rounds), aggregator: aggregator, privacy: privacy, localTraining: local, model: model,
                l2Penalty: message.l2Penalty, updateBound: message.updateBound,
                maximumClientRecords: Int(clamping: message.maximumClientRecords), bitWidth: Int(message.bitWidth))
        } catch let error as FedAvgError {
            throw FederationError.malformedMessage("welcome: \(error)")
        } catch let error as FederationError {
            throw FederationError.malformedMessage("welcome: \(error)")
        }
        guard message.standardize == standardizes else {
            throw FederationError.malformedMessage("welcome: standardization must be \(standardizes) with privacy \(privacy.name)")
        }
        guard message.l2Penalty.isFinite, message.l2Penalty >= 0 else { throw FederationError.malformedMessage("welcome: l2 penalty \(message.l2Penalty)") }
    }
}

extension PrivacyMode {
    /// The mode's name in Welcome (its parameters travel in their own fields).
    var wireName: String {
        switch self {
        case .none: return "none"
        case .dpSGD: return "dp-sgd"
        case .local: return "local"
        case .central: return "central"
        case .distributed: return "distributed"
        }
    }

    /// Whether this is the distributed mode.
    var isDistributed: Bool {
        if case .distributed = self { return true }
        return false
    }

    /// Whether each site keeps a ledger and charges it before its update leaves (every private
    /// mode but central, where the coordinator adds the noise and charges its own ledger).
    var chargesSites: Bool {
        switch self {
        case .none, .central: return false
        case .dpSGD, .local, .distributed: return true
        }
    }
}
