import DifferentialPrivacy
import Foundation
import PrivacyAccounting
import Testing
@testable import FedAvg

/// NaN and ±∞ never reach a model (issue 13, items 5 and 7): every aggregator refuses
/// them at the one shared entry check, and the noise paths refuse them before releasing.
@Suite("FedAvg refuses non-finite updates")
final class NonFiniteRefusalTests: Sendable {
    let ledgers = TemporaryLedgers()

    static func aggregators() throws -> [any Aggregator] {
        [PlainAggregator(), try SecureAggregator(seed: 3), try SecureAggregator(variant: .sparse(dropoutFraction: 0.1, corruptFraction: 0.1), seed: 4),
         try PaillierAggregator(keyBits: 1024, valueBits: 32, allowInsecureForTests: true)]
    }

    @Test("every aggregator refuses NaN and ±∞ with the same typed error")
    func everyAggregatorRefusesNonFiniteContributions() throws {
        for aggregator in try Self.aggregators() {
            for bad in [Double.nan, .infinity, -.infinity] {
                let contributions: [[Double]] = [[0.5, 1, 2], [0.25, 3, 4], [1, 2, bad]]
                #expect(throws: FedAvgError.nonFiniteContribution(client: 2, index: 2), "\(aggregator.name) \(bad)") {
                    try aggregator.sum(contributions, bound: 10, round: 1)
                }
            }
            // Finite contributions still add up.
            let outcome = try aggregator.sum([[0.5, 1, 2], [0.25, 3, 4]], bound: 10, round: 1)
            #expect(abs(outcome.sum[0] - 0.75) <= outcome.errorBound + 1e-12, "\(aggregator.name)")
        }
    }

    @Test("the noise of DP-SGD, central and local DP refuses a non-finite vector and leaves it as it was")
    func gaussianNoiseRefusesNonFiniteVectors() throws {
        var generator = SystemRandomNumberGenerator()
        for multiplier in [0.0, 1.5] {
            let noise = try GaussianNoise(noiseMultiplier: multiplier, clipNorm: 1, dimension: 3)
            var vector = [0.1, .nan, 0.3]
            #expect(throws: FedAvgError.releaseRefused(.nonFiniteValue(index: 1))) { try noise.addNoise(to: &vector, using: &generator) }
            #expect(vector[0] == 0.1 && vector[1].isNaN && vector[2] == 0.3)
        }
    }

    /// The reproduction: a learning rate of 1e308 drives the model to NaN. The plain
    /// aggregator used to average it in and report loss "nan"; now the run stops with the
    /// typed error, as it does under secure aggregation.
    @Test("a diverging run fails on every aggregator instead of training a NaN model",
          arguments: ["plain", "secagg"])
    func divergingRunFails(aggregatorName: String) async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let configuration = TrainingConfiguration(
            rounds: 3, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 1e308), seed: 5)
        let aggregator: any Aggregator = aggregatorName == "plain" ? PlainAggregator() : try SecureAggregator(seed: 1)
        await #expect {
            _ = try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: aggregator)
        } throws: { error in
            guard case FedAvgError.nonFiniteContribution = error else { return false }
            return true
        }
    }

    @Test("a diverging DP-SGD run is refused by the noise before anything is released")
    func divergingDPSGDRunFails() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let configuration = TrainingConfiguration(
            rounds: 3, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 1e308),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 1), budget: .init(epsilon: 10, delta: 1e-5), seed: 5)
        await #expect {
            _ = try await ledgers.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())
        } throws: { error in
            // The per-step noise sees the NaN gradient first, or the update check sees the
            // diverged model: either way a typed refusal, never a release.
            switch error {
            case FedAvgError.releaseRefused(.nonFiniteValue), FedAvgError.nonFiniteContribution: return true
            default: return false
            }
        }
    }
}
