import Foundation
import Sodium
import Testing
@testable import FedAvg

@Suite("One-hidden-layer perceptron")
final class MultilayerPerceptronTests: Sendable {
    let ledgers = TemporaryLedgers()

    private func cleveland() throws -> SiteClient {
        var clients = try HeartDisease.clients(sites: [.cleveland], seed: 3)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        return try #require(clients.first)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        let client = try cleveland()
        var generator = ChaChaRandom(seed: 5)
        let model = try MultilayerPerceptron(featureCount: client.featureCount, hiddenUnits: 4, l2Penalty: 0.05, using: &generator)
        #expect(model.parameters.count == 4 * (client.featureCount + 2) + 1)
        expectGradientMatchesFiniteDifferences(of: model, on: client)
    }

    @Test func perExampleClippingBoundsEveryRecordsGradient() throws {
        let client = try cleveland()
        var generator = ChaChaRandom(seed: 6)
        let model = try MultilayerPerceptron(featureCount: client.featureCount, hiddenUnits: 8, using: &generator)
        var clippedSome = false
        for row in 0..<40 {
            let unclipped = client.clippedGradientSum(model, rows: [row], clipNorm: nil)
            let clipped = client.clippedGradientSum(model, rows: [row], clipNorm: 0.2)
            let norm = unclipped.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let clippedNorm = clipped.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // The closed-form norm used for clipping must be the true norm.
            #expect(abs(clippedNorm - min(norm, 0.2)) < 1e-12)
            if norm > 0.2 { clippedSome = true }
        }
        #expect(clippedSome)
    }

    @Test func sameSeedSameInitialWeightsAndBadShapesThrow() throws {
        var a = ChaChaRandom(seed: 9), b = ChaChaRandom(seed: 9)
        let first = try MultilayerPerceptron(featureCount: 5, hiddenUnits: 3, using: &a)
        let second = try MultilayerPerceptron(featureCount: 5, hiddenUnits: 3, using: &b)
        #expect(first == second)
        #expect(Set(first.parameters[0..<15]).count == 15)
        #expect(thrownError(FedAvgError.self) { try MultilayerPerceptron(featureCount: 5, hiddenUnits: 0, using: &a) }?.parameterName == "hiddenUnits")
        #expect(thrownError(FedAvgError.self) { try MultilayerPerceptron(featureCount: 0, hiddenUnits: 3, using: &a) }?.parameterName == "featureCount")
        #expect(thrownError(FedAvgError.self) { try MultilayerPerceptron(featureCount: 5, hiddenUnits: 3, l2Penalty: .nan, using: &a) }?.parameterName == "l2Penalty")
    }

    @Test func federatedTrainingWithDPSGDReachesTheDemoGoal() async throws {
        var clients = try HeartDisease.clients(seed: 7)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let configuration = TrainingConfiguration(
            rounds: 30, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: 3, delta: 1e-5),
            model: .multilayerPerceptron(hiddenUnits: 8), seed: 7)
        let run = try await ledgers.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())
        #expect(run.model.architecture == .multilayerPerceptron(hiddenUnits: 8))
        #expect(run.model.parameters.count == 8 * (clients[0].featureCount + 2) + 1)
        #expect(run.stopReason == nil)
        #expect(run.epsilon <= 3)
        #expect(run.accuracy >= 0.75, "accuracy \(run.accuracy)")
    }

    @Test func badArchitectureFailsBeforeAnyLedgerIsWritten() async throws {
        var clients = try HeartDisease.clients(seed: 7)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlp-ledgers-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let configuration = TrainingConfiguration(
            rounds: 2, localTraining: try LocalTraining(steps: 2, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: 3, delta: 1e-5), ledgerDirectory: folder,
            model: .multilayerPerceptron(hiddenUnits: 0), seed: 7)
        #expect(await thrownError(FedAvgError.self) {
            try await ledgers.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())
        }?.parameterName == "hiddenUnits")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: folder))?.isEmpty ?? true)
    }
}
