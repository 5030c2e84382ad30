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
        #expect(thrownCase(SecAggError.self) { try SecAggPlusGraph(clientIDs: [1, 2, 3], degree: 3, using: &generator) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try SecAggPlusGraph(clientIDs: [1, 2, 3, 4, 5], degree: 3, using: &generator) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try SecAggPlusGraph(clientIDs: [1, 1, 2, 3], degree: 2, using: &generator) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try SecAggPlusGraph(clientIDs: [1], degree: 0, using: &generator) } == "invalidParameter")
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
        #expect(thrownCase(SecAggError.self) {
            try SecAggPlusParameters.recommended(clientCount: 10, dropoutFraction: 0.3, corruptFraction: 0.3)
        } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try SecAggPlusParameters.recommended(clientCount: 10, dropoutFraction: 1.5, corruptFraction: 0) } == "invalidParameter")
    }

    /// Against an active server, corrupt holders can answer for both of two survivor lists,
    /// so the authenticated rule needs 2t − k − 1 to exceed what corrupt neighbours reach:
    /// in the complete graph that is Bonawitz et al.'s t > (n + n_C)/2, not t > n/2.
    @Test func authenticatedRuleOutvotesCorruptDoubleSigners() throws {
        let n = 1000
        let semiHonest = SecAggPlusParameters.forDegree(n - 1, clientCount: n, dropoutFraction: 0.1, corruptFraction: 0.1)
        let active = SecAggPlusParameters.forDegree(
            n - 1, clientCount: n, dropoutFraction: 0.1, corruptFraction: 0.1, authenticated: true)
        #expect(semiHonest.threshold == 501)
        #expect(active.threshold > (n + n / 10) / 2)
        #expect(active.threshold == 592)  // checked against a direct binomial-tail computation in Python
        #expect(active.securityBits >= 40 && active.correctnessBits >= 20)
        // The semi-honest threshold has no margin against an active server.
        let exposed = SecAggPlusParameters.margins(
            degree: n - 1, threshold: semiHonest.threshold, clientCount: n, dropoutFraction: 0.1, corruptFraction: 0.1,
            authenticated: true)
        #expect(exposed.securityBits < 1)
        // SecAgg+ as well: the recommended sparse parameters meet the active condition.
        let sparse = try SecAggPlusParameters.recommended(
            clientCount: n, dropoutFraction: 0.1, corruptFraction: 0.1, authenticated: true)
        #expect(sparse.degree < n - 1 && sparse.securityBits >= 40 && sparse.correctnessBits >= 20)
        let plain = try SecAggPlusParameters.recommended(clientCount: n, dropoutFraction: 0.1, corruptFraction: 0.1)
        #expect(SecAggPlusParameters.margins(
            degree: plain.degree, threshold: plain.threshold, clientCount: n, dropoutFraction: 0.1, corruptFraction: 0.1,
            authenticated: true).securityBits < 40)
    }

    /// Margins are those of the threshold given, not of the rule's own choice.
    @Test func marginsOfAHandPickedThresholdAreMeasured() {
        let low = SecAggPlusParameters.margins(degree: 99, threshold: 2, clientCount: 100, dropoutFraction: 0.1, corruptFraction: 0.1)
        #expect(low.securityBits == 0)
        let rule = SecAggPlusParameters.forDegree(99, clientCount: 100, dropoutFraction: 0.1, corruptFraction: 0.1)
        let same = SecAggPlusParameters.margins(
            degree: 99, threshold: rule.threshold, clientCount: 100, dropoutFraction: 0.1, corruptFraction: 0.1)
        #expect(same == rule)
    }
}
