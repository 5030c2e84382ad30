import FedAvg
import Foundation
import PrivacyAccounting
import Synchronization
import Testing
@testable import FlowerInterop

/// The lines a node logs, readable from the test.
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// The HTTP Fleet client and the node loop against the in-process ``FakeSuperLink``: no
/// Python, no flwr (scripts/flower-interop.sh runs the same loop against a real SuperLink).
@Suite("Flower node against a fake SuperLink")
struct FlowerNodeTests {
    private static func temporaryFolder() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("flower-node-\(UUID().uuidString)").path
    }

    /// A DP-SGD Cleveland site on a fresh ledger folder.
    private static func site() throws -> PrivAggSite {
        var settings = PrivAggSite.Settings(site: .cleveland, privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: 3, delta: 1e-5))
        settings.ledgerDirectory = temporaryFolder()
        settings.seed = 42
        return try PrivAggSite(settings: settings)
    }

    /// A node on `link` that polls quickly and gives up after `failures` failed exchanges.
    private static func node(_ link: FakeSuperLink, site: PrivAggSite, failures: Int = 30) -> (FlowerNode, LogLines) {
        var connection = FlowerNode.Connection(superlink: link.address, insecure: true)
        connection.pollInterval = 0.05
        connection.retryDelay = 0.05
        connection.maximumConsecutiveFailures = failures
        let lines = LogLines()
        let node = FlowerNode(connection: connection, site: site) { line in lines.append(line) }
        return (node, lines)
    }

    private static func model(_ site: PrivAggSite, weights: [Double]? = nil, bias: Double = 0, round: Int?) throws -> RecordDict {
        let weights = weights ?? [Double](repeating: 0, count: site.featureCount)
        var records: [(String, Record)] = [
            ("arrays", .arrays([
                ("weights", FlowerArray(try NPYArray(shape: [weights.count], values: weights))),
                ("bias", FlowerArray(try NPYArray(shape: [1], values: [bias]))),
            ])),
        ]
        if let round { records.append(("config", .config([("server-round", .int(Int64(round)))]))) }
        return RecordDict(records)
    }

    private static func spends(_ site: PrivAggSite) throws -> Int {
        try LedgerFile.read(path: try #require(site.ledgerPath)).entries.count
    }

    @Test("registers, activates, trains and evaluates with verified objects, then deactivates and unregisters")
    func fullLifeCycle() async throws {
        let link = try await FakeSuperLink.start(version: "1.42.0")
        let site = try Self.site()
        let (node, _) = Self.node(link, site: site)
        let running = Task { try await node.run() }

        try await link.wait("activation") { !$0.activated.isEmpty }
        let trainID = link.enqueue(type: "train", content: try Self.model(site, round: 1))
        try await link.wait("the train reply and its objects") { FakeSuperLink.hasCompleteReply(to: trainID, in: $0) }
        let trained = try #require(try link.reply(to: trainID))
        #expect(trained.error == nil)
        #expect(trained.metadata.messageType == "train")
        #expect(trained.metadata.runID == FakeSuperLink.runID)
        #expect(trained.metadata.dstNodeID == 1)
        #expect(trained.metadata.srcNodeID == FakeSuperLink.nodeID)
        let content = try #require(trained.content)
        guard case .arrays(let arrays)? = content["arrays"], case .metrics(let metrics)? = content["metrics"] else {
            Issue.record("the train reply lacks 'arrays' or 'metrics': \(content.records.map(\.0))")
            return
        }
        let weights = try #require(arrays.first { $0.0 == "weights" }?.1).npy()
        let bias = try #require(arrays.first { $0.0 == "bias" }?.1).npy()
        #expect(weights.shape == [site.featureCount])
        #expect(bias.shape == [1])
        #expect(weights.values.allSatisfy(\.isFinite) && weights.values.contains { $0 != 0 })
        let examples = try #require(metrics.first { $0.0 == "num-examples" }?.1)
        guard case .int(let count) = examples else { Issue.record("num-examples is \(examples)"); return }
        #expect(count > 0)
        #expect(try Self.spends(site) == 1)

        let evaluateID = link.enqueue(type: "evaluate", content: try Self.model(site, weights: weights.values, bias: bias.values[0], round: nil))
        try await link.wait("the evaluate reply and its objects") { FakeSuperLink.hasCompleteReply(to: evaluateID, in: $0) }
        let evaluated = try #require(try link.reply(to: evaluateID))
        #expect(evaluated.error == nil)
        guard case .metrics(let evaluation)? = evaluated.content?["metrics"] else {
            Issue.record("the evaluate reply has no metrics")
            return
        }
        guard case .double(let accuracy)? = evaluation.first(where: { $0.0 == "accuracy" })?.1,
              case .double(let loss)? = evaluation.first(where: { $0.0 == "loss" })?.1 else {
            Issue.record("evaluate metrics: \(evaluation.map(\.0))")
            return
        }
        #expect((0...1).contains(accuracy))
        #expect(loss.isFinite && loss > 0)
        #expect(try Self.spends(site) == 1)  // evaluation spends nothing

        running.cancel()
        try await running.value
        let state = link.state.withLock { $0 }
        #expect(state.confirmed == [trainID, evaluateID])
        #expect(state.rejectedObjects.isEmpty)
        #expect(state.deactivated == [FakeSuperLink.nodeID])
        #expect(state.unregistered == [FakeSuperLink.nodeID])
        let paths = state.requests.map(\.path)
        let deactivation = try #require(paths.firstIndex(of: "/v1/fleet/deactivate-node"))
        #expect(paths.lastIndex(of: "/v1/fleet/unregister-node").map { $0 > deactivation } == true)
        // Every Fleet call is authenticated with the registered key.
        let registered = try #require(state.registeredKey).base64EncodedString()
        #expect(state.requests.filter { $0.path.hasPrefix("/v1/fleet/") }.allSatisfy { $0.signed && $0.publicKey == registered })
        try await link.close()
    }

    @Test("joins SuperLinks of flwr 1.41.x and 1.42.x and announces their major.minor", arguments: [("1.41.0", "1.41.0"), ("1.41.3", "1.41.0"), ("1.42.0", "1.42.0")])
    func supportedVersions(version: String, announced: String) async throws {
        let link = try await FakeSuperLink.start(version: version)
        let (node, _) = Self.node(link, site: try Self.site())
        let running = Task { try await node.run() }
        try await link.wait("activation") { !$0.activated.isEmpty }
        running.cancel()
        try await running.value
        let fleetCalls = link.state.withLock { $0.requests.filter { $0.path.hasPrefix("/v1/fleet/") } }
        #expect(!fleetCalls.isEmpty)
        #expect(fleetCalls.allSatisfy { $0.packageVersion == announced })
        try await link.close()
    }

    @Test("refuses a SuperLink of another Flower release before registering", arguments: ["1.40.2", "1.43.0", "2.0.0"])
    func refusedVersions(version: String) async throws {
        let link = try await FakeSuperLink.start(version: version)
        let (node, _) = Self.node(link, site: try Self.site())
        do {
            try await node.run()
            Issue.record("the node joined a flwr \(version) SuperLink")
        } catch FlowerInteropError.incompatibleSuperLink(let reason) {
            #expect(reason.contains("flwr \(version)"))
            #expect(reason.contains("1.41.x, 1.42.x"))
        }
        #expect(link.state.withLock { $0.requests.map(\.path) } == ["/openapi.json"])
        try await link.close()
    }

    @Test("an object whose bytes do not hash to its id is refused with an error reply; nothing is trained or charged")
    func tamperedObject() async throws {
        let link = try await FakeSuperLink.start()
        let site = try Self.site()
        let (node, _) = Self.node(link, site: site)
        let running = Task { try await node.run() }
        try await link.wait("activation") { !$0.activated.isEmpty }
        let trainID = link.enqueue(type: "train", content: try Self.model(site, round: 1), tamper: true)
        try await link.wait("the error reply") { FakeSuperLink.hasCompleteReply(to: trainID, in: $0) }
        let reply = try #require(try link.reply(to: trainID))
        #expect(reply.content == nil)
        let error = try #require(reply.error)
        #expect(error.code == FlowerNode.refusalErrorCode)
        #expect(error.reason.contains("has content hashing to"))
        #expect(try Self.spends(site) == 0)
        #expect(link.state.withLock { $0.confirmed }.isEmpty)  // never confirmed as received
        running.cancel()
        try await running.value
        try await link.close()
    }

    @Test("a SuperLink that drops mid-exchange ends the node with a transport error; every spend stays in the ledger",
          arguments: [("/v1/fleet/pull-object", 1), ("/v1/fleet/push-object", 2)])
    func droppedConnection(dropFrom path: String, expectedSpends: Int) async throws {
        let link = try await FakeSuperLink.start()
        let site = try Self.site()
        let (node, lines) = Self.node(link, site: site, failures: 3)
        let running = Task { try await node.run() }
        try await link.wait("activation") { !$0.activated.isEmpty }
        let first = link.enqueue(type: "train", content: try Self.model(site, round: 1))
        try await link.wait("the first reply") { FakeSuperLink.hasCompleteReply(to: first, in: $0) }
        let spentAfterFirst = try #require(await site.spentEpsilon())

        // Round 2: the SuperLink goes away from `path` on (mid-pull of the message's objects,
        // or after training, mid-push of the reply's).
        link.state.withLock { $0.dropFrom = path }
        link.enqueue(type: "train", content: try Self.model(site, round: 2))
        let outcome = await running.result
        guard case .failure(let error) = outcome, case FlowerInteropError.transport(let failedPath, _)? = error as? FlowerInteropError else {
            Issue.record("the node ended with \(outcome), expected a transport error")
            return
        }
        #expect(failedPath.hasPrefix("/v1/fleet/"))
        #expect(lines.all.contains { $0.contains("exchange with the SuperLink failed (2/3)") })
        // The spend of a round trained before the drop is on disk, even though its reply was lost.
        let ledger = try LedgerFile.read(path: try #require(site.ledgerPath))
        #expect(ledger.entries.count == expectedSpends)
        let spent = try #require(await site.spentEpsilon())
        if expectedSpends == 1 { #expect(spent == spentAfterFirst) } else { #expect(spent > spentAfterFirst) }
        try await link.close()
    }
}
