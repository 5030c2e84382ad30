import FedAvg
import Foundation
import SecureAggregation
import SwiftProtobuf

/// Entry points for the libFuzzer targets of `Fuzz/` (a separate package, hence public, behind
/// the `Fuzzing` SPI so they are not part of the module's API): one received message, as bytes,
/// through the decoding and the checks its receiver runs before acting on it. Not for
/// production code: the coordinator and the sites call the same checks (``MessageChecks``)
/// from their sessions.
@_spi(Fuzzing)
public enum FederationFuzzing {
    /// What the coordinator does with one site message, in `round` (0: the standardization
    /// statistics) of a run with `settings` whose sites have `featureCount` features: decode
    /// it, then check it as the round driver does (Join as admission does).
    ///
    /// - Parameters:
    ///   - bytes: A serialized `SiteMessage`.
    ///   - settings: The run's settings.
    ///   - featureCount: The sites' feature count.
    ///   - round: The round the coordinator is collecting.
    /// - Returns: The kind of message accepted, and the contribution's values for a Contribution.
    /// - Throws: SwiftProtobuf's `BinaryDecodingError` for bytes that are not a `SiteMessage`;
    ///   ``FederationError`` (`malformedMessage`, `siteRefused`); `SecAggError` for a protocol
    ///   payload the SecAgg server refuses.
    public static func coordinatorReceives(
        _ bytes: [UInt8], settings: RunSettings, featureCount: Int, round: Int
    ) throws -> (kind: String, values: [Double]?) {
        var message = try Privagg_Federation_V1_SiteMessage(serializedBytes: bytes)
        // CoordinatorHub.receive: a piece of a chunked protocol message goes to the assembly
        // first (a lone piece is whole when it carries its payload's every byte).
        var assembly = ChunkAssembly(maximumPayloadBytes: FederationProtocol.defaultMaximumMessageBytes)
        switch try assembly.accept(message, index: 0, session: 1) {
        case .complete(let whole): message = whole
        case .incomplete: return ("ProtocolPiece", nil)
        }
        switch message.kind {
        case .join(let join):
            // CoordinatorHub.admit and RoundDriver.run.
            try MessageChecks.protocolVersion(of: join, site: join.site)
            try MessageChecks.trainingRecords(of: join, site: join.site, maximumClientRecords: settings.maximumClientRecords)
            return ("Join", nil)
        case .contribution(let contribution):
            let training = settings.trainingConfiguration(seed: nil)
            if round == 0 {
                let values = try MessageChecks.contribution(
                    contribution, round: 0, length: Standardization.statisticsLength(features: featureCount),
                    bound: FederatedStandardization.statisticsBound, validate: { _ in })
                return ("Contribution", values)
            }
            let dimension = try FederatedRound.initialModel(configuration: training, featureCount: featureCount).parameters.count
            let values = try MessageChecks.contribution(
                contribution, round: round, length: dimension + 1, bound: FederatedRound.aggregationBound(configuration: training),
                validate: { try MessageChecks.weight(of: $0, dimension: dimension, privacy: settings.privacy, maximumClientRecords: settings.maximumClientRecords) })
            return ("Contribution", values)
        case .protocol(let payload):
            guard payload.round == UInt64(round) else { throw FederationError.malformedMessage("protocol message for round \(payload.round) in round \(round)") }
            // The first stage's server, as RoundDriver.secureSum starts it for two sites.
            let configuration = try SecAggConfiguration(
                round: UInt64(round) + 1, threshold: 2, bitWidth: settings.bitWidth, dimension: 8)
            var server = try SecAggServer(configuration: configuration, graph: try SecAggPlusGraph.complete(clientIDs: [0, 1]))
            try server.receive(bytes: [UInt8](payload.payload))
            return ("Protocol", nil)
        case .evaluation(let evaluation):
            try MessageChecks.evaluation(evaluation)
            return ("Evaluation", nil)
        case .abort:
            return ("Abort", nil)
        case .keyBinding(let binding):
            // The size limit and strict parse both ends apply before verifying (which needs the CA).
            _ = try MessageChecks.keyBinding([UInt8](binding.binding), site: nil)
            return ("KeyBinding", nil)
        case nil:
            throw FederationError.malformedMessage("an empty site message")
        }
    }

    /// What a site with `featureCount` features does with one coordinator message before it
    /// acts on it: decode it, then check it as its session does (a Welcome alone; every other
    /// message against `settings`, the run's settings as an earlier Welcome announced them).
    ///
    /// - Parameters:
    ///   - bytes: A serialized `CoordinatorMessage`.
    ///   - settings: The settings of the run the site joined.
    ///   - featureCount: The site's feature count.
    /// - Returns: The kind of message accepted, the settings of a Welcome and the model of a
    ///   RoundStart or RoundResult.
    /// - Throws: SwiftProtobuf's `BinaryDecodingError`; ``FederationError`` (`malformedMessage`,
    ///   `aborted`); `SecAggError` for a protocol payload that is not a SecAgg message.
    public static func siteReceives(
        _ bytes: [UInt8], settings: RunSettings, featureCount: Int
    ) throws -> (kind: String, settings: RunSettings?, model: [Double]?) {
        let message = try Privagg_Federation_V1_CoordinatorMessage(serializedBytes: bytes)
        let training = settings.trainingConfiguration(seed: nil)
        switch message.kind {
        case .welcome(let welcome):
            let announced = try MessageChecks.welcome(welcome).settings
            _ = try MessageChecks.sessionID(of: welcome, settings: announced)
            return ("Welcome", announced, nil)
        case .statisticsRequest(let request):
            if request.hasSecureAggregation {
                try MessageChecks.secureParameters(
                    request.secureAggregation, round: 0, dimension: Standardization.statisticsLength(features: featureCount),
                    bound: FederatedStandardization.statisticsBound, settings: settings)
            }
            return ("StatisticsRequest", nil, nil)
        case .statisticsResult(let result):
            let sums = try FederationProtocol.unpack(result.summed, count: Standardization.statisticsLength(features: featureCount), field: "statistics")
            do { _ = try Standardization(summedStatistics: sums) } catch let error as FedAvgError {
                throw FederationError.malformedMessage("statistics: \(error)")
            }
            return ("StatisticsResult", nil, nil)
        case .roundStart(let start):
            let round = try MessageChecks.round(of: start, rounds: settings.rounds)
            let model = try rebuild(start.model, settings: settings, featureCount: featureCount)
            if start.hasSecureAggregation {
                try MessageChecks.secureParameters(
                    start.secureAggregation, round: round, dimension: model.count + 1,
                    bound: FederatedRound.aggregationBound(configuration: training), settings: settings)
            }
            return ("RoundStart", nil, model)
        case .protocol(let payload):
            _ = try SecAggWire.kind(of: [UInt8](payload.payload))
            return ("Protocol", nil, nil)
        case .roundResult(let result):
            return ("RoundResult", nil, try rebuild(result.model, settings: settings, featureCount: featureCount))
        case .finished:
            return ("Finished", nil, nil)
        case .abort(let abort):
            throw FederationError.aborted(reason: "the coordinator aborted: \(abort.reason)")
        case nil:
            throw FederationError.malformedMessage("an empty coordinator message")
        }
    }

    /// The model a RoundStart or RoundResult carries, as `SiteSession.rebuild` checks it: packed
    /// finite doubles whose count fits the run's architecture.
    private static func rebuild(_ packed: Data, settings: RunSettings, featureCount: Int) throws -> [Double] {
        let parameters = try FederationProtocol.unpack(packed, field: "model")
        do {
            return try FederatedModel(architecture: settings.model, featureCount: featureCount, l2Penalty: settings.l2Penalty, parameters: parameters).parameters
        } catch {
            throw FederationError.malformedMessage("model: \(error)")
        }
    }
}
