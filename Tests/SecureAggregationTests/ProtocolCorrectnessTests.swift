import SecureAggregation
import Sodium
import Testing

@Suite("Protocol correctness under dropouts")
struct ProtocolCorrectnessTests {
    /// Random dropout schedules at every stage, never more than the graph can absorb: the
    /// server's output is exactly the sum of the clients whose masked input it received.
    @Test(arguments: 0..<120)
    func exactSumUnderRandomDropouts(seed: Int) throws {
        var generator = ChaChaRandom(seed: UInt64(seed) &+ 1000)
        let n = 5 + Int(generator.next() % 6)
        let useSparseGraph = seed % 2 == 1 && n >= 7
        let degree = useSparseGraph ? 4 + 2 * Int(generator.next() % UInt64((n - 5) / 2)) : n - 1
        let maximumDrops = useSparseGraph ? 2 : n - 3
        let dropCount = Int(generator.next() % UInt64(maximumDrops + 1))
        let threshold = max(2, min(degree - dropCount + 1, n - dropCount) - Int(generator.next() % 2))
        let bitWidth = [8, 20, 32, 33, 64][seed % 5]
        let victims = (0..<n).map { UInt32($0 + 10) }.shuffled(using: &generator).prefix(dropCount)
        var dropouts: [SecAggStage: Set<UInt32>] = [:]
        for victim in victims {
            let stage = SecAggStage.allCases.randomElement(using: &generator)!
            dropouts[stage, default: []].insert(victim)
        }
        var harness = try ProtocolHarness(
            clients: n, threshold: threshold, dimension: 5, bitWidth: bitWidth, degree: useSparseGraph ? degree : nil,
            authenticated: seed % 3 == 0, round: UInt64(seed), seed: UInt64(seed))
        let sum = try harness.run(dropouts: dropouts)
        let before = Set((dropouts[.advertiseKeys] ?? []).union(dropouts[.shareKeys] ?? []).union(dropouts[.maskedInputCollection] ?? []))
        let included = harness.ids.filter { !before.contains($0) }
        #expect(harness.server.includedClients == included)
        #expect(sum == (try harness.expectedSum(of: included)))
    }

    /// Unconstrained schedules: the server either returns the exact sum or aborts with a
    /// threshold error; it never returns a wrong sum.
    @Test(arguments: 0..<60)
    func exactSumOrTypedAbort(seed: Int) throws {
        var generator = ChaChaRandom(seed: UInt64(seed) &+ 5000)
        let n = 5 + Int(generator.next() % 5)
        let sparse = seed % 2 == 0 && n >= 8
        let threshold = 2 + Int(generator.next() % UInt64(sparse ? 3 : n - 2))
        var dropouts: [SecAggStage: Set<UInt32>] = [:]
        for id in 0..<n where generator.next() % 3 == 0 {
            dropouts[SecAggStage.allCases.randomElement(using: &generator)!, default: []].insert(UInt32(id + 10))
        }
        var harness = try ProtocolHarness(
            clients: n, threshold: threshold, dimension: 4, bitWidth: 16, degree: sparse ? 4 : nil, seed: UInt64(seed) + 77)
        do {
            let sum = try harness.run(dropouts: dropouts)
            #expect(sum == (try harness.expectedSum(of: harness.server.includedClients)))
        } catch let error as SecAggError {
            switch error {
            case .belowThreshold, .notEnoughShares: break
            default: Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func simulatorSumsExactlyWithSparseGraphAndAuthentication() throws {
        var parameters = SecAggSimulation.Parameters(clientCount: 24, degree: 8, threshold: 5, dimension: 300, bitWidth: 24)
        parameters.authenticated = true
        parameters.seed = 99
        parameters.dropouts = [.shareKeys: [3], .maskedInputCollection: [4, 17], .unmasking: [9]]
        let report = try SecAggSimulation.run(parameters)
        #expect(report.sumVerified)
        #expect(report.includedClients.count == 21)
        #expect(report.uploadBytesPerClient > 300 * 3)
        // One self mask and up to 8 pairwise masks (fewer next to client 3, which dropped at ShareKeys).
        #expect(report.maskBytesPerClient <= 300 * 4 * 9 && report.maskBytesPerClient > 300 * 4 * 8)
    }

    @Test func simulatorWithTheCompleteGraph() throws {
        var parameters = SecAggSimulation.Parameters(clientCount: 12, threshold: 7, dimension: 1000)
        parameters.seed = 5
        parameters.dropouts = [.maskedInputCollection: [0, 1, 2], .consistencyCheck: [5]]
        let report = try SecAggSimulation.run(parameters)
        #expect(report.sumVerified)
        #expect(report.includedClients == (3..<12).map { UInt32($0) })
    }

    /// Below the threshold at any stage the server aborts with a typed error.
    @Test(arguments: SecAggStage.allCases)
    func abortBelowThreshold(stage: SecAggStage) throws {
        var harness = try ProtocolHarness(clients: 6, threshold: 4, seed: 12)
        #expect(throws: SecAggError.belowThreshold(stage: stage, available: 3, threshold: 4)) {
            try harness.run(dropouts: [stage: [10, 11, 12]])
        }
    }

    /// In SecAgg+, a dropped client's key needs t shares among its own neighbours.
    @Test func abortWhenADroppedClientsNeighbourhoodIsTooThin() throws {
        var parameters = SecAggSimulation.Parameters(clientCount: 10, degree: 4, threshold: 4, dimension: 3)
        parameters.seed = 8
        parameters.dropouts = [.maskedInputCollection: [0], .unmasking: Set((1..<10).map { UInt32($0) }).subtracting([2, 3, 4, 5, 6])]
        #expect(thrownCase(SecAggError.self) { try SecAggSimulation.run(parameters) } == "notEnoughShares")
    }
}
