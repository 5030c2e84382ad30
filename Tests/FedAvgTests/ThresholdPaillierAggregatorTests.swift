import Paillier
import Sodium
import Testing
@testable import FedAvg

@Suite("Threshold Paillier aggregation")
struct ThresholdPaillierAggregatorTests {
    /// One 512-bit key for 5 sites, threshold 3, dealt once.
    static let keySet: Paillier.ThresholdKeySet = {
        var generator = ChaChaRandom(seed: UInt64(1816))
        return try! Paillier.ThresholdDealer.generate(bits: 512, parties: 5, threshold: 3, allowInsecureForTests: true, using: &generator)
    }()

    private func contributions(clients: Int, dimension: Int, bound: Double, seed: UInt64) -> [[Double]] {
        var generator = ChaChaRandom(seed: seed)
        return (0..<clients).map { _ in (0..<dimension).map { _ in bound * (2 * unitInterval(&generator) - 1) } }
    }

    @Test func sumMatchesThePlainSumWithDropoutsDownToTheThreshold() throws {
        let inputs = contributions(clients: 5, dimension: 30, bound: 50, seed: 5)
        let plain = try PlainAggregator().sum(inputs, bound: 50, round: 1)
        for dropped in [Set<Int>(), [2], [1, 5], [3, 4]] {
            let aggregator = try ThresholdPaillierAggregator(keySet: Self.keySet, valueBits: 24, droppedSites: dropped)
            #expect(aggregator.name == "paillier-threshold")
            let outcome = try aggregator.sum(inputs, bound: 50, round: 3)
            #expect(outcome.errorBound > 0)
            for index in plain.sum.indices { #expect(abs(outcome.sum[index] - plain.sum[index]) <= outcome.errorBound) }
        }
        // Three sites gone: two answers, threshold three.
        let tooFew = try ThresholdPaillierAggregator(keySet: Self.keySet, valueBits: 24, droppedSites: [1, 2, 3])
        #expect(throws: FedAvgError.aggregationFailed(reason: "2 sites answered the decryption request, 3 required")) {
            try tooFew.sum(inputs, bound: 50, round: 3)
        }
    }

    @Test func sitesRefuseAnythingButTheRoundsAggregate() throws {
        let aggregator = try ThresholdPaillierAggregator(keySet: Self.keySet, valueBits: 24)
        let key = Self.keySet.publicKey.publicKey
        let scheme = try Paillier.PackingScheme(publicKey: key, valueBits: 24, maxAddends: 5)
        let encryptor = try Paillier.ShortExponentEncryptor(publicKey: key)
        let vectors = try (0..<3).map { client in
            try Paillier.PackedCiphertext(encrypting: (0..<10).map { $0 * (client + 1) }, scheme: scheme, encryptor: encryptor)
        }
        let digests = vectors.map { ThresholdPaillierAggregator.digest(of: $0, round: 9) }
        let honest = ThresholdPaillierAggregator.DecryptionRequest(
            round: 9, contributions: vectors, digests: digests, aggregate: try Paillier.PackedCiphertext.sum(vectors))
        let answers = try (1...3).map { try aggregator.answer(honest, site: $0, ownContribution: digests[$0 - 1]) }
        #expect(try Self.keySet.publicKey.decrypt(honest.aggregate, shares: answers) == (0..<10).map { $0 * 6 })

        // Asked to decrypt one client's ciphertext as if it were the aggregate.
        var single = honest
        single.aggregate = vectors[0]
        #expect(throws: FedAvgError.aggregationFailed(reason: "site 2 refuses: the aggregate is not the product of the round's ciphertexts")) {
            try aggregator.answer(single, site: 2, ownContribution: digests[1])
        }
        // A "round" of one contribution.
        let alone = ThresholdPaillierAggregator.DecryptionRequest(round: 9, contributions: [vectors[0]], digests: [digests[0]], aggregate: vectors[0])
        #expect(throws: FedAvgError.aggregationFailed(reason: "site 2 refuses: 1 contributions, at least 2 required")) {
            try aggregator.answer(alone, site: 2, ownContribution: nil)
        }
        // Site 3's contribution left out.
        let withoutThree = ThresholdPaillierAggregator.DecryptionRequest(
            round: 9, contributions: Array(vectors.prefix(2)), digests: Array(digests.prefix(2)),
            aggregate: try Paillier.PackedCiphertext.sum(Array(vectors.prefix(2))))
        #expect(throws: FedAvgError.aggregationFailed(reason: "site 3 refuses: its own contribution is missing from the aggregate")) {
            try aggregator.answer(withoutThree, site: 3, ownContribution: digests[2])
        }
        // Digests of another round, or a swapped ciphertext.
        var replayed = honest
        replayed.round = 10
        #expect(throws: FedAvgError.aggregationFailed(reason: "site 1 refuses: the published ciphertexts do not match their digests")) {
            try aggregator.answer(replayed, site: 1, ownContribution: digests[0])
        }
    }

    @Test func parametersAreChecked() {
        #expect(throws: FedAvgError.invalidParameter(name: "minimumContributions", reason: "must be in 2...5, got 1")) {
            try ThresholdPaillierAggregator(keySet: Self.keySet, minimumContributions: 1)
        }
        #expect(throws: FedAvgError.invalidParameter(name: "droppedSites", reason: "sites are numbered 1...5")) {
            try ThresholdPaillierAggregator(keySet: Self.keySet, droppedSites: [6])
        }
        #expect(thrownError(FedAvgError.self) { try ThresholdPaillierAggregator(keyBits: 1024, sites: 3, threshold: 2) }?.parameterName == "threshold key")
    }
}
