import SecureAggregation
import Sodium
import Testing

@Suite("SecAgg+ graph and parameters")
struct SecAggPlusGraphTests {
    @Test(arguments: [(10, 4), (10, 3), (11, 6), (100, 20), (1000, 44), (9, 8)])
    func hararyGraphIsRegularAndSymmetric(clients: Int, degree: Int) throws {
        var generator = ChaChaRandom(seed: UInt64(clients * degree))
        let ids = (0..<clients).map { UInt32($0 * 3 + 1) }
        let graph = try SecAggPlusGraph(clientIDs: ids, degree: degree, using: &generator)
        for id in ids {
            let neighbours = graph.neighbors(of: id)
            #expect(neighbours.count == degree)
            #expect(Set(neighbours).count == degree)
            #expect(!neighbours.contains(id))
            for other in neighbours { #expect(graph.areNeighbors(other, id)) }
        }
        #expect(graph.isComplete == (degree == clients - 1))
    }

    @Test func relabellingIsRandom() throws {
        var first = ChaChaRandom(seed: 1), second = ChaChaRandom(seed: 2)
        let ids = (0..<50).map { UInt32($0) }
        let a = try SecAggPlusGraph(clientIDs: ids, degree: 6, using: &first)
        let b = try SecAggPlusGraph(clientIDs: ids, degree: 6, using: &second)
        #expect(ids.contains { a.neighbors(of: $0) != b.neighbors(of: $0) })
    }

    @Test func invalidGraphsAreRejected() {
        var generator = ChaChaRandom(seed: 3)
        #expect(throws: SecAggError.self) { try SecAggPlusGraph(clientIDs: [1, 2, 3], degree: 3, using: &generator) }
        #expect(throws: SecAggError.self) { try SecAggPlusGraph(clientIDs: [1, 2, 3, 4, 5], degree: 3, using: &generator) }
        #expect(throws: SecAggError.self) { try SecAggPlusGraph(clientIDs: [1, 1, 2, 3], degree: 2, using: &generator) }
        #expect(throws: SecAggError.self) { try SecAggPlusGraph(clientIDs: [1], degree: 0, using: &generator) }
    }

    /// The rule's degree grows like log n and meets its own conditions.
    @Test func recommendedParametersMeetTheRule() throws {
        let small = try SecAggPlusParameters.recommended(clientCount: 1000, dropoutFraction: 0.1, corruptFraction: 0.1)
        let large = try SecAggPlusParameters.recommended(clientCount: 100_000, dropoutFraction: 0.1, corruptFraction: 0.1)
        for parameters in [small, large] {
            #expect(parameters.degree % 2 == 0)
            #expect(parameters.securityBits >= 40)
            #expect(parameters.correctnessBits >= 20)
            #expect(2 * parameters.threshold > parameters.degree + 1)
            #expect(parameters.threshold <= parameters.degree)
        }
        #expect(small.degree < 100)
        #expect(large.degree > small.degree && large.degree < 2 * small.degree)
        // A smaller degree fails the rule.
        let smaller = SecAggPlusParameters.forDegree(small.degree - 2, clientCount: 1000, dropoutFraction: 0.1, corruptFraction: 0.1)
        #expect(smaller.securityBits < 40 || smaller.correctnessBits < 20)
    }

    @Test func tinyPopulationsFallBackToTheCompleteGraph() throws {
        let parameters = try SecAggPlusParameters.recommended(
            clientCount: 20, dropoutFraction: 0.05, corruptFraction: 0.05, securityBits: 10, correctnessBits: 5)
        #expect(parameters.degree <= 19)
        #expect(throws: SecAggError.self) {
            try SecAggPlusParameters.recommended(clientCount: 10, dropoutFraction: 0.3, corruptFraction: 0.3)
        }
        #expect(throws: SecAggError.self) { try SecAggPlusParameters.recommended(clientCount: 10, dropoutFraction: 1.5, corruptFraction: 0) }
    }
}
