import Sodium
import Testing
@testable import FedAvg

@Suite("Aggregators agree")
struct AggregatorAgreementTests {
    private func contributions(clients: Int, dimension: Int, bound: Double, seed: UInt64) -> [[Double]] {
        var generator = ChaChaRandom(seed: seed)
        return (0..<clients).map { _ in (0..<dimension).map { _ in bound * (2 * unitInterval(&generator) - 1) } }
    }

    @Test(arguments: [32, 48, 64])
    func secureSumsMatchThePlainSumWithinTheStatedError(bitWidth: Int) throws {
        let inputs = contributions(clients: 6, dimension: 50, bound: 300, seed: UInt64(bitWidth))
        let plain = try PlainAggregator().sum(inputs, bound: 300, round: 1)
        #expect(plain.errorBound == 0)
        for variant in [SecureAggregator.Variant.complete, .sparse(dropoutFraction: 0.05, corruptFraction: 0.05)] {
            let secure = try SecureAggregator(variant: variant, bitWidth: bitWidth, seed: 3).sum(inputs, bound: 300, round: 1)
            #expect(secure.errorBound > 0)
            // 6 clients need 3 bits of headroom; the grid has 2^(b − 3) − 1 levels over [−300, 300].
            let levels = Double((UInt64(1) << UInt64(min(bitWidth - 3, 52))) - 1)
            let stated: Double = 2 * 300 * 6 / levels
            #expect(secure.errorBound <= stated * 1.000001)
            for index in plain.sum.indices { #expect(abs(secure.sum[index] - plain.sum[index]) <= secure.errorBound) }
            #expect(secure.uploadBytesPerClient > plain.uploadBytesPerClient)
        }
    }

    @Test func sparseGraphIsUsedForManyClients() throws {
        let inputs = contributions(clients: 60, dimension: 8, bound: 1, seed: 2)
        let plain = try PlainAggregator().sum(inputs, bound: 1, round: 1)
        let complete = try SecureAggregator(variant: .complete, bitWidth: 32, seed: 1).sum(inputs, bound: 1, round: 1)
        let sparse = try SecureAggregator(variant: .sparse(dropoutFraction: 0.05, corruptFraction: 0.05), bitWidth: 32, seed: 1)
            .sum(inputs, bound: 1, round: 1)
        for index in plain.sum.indices {
            #expect(abs(sparse.sum[index] - plain.sum[index]) <= sparse.errorBound)
            #expect(abs(complete.sum[index] - plain.sum[index]) <= complete.errorBound)
        }
        // Fewer neighbours, fewer encrypted shares to upload.
        #expect(sparse.uploadBytesPerClient < complete.uploadBytesPerClient)
    }

    @Test func weightedMeanOfUpdatesAgreesAcrossAggregators() async throws {
        var plainClients = try HeartDisease.clients(seed: 21)
        try FederatedStandardization.standardize(&plainClients, aggregator: PlainAggregator())
        let local = try LocalTraining(steps: 5, samplingRate: 0.2, learningRate: 0.5)
        let configuration = TrainingConfiguration(rounds: 3, localTraining: local, seed: 5)
        let plain = try await FederatedTraining.run(clients: plainClients, configuration: configuration, aggregator: PlainAggregator())
        let secure = try await FederatedTraining.run(
            clients: plainClients, configuration: configuration, aggregator: SecureAggregator(seed: 8))
        let bound = try #require(secure.rounds.last?.aggregationErrorBound)
        // Three rounds of mean updates, each off by at most errorBound·(1 + max|mean|)/N per entry.
        for (a, b) in zip(plain.model.parameters, secure.model.parameters) { #expect(abs(a - b) < 1e-6 + 100 * bound) }
    }

    @Test func mismatchedShapesAreRejected() {
        #expect(throws: FedAvgError.self) { try PlainAggregator().sum([[1, 2], [3]], bound: 1, round: 1) }
        #expect(throws: FedAvgError.self) { try PlainAggregator().sum([], bound: 1, round: 1) }
        #expect(throws: FedAvgError.self) { try SecureAggregator().sum([[0.5]], bound: 1, round: 1) }
    }
}
