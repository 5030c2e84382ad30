import FedAvg
import Foundation
import PrivacyAccounting
import Testing

/// The README's library example, kept compiling and correct here.
@Suite("Library example")
struct LibraryExampleTests {
    @Test func composeDPSGDSecureAggregationAndTheAccountant() async throws {
        // Four hospitals; records stay inside each SiteClient. Features come from public
        // ranges, record by record, so the record-level guarantee below holds.
        let clients = try HeartDisease.clients(seed: 7)
        let aggregator = try SecureAggregator(variant: .complete)

        // How much noise for ε = 3 at δ = 1e-5 after 300 DP-SGD steps at q = 0.1?
        let sigma = try Calibration.noiseMultiplier(targetEpsilon: 3, delta: 1e-5, samplingRate: 0.1, steps: 300).value

        let configuration = TrainingConfiguration(
            rounds: 30, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: sigma), budget: .init(epsilon: 3, delta: 1e-5), seed: nil)
        let run = try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: aggregator)

        #expect(sigma > 2 && sigma < 3)
        #expect(run.epsilon <= 3 + Calibration.epsilonTolerance)
        #expect(run.accuracy > 0.7)
    }
}
