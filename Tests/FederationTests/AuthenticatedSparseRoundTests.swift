import FedAvg
import Foundation
import ParallelWork
import SecureAggregation
import Sodium
import Testing

@testable import Federation

/// Authenticated SecAgg+ with a sparse graph, configured as the federation configures it: the
/// coordinator's server holds the graph and every site's verified identity; each site's client
/// (`SiteSession.secureClient`) holds the identities only. Messages are routed in memory as
/// `RoundDriver.secureSum` routes them (200 sites are too many processes for a test).
@Suite struct AuthenticatedSparseRoundTests {
    final class Slot: @unchecked Sendable {
        var client: SecAggClient
        init(_ client: consuming SecAggClient) { self.client = client }
    }

    @Test("200 sites, authenticated sparse SecAgg+ (k = 56, t = 40): signed stages, one site dropped before its masked input, the survivors' exact sum")
    func sparseAuthenticatedRound() async throws {
        let outcome = try await Parallel.offPool { () throws -> (sum: [Double], expected: [Double], bound: Double, included: Int) in
            let n = 200, dimension = 4, bitWidth = 32, dropped: UInt32 = 7
            let (degree, threshold) = RoundDriver.activeServerParameters(aggregator: .secaggPlus, clients: n)
            guard degree < n - 1 else { throw SecAggError.invalidParameter(name: "degree", reason: "expected a sparse graph, got \(degree)") }
            let ids = (0..<n).map { UInt32($0) }
            var graphRandom = ChaChaRandom(seed: 3)
            let graph = try SecAggPlusGraph(clientIDs: ids, degree: degree, using: &graphRandom)
            let signingKeys = ids.map { _ in Ed25519.SigningKey() }
            let identities = Dictionary(uniqueKeysWithValues: zip(ids, signingKeys.map(\.verifyingKey)))
            var server = try SecAggServer(
                configuration: try SecAggConfiguration(round: 2, threshold: threshold, bitWidth: bitWidth, dimension: dimension, identities: identities, graph: graph),
                graph: graph)
            var slots: [Slot] = []
            var expected = [Double](repeating: 0, count: dimension)
            for id in ids {
                var parameters = Privagg_Federation_V1_SecureAggregationRound()
                parameters.protocolRound = 2
                parameters.threshold = UInt32(threshold)
                parameters.bitWidth = UInt32(bitWidth)
                parameters.dimension = UInt32(dimension)
                parameters.clippingBound = 1
                parameters.quantizerClients = UInt32(n)
                parameters.graphDegree = UInt32(degree)
                parameters.neighbours = graph.neighbors(of: id)
                let vector = (0..<dimension).map { Double((Int(id) * 7 + $0 * 3) % 11) / 10 - 0.5 }
                if id != dropped { for entry in 0..<dimension { expected[entry] += vector[entry] } }
                var advertisement: [UInt8] = []
                var generator = ChaChaRandom(seed: 100 + UInt64(id))
                let client = try SiteSession.secureClient(
                    id: id, vector: vector, bound: 1, bitWidth: bitWidth, parameters: parameters, advertisement: &advertisement,
                    identities: identities, signingKey: signingKeys[Int(id)], using: &generator)
                slots.append(Slot(client))
                try server.receive(bytes: advertisement)
            }
            func deliver(_ outgoing: [(UInt32, [UInt8])], skipping: Set<UInt32> = []) throws {
                for (recipient, bytes) in outgoing where !skipping.contains(recipient) {
                    try server.receive(bytes: try slots[Int(recipient)].client.respond(to: bytes))
                }
            }
            try deliver(try server.keyDirectories().map { ($0.recipient, $0.serialized()) })
            try deliver(try server.forwardedShares().map { ($0.recipient, $0.serialized()) }, skipping: [dropped])
            try deliver(try server.consistencyCheckRequests().map { ($0.recipient, $0.serialized()) })
            try deliver(try server.unmaskingRequests().map { ($0.recipient, $0.serialized()) })
            let total = try server.aggregate()
            let quantizer = try Quantizer(clippingBound: 1, bitWidth: bitWidth, clientCount: n)
            let included = server.includedClients.count
            return (try quantizer.dequantizeSum(total, contributors: included), expected, quantizer.errorBound(contributors: included), included)
        }
        #expect(outcome.included == 199)
        for entry in outcome.expected.indices {
            #expect(abs(outcome.sum[entry] - outcome.expected[entry]) <= outcome.bound, "entry \(entry): \(outcome.sum[entry]) vs \(outcome.expected[entry])")
        }
    }
}
