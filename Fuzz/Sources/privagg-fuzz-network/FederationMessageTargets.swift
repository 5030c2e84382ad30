import FedAvg
@_spi(Fuzzing) import Federation
import Foundation
import FuzzHarness

/// The federation's protobuf messages as their receivers take them: a `SiteMessage` at the
/// coordinator, a `CoordinatorMessage` at a site, decoded and checked by the same functions
/// the sessions run (`FederationFuzzing`). The first input byte picks the run (plain without
/// privacy, SecAgg with DP-SGD, SecAgg+ with local DP) and, at the coordinator, the round
/// being collected (0: the standardization statistics); the rest is the message. Oracles:
/// either the message is accepted or a typed error is thrown (a protobuf decoding error,
/// `FederationError`, `SecAggError`); what is accepted is in range (finite values of the
/// expected count within the public bound, a weight that is a record count, a finite model,
/// settings in their ranges).
enum FederationMessageTargets {
    static let featureCount = 13

    /// The three runs the first byte chooses from.
    static let runs: [RunSettings] = {
        do {
            let local = try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5)
            return [
                try RunSettings(rounds: 3, aggregator: .plain, privacy: .none, localTraining: local),
                try RunSettings(rounds: 3, aggregator: .secagg, privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 1.1), localTraining: local, bitWidth: 32),
                try RunSettings(rounds: 5, aggregator: .secaggPlus, privacy: .local(clipNorm: 1, noiseMultiplier: 2), localTraining: local,
                                model: .multilayerPerceptron(hiddenUnits: 4)),
            ]
        } catch {
            fatalError("fuzz settings: \(error)")
        }
    }()

    static func runSiteMessage(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let settings = runs[Int(selector) % runs.count]
        let round = Int(selector / 3) % 3
        let accepted: (kind: String, values: [Double]?)
        do {
            accepted = try FederationFuzzing.coordinatorReceives(Array(bytes.dropFirst()), settings: settings, featureCount: featureCount, round: round)
        } catch {
            guard isTyped(error) else { violated("the coordinator threw \(type(of: error)): \(error)") }
            return
        }
        guard let values = accepted.values else { return }
        guard values.allSatisfy(\.isFinite) else { violated("accepted a non-finite contribution entry") }
        if round == 0 {
            guard values.count == Standardization.statisticsLength(features: featureCount),
                  values.allSatisfy({ abs($0) <= FederatedStandardization.statisticsBound }) else {
                violated("accepted \(values.count) statistics outside the bound")
            }
        } else {
            let training = settings.trainingConfiguration(seed: nil)
            let bound = FederatedRound.aggregationBound(configuration: training)
            guard values.allSatisfy({ abs($0) <= bound }) else { violated("accepted an entry beyond the bound \(bound)") }
            let weight = values[values.count - 1]
            switch settings.privacy {
            case .local: guard weight == 0 else { violated("accepted a local-DP weight \(weight)") }
            default:
                guard weight >= 1, weight <= Double(settings.maximumClientRecords), weight.rounded() == weight else {
                    violated("accepted the weight \(weight)")
                }
            }
        }
    }

    static func runCoordinatorMessage(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let settings = runs[Int(selector) % runs.count]
        let accepted: (kind: String, settings: RunSettings?, model: [Double]?)
        do {
            accepted = try FederationFuzzing.siteReceives(Array(bytes.dropFirst()), settings: settings, featureCount: featureCount)
        } catch {
            guard isTyped(error) else { violated("the site threw \(type(of: error)): \(error)") }
            return
        }
        if let model = accepted.model, !model.allSatisfy(\.isFinite) { violated("accepted a non-finite model") }
        if let announced = accepted.settings {
            guard announced.rounds >= 1, (8...64).contains(announced.bitWidth), announced.updateBound.isFinite, announced.updateBound > 0,
                  announced.l2Penalty.isFinite, announced.l2Penalty >= 0 else {
                violated("accepted the settings \(announced)")
            }
        }
    }

    /// The errors a receiver may throw for bad bytes: protobuf's, the federation's, SecAgg's.
    private static func isTyped(_ error: any Error) -> Bool {
        if error is FederationError { return true }
        let type = String(reflecting: Swift.type(of: error))
        return type.hasPrefix("SwiftProtobuf.") || type.hasPrefix("SecureAggregation.")
    }
}
