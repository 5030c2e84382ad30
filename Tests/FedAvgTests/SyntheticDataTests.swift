import Testing
@testable import FedAvg

@Suite("Synthetic data")
struct SyntheticDataTests {
    @Test func shapesFollowTheParameters() throws {
        let clients = try SyntheticData.clients(count: 7, dimension: 12, recordsPerClient: 50, seed: 1)
        #expect(clients.count == 7)
        #expect(clients.allSatisfy { $0.featureCount == 12 && $0.trainingCount + $0.testCount == 50 })
    }

    @Test func smallConcentrationSkewsLabels() throws {
        func spread(_ alpha: Double) throws -> Double {
            let shares = try SyntheticData.clients(count: 40, dimension: 4, recordsPerClient: 100, labelSkew: alpha, seed: 9)
                .map(\.trainingPositiveRate)
            return shares.map { abs($0 - 0.5) }.reduce(0, +) / Double(shares.count)
        }
        // Beta(α, α): E|p − 1/2| is about 0.45 for α = 0.05 and about 0.06 for α = 20.
        #expect(try spread(0.05) > 0.3)
        #expect(try spread(20) < 0.15)
    }

    @Test func federatedTrainingLearnsTheSyntheticTask() async throws {
        var clients = try SyntheticData.clients(count: 10, dimension: 10, recordsPerClient: 80, labelSkew: 0.5, seed: 4)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let run = try await FederatedTraining.run(
            clients: clients,
            configuration: TrainingConfiguration(rounds: 10, localTraining: try LocalTraining(steps: 5, samplingRate: 0.2, learningRate: 0.5), seed: 1),
            aggregator: PlainAggregator())
        // Classes at ±1 along a unit direction with unit noise: Bayes accuracy Φ(1) ≈ 0.84.
        #expect(run.accuracy > 0.7)
    }

    @Test func badParametersAreTypedErrors() {
        #expect(thrownError(FedAvgError.self) { try SyntheticData.clients(count: 0, dimension: 3, seed: 1) }?.parameterName == "clients")
        #expect(thrownError(FedAvgError.self) { try SyntheticData.clients(count: 2, dimension: 3, labelSkew: 0, seed: 1) }?.parameterName == "labelSkew")
    }
}
