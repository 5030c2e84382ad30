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

    @Test func paillierSumMatchesThePlainSumWithinTheStatedError() throws {
        let inputs = contributions(clients: 7, dimension: 60, bound: 300, seed: 17)
        let plain = try PlainAggregator().sum(inputs, bound: 300, round: 1)
        let paillier = try PaillierAggregator(keyBits: 1024, valueBits: 32, allowInsecureForTests: true)
        let outcome = try paillier.sum(inputs, bound: 300, round: 1)
        // Step bound / (2^31 − 1) per value, 7 values per entry of the sum.
        #expect(abs(outcome.errorBound - 7 * 300 / Double((1 << 31) - 1)) < 1e-12)
        for index in plain.sum.indices { #expect(abs(outcome.sum[index] - plain.sum[index]) <= outcome.errorBound) }
        // 35-bit slots, 29 per 1022-bit plaintext: 60 values need 3 ciphertexts of 256 bytes.
        #expect(outcome.uploadBytesPerClient == 3 * 256)
    }

    @Test func paillierRefusesShortKeysUnlessForTests() {
        #expect(thrownError(FedAvgError.self) { try PaillierAggregator(keyBits: 1024) }?.parameterName == "keyBits")
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
        let paillier = try await FederatedTraining.run(
            clients: plainClients, configuration: configuration,
            aggregator: PaillierAggregator(keyBits: 1024, valueBits: 48, allowInsecureForTests: true))
        for run in [secure, paillier] {
            let bound = try #require(run.rounds.last?.aggregationErrorBound)
            // Weighted sums are off by at most `bound` per entry and the weights sum to 735,
            // so each round's mean update is off by well under 100·bound / 735 + rounding.
            #expect(bound < 1e-3)
            for (a, b) in zip(plain.model.parameters, run.model.parameters) { #expect(abs(a - b) < 1e-6 + 3 * bound) }
        }
    }

    @Test func mismatchedShapesAreRejected() {
        #expect(thrownError(FedAvgError.self) { try PlainAggregator().sum([[1, 2], [3]], bound: 1, round: 1) }?.aggregationFailure == "contributions differ in length or are empty")
        #expect(thrownError(FedAvgError.self) { try PlainAggregator().sum([], bound: 1, round: 1) }?.aggregationFailure == "no contributions")
        #expect(thrownError(FedAvgError.self) { try SecureAggregator().sum([[0.5]], bound: 1, round: 1) }?.aggregationFailure == "secure aggregation needs at least 2 clients, got 1")
    }
}
