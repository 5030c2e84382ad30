import Foundation
import NIOCore

/// A PrivAgg site acting as a Flower SuperNode over the Fleet HTTP API.
///
/// The loop mirrors flwr 1.42's SuperNode (`flwr.supernode.fleet_http_connection`,
/// `start_client_internal`): register the node's P-384 key and activate it, heartbeat every
/// 24 s (0.8 × the 30 s interval it announces), pull one message at a time, pull its objects
/// (each checked against its SHA-256 id), confirm receipt, handle it, push the reply's
/// metadata and object tree, then the objects the SuperLink asks for. On exit (cancellation,
/// SIGINT/SIGTERM in `privagg-flower`) the node is deactivated and, if it registered itself,
/// unregistered.
///
/// Message types: `train` (arrays `weights` [d] and `bias` [1] in the `arrays` record, the
/// server round as `server-round` in `config`; replies with the local arrays and a `metrics`
/// record holding `num-examples`) and `evaluate` (replies with `loss`, `accuracy` and
/// `num-examples`). Any other type, a malformed content, or a round the site's budget refuses,
/// gets a Flower error reply (code 2, the reason in the text) and is logged.
public final class FlowerNode: Sendable {
    /// How the node connects.
    public struct Connection: Sendable {
        /// The SuperLink's Fleet API address, `host:port`.
        public var superlink: String
        /// Plain HTTP (loopback tests only).
        public var insecure: Bool
        /// PEM CA certificates to trust instead of the system's.
        public var rootCertificates: String?
        /// A pre-registered key (`--enable-supernode-auth` SuperLinks); nil: a fresh key,
        /// registered on start and unregistered on exit.
        public var identity: NodeIdentity?
        /// Skip the SuperLink version check (for trying untested Flower releases).
        public var skipVersionCheck = false
        /// Seconds between polls for messages when none is waiting.
        public var pollInterval = 1.0
        /// The heartbeat interval announced to the SuperLink (Flower accepts 10…1800 s).
        public var heartbeatInterval = 30.0
        /// Seconds between retries of a failed exchange.
        public var retryDelay = 2.0
        /// Consecutive failed exchanges after which the node gives up and ``FlowerNode/run()``
        /// throws the last failure (by default about a minute of retries).
        public var maximumConsecutiveFailures = 30

        /// A connection to `superlink`.
        public init(superlink: String, insecure: Bool, rootCertificates: String? = nil, identity: NodeIdentity? = nil) {
            self.superlink = superlink
            self.insecure = insecure
            self.rootCertificates = rootCertificates
            self.identity = identity
        }
    }

    /// Flower's `ErrorCode.CLIENT_APP_RAISED_EXCEPTION`: the reply's error code when the site
    /// refuses or fails a message.
    public static let refusalErrorCode: Int64 = 2
    /// Most objects one message may consist of.
    static let maximumObjects = 10_000
    /// Most bytes one message's objects may add up to (the model here is tiny; this keeps a
    /// hostile SuperLink from filling memory).
    static let maximumMessageBytes = 1 << 30

    private let connection: Connection
    private let site: PrivAggSite
    private let log: @Sendable (String) -> Void

    /// A node for `site`.
    ///
    /// - Parameters:
    ///   - connection: where and how to connect.
    ///   - site: the site that trains and evaluates.
    ///   - log: receives one line per event (registration, each message, refusals).
    public init(connection: Connection, site: PrivAggSite, log: @escaping @Sendable (String) -> Void) {
        self.connection = connection
        self.site = site
        self.log = log
    }

    /// Runs until the task is cancelled, then deactivates (and unregisters) the node.
    ///
    /// - Throws: ``FlowerInteropError`` when the SuperLink is incompatible, refuses the node,
    ///   or fails in a way that is not a single message's fault; transport errors.
    public func run() async throws {
        let identity = connection.identity ?? NodeIdentity()
        let selfRegistered = connection.identity == nil
        let client = try FleetClient(address: connection.superlink, insecure: connection.insecure, rootCertificates: connection.rootCertificates, identity: identity)
        var nodeID: UInt64?
        do {
            if !connection.skipVersionCheck { try await client.checkVersion() }
            if selfRegistered {
                var register = Flwr_Proto_RegisterNodeFleetRequest()
                register.publicKey = identity.publicKeyPEM
                _ = try await client.call("register-node", register, as: Flwr_Proto_RegisterNodeFleetResponse.self)
            }
            var activate = Flwr_Proto_ActivateNodeRequest()
            activate.publicKey = identity.publicKeyPEM
            activate.heartbeatInterval = connection.heartbeatInterval
            let activated = try await client.call("activate-node", activate, as: Flwr_Proto_ActivateNodeResponse.self)
            nodeID = activated.nodeID
            log("registered and activated as node \(activated.nodeID) at \(client.baseURL)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.heartbeat(client: client, nodeID: activated.nodeID) }
                group.addTask { try await self.serve(client: client, nodeID: activated.nodeID) }
                // Either ends only by an error or cancellation; take the other down with it.
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            await leaveUncancelled(client: client, nodeID: nodeID, selfRegistered: selfRegistered)
            if error is CancellationError { return }
            throw error
        }
        await leaveUncancelled(client: client, nodeID: nodeID, selfRegistered: selfRegistered)
    }

    /// Deactivates from a fresh task: the node's own task is usually cancelled by then (a
    /// signal), and a cancelled task's HTTP calls would fail at once.
    private func leaveUncancelled(client: FleetClient, nodeID: UInt64?, selfRegistered: Bool) async {
        await Task { await self.leave(client: client, nodeID: nodeID, selfRegistered: selfRegistered) }.value
    }

    private func leave(client: FleetClient, nodeID: UInt64?, selfRegistered: Bool) async {
        if let nodeID {
            // Best effort, as Flower's SuperNode: the SuperLink also drops silent nodes after
            // their heartbeat lapses.
            var deactivate = Flwr_Proto_DeactivateNodeRequest()
            deactivate.nodeID = nodeID
            do {
                _ = try await client.call("deactivate-node", deactivate, as: Flwr_Proto_DeactivateNodeResponse.self, timeout: .seconds(5))
                log("deactivated node \(nodeID)")
            } catch { log("could not deactivate node \(nodeID): \(error)") }
            if selfRegistered {
                var unregister = Flwr_Proto_UnregisterNodeFleetRequest()
                unregister.nodeID = nodeID
                do { _ = try await client.call("unregister-node", unregister, as: Flwr_Proto_UnregisterNodeFleetResponse.self, timeout: .seconds(5)) } catch {
                    log("could not unregister node \(nodeID): \(error)")
                }
            }
        }
        await client.shutdown()
    }

    private func heartbeat(client: FleetClient, nodeID: UInt64) async throws {
        while true {
            try await Task.sleep(for: .seconds(connection.heartbeatInterval * 0.8))
            var request = Flwr_Proto_SendNodeHeartbeatRequest()
            request.node.nodeID = nodeID
            request.heartbeatInterval = connection.heartbeatInterval
            do {
                let response = try await client.call("send-node-heartbeat", request, as: Flwr_Proto_SendNodeHeartbeatResponse.self, timeout: .seconds(5))
                guard response.success else { throw FlowerInteropError.nodeRejected("the SuperLink does not recognize node \(nodeID) any more") }
            } catch let error as FlowerInteropError {
                switch error {
                case .nodeRejected: throw error
                case .http(_, 401, let detail): throw FlowerInteropError.nodeRejected(detail)
                // A lost heartbeat is retried at the next interval, as Flower's SuperNode does.
                default: log("heartbeat failed: \(error)")
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                log("heartbeat failed: \(error)")
            }
        }
    }

    private func serve(client: FleetClient, nodeID: UInt64) async throws {
        var failures = 0
        while true {
            try Task.checkCancellation()
            do {
                var pull = Flwr_Proto_PullMessagesRequest()
                pull.node.nodeID = nodeID
                let response = try await client.call("pull-messages", pull, as: Flwr_Proto_PullMessagesResponse.self)
                failures = 0
                guard let message = response.messagesList.first else {
                    try await Task.sleep(for: .seconds(connection.pollInterval))
                    continue
                }
                guard let tree = response.messageObjectTrees.first else {
                    throw FlowerInteropError.badResponse(path: "/v1/fleet/pull-messages", reason: "a message without its object tree")
                }
                try await handle(message, tree: tree, client: client, nodeID: nodeID)
            } catch is CancellationError {
                throw CancellationError()
            } catch FlowerInteropError.http(_, 401, let detail) {
                throw FlowerInteropError.nodeRejected(detail)
            } catch {
                // Transient failures (the SuperLink restarting, a dropped connection) are
                // retried, as Flower's retry invoker does; a persistent one ends the node.
                failures += 1
                guard failures < connection.maximumConsecutiveFailures else { throw error }
                log("exchange with the SuperLink failed (\(failures)/\(connection.maximumConsecutiveFailures)): \(error)")
                try await Task.sleep(for: .seconds(connection.retryDelay))
            }
        }
    }

    private func handle(_ message: Flwr_Proto_Message, tree: Flwr_Proto_ObjectTree, client: FleetClient, nodeID: UInt64) async throws {
        let started = ContinuousClock.now
        let metadata = message.metadata
        let inbound: (metadata: Flwr_Proto_Metadata, content: RecordDict?, error: Flwr_Proto_Error?)
        do {
            guard tree.objectID == metadata.messageID else {
                throw FlowerInteropError.malformedTree("the tree's root \(tree.objectID) is not the message id \(metadata.messageID)")
            }
            let root = try ObjectID(validating: tree.objectID)
            let objects = try await pullObjects(ObjectGraph.objectIDs(of: tree), runID: metadata.runID, client: client, nodeID: nodeID)
            var confirm = Flwr_Proto_ConfirmMessageReceivedRequest()
            confirm.node.nodeID = nodeID
            confirm.runID = metadata.runID
            confirm.messageObjectID = metadata.messageID
            _ = try await client.call("confirm-message-received", confirm, as: Flwr_Proto_ConfirmMessageReceivedResponse.self)
            inbound = try ObjectGraph.inflateMessage(root: root, objects: objects)
        } catch let error as FlowerInteropError {
            // A failed exchange is not the message's fault: the serve loop retries it (the
            // message stays unconfirmed on the SuperLink).
            if case .transport = error { throw error }
            log("message \(metadata.messageID.prefix(12)) (\(metadata.messageType)) refused: \(error)")
            try await reply(to: metadata, content: nil, error: "PrivAgg node: \(error)", client: client, nodeID: nodeID, started: started)
            return
        }
        let outcome: Result<RecordDict, Error>
        do {
            guard let content = inbound.content else { throw FlowerInteropError.invalidContent("the message carries an error, not content") }
            switch metadata.messageType {
            case "train": outcome = .success(try await train(content))
            case "evaluate": outcome = .success(try await evaluate(content))
            default: throw FlowerInteropError.invalidContent("message type '\(metadata.messageType)' is not supported (train, evaluate)")
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let content):
            try await reply(to: metadata, content: content, error: nil, client: client, nodeID: nodeID, started: started)
        case .failure(let error):
            log("\(metadata.messageType) message \(metadata.messageID.prefix(12)) refused: \(error)")
            try await reply(to: metadata, content: nil, error: "PrivAgg site: \(error)", client: client, nodeID: nodeID, started: started)
        }
    }

    private func pullObjects(_ ids: [ObjectID], runID: UInt64, client: FleetClient, nodeID: UInt64) async throws -> [ObjectID: ObjectContent] {
        guard ids.count <= Self.maximumObjects else { throw FlowerInteropError.malformedTree("\(ids.count) objects, more than \(Self.maximumObjects)") }
        var objects: [ObjectID: ObjectContent] = [:]
        var total = 0
        for id in ids {
            var request = Flwr_Proto_PullObjectRequest()
            request.node.nodeID = nodeID
            request.runID = runID
            request.objectID = id.hex
            // Flower's pull: retry an object that is registered but not yet uploaded, with
            // exponential backoff (here 0.1 s doubling to 2 s, at most 60 s in all).
            var delay = 0.1
            let deadline = ContinuousClock.now + .seconds(60)
            while true {
                let response = try await client.call("pull-object", request, as: Flwr_Proto_PullObjectResponse.self)
                guard response.objectFound else { throw FlowerInteropError.malformedTree("object \(id.hex) is not on the SuperLink") }
                if response.objectAvailable {
                    total += response.objectContent.count
                    guard total <= Self.maximumMessageBytes else { throw FlowerInteropError.malformedTree("the message's objects exceed \(Self.maximumMessageBytes) bytes") }
                    objects[id] = try ObjectContent(id: id, content: response.objectContent)
                    break
                }
                guard ContinuousClock.now < deadline else { throw FlowerInteropError.objectUnavailable(id: id.hex) }
                try await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 2)
            }
        }
        return objects
    }

    private func reply(to request: Flwr_Proto_Metadata, content: RecordDict?, error: String?, client: FleetClient, nodeID: UInt64, started: ContinuousClock.Instant) async throws {
        let now = Date().timeIntervalSince1970
        var metadata = Flwr_Proto_Metadata()
        metadata.runID = request.runID
        metadata.srcNodeID = request.dstNodeID
        metadata.dstNodeID = request.srcNodeID
        metadata.replyToMessageID = request.messageID
        metadata.groupID = request.groupID
        metadata.createdAt = now
        // A reply may live only as long as the message it answers (`_limit_reply_ttl`).
        metadata.ttl = request.createdAt + request.ttl - now
        metadata.messageType = request.messageType
        if request.hasDstTaskID { metadata.srcTaskID = request.dstTaskID }
        if request.hasSrcTaskID { metadata.dstTaskID = request.srcTaskID }
        var protoError: Flwr_Proto_Error?
        if let error {
            var value = Flwr_Proto_Error()
            value.code = Self.refusalErrorCode
            value.reason = error
            protoError = value
        }
        let deflated = ObjectGraph.deflateMessage(metadata: metadata, content: content, error: protoError)
        metadata.messageID = deflated.root.hex
        var message = Flwr_Proto_Message()
        message.metadata = metadata
        // As Flower's SuperNode: the pushed message carries an empty RecordDict in place of its
        // content, which travels as objects.
        if content != nil { message.content = Flwr_Proto_RecordDict() }
        if let protoError { message.error = protoError }
        var push = Flwr_Proto_PushMessagesRequest()
        push.node.nodeID = nodeID
        push.messagesList = [message]
        push.messageObjectTrees = [deflated.tree]
        let elapsed = ContinuousClock.now - started
        push.clientappRuntimeList = [Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18]
        let pushed = try await client.call("push-messages", push, as: Flwr_Proto_PushMessagesResponse.self)
        let wanted = Set(pushed.objectsToPush)
        // Children before parents, as Flower pushes them.
        for id in try ObjectGraph.objectIDs(of: deflated.tree) where wanted.contains(id.hex) {
            var object = Flwr_Proto_PushObjectRequest()
            object.node.nodeID = nodeID
            object.runID = request.runID
            object.objectID = id.hex
            object.objectContent = deflated.contents[id] ?? Data()
            object.sessionID = pushed.sessionID
            let stored = try await client.call("push-object", object, as: Flwr_Proto_PushObjectResponse.self)
            guard stored.stored else { throw FlowerInteropError.badResponse(path: "/v1/fleet/push-object", reason: "object \(id.hex) was not stored") }
        }
        log("replied to \(request.messageType) message \(request.messageID.prefix(12)) of run \(request.runID)\(error == nil ? "" : " with an error") (\(wanted.count) objects pushed)")
    }

    // MARK: Message handlers

    private func modelArrays(_ content: RecordDict) throws -> (weights: [Double], bias: Double) {
        guard case .arrays(let arrays)? = content["arrays"] else { throw FlowerInteropError.invalidContent("no ArrayRecord named 'arrays'") }
        guard arrays.count == 2, let weights = arrays.first(where: { $0.0 == "weights" })?.1, let bias = arrays.first(where: { $0.0 == "bias" })?.1 else {
            throw FlowerInteropError.invalidContent("the 'arrays' record must hold exactly 'weights' [d] and 'bias' [1], found \(arrays.map(\.0))")
        }
        let weightArray = try weights.npy(), biasArray = try bias.npy()
        guard weightArray.shape == [site.featureCount] else {
            throw FlowerInteropError.invalidContent("'weights' has shape \(weightArray.shape), the site needs [\(site.featureCount)]")
        }
        guard biasArray.shape == [1] else { throw FlowerInteropError.invalidContent("'bias' has shape \(biasArray.shape), expected [1]") }
        return (weightArray.values, biasArray.values[0])
    }

    private func serverRound(_ content: RecordDict) throws -> Int {
        guard case .config(let config)? = content["config"], let value = config.first(where: { $0.0 == "server-round" })?.1,
              let round = value.integer, round >= 1 else {
            throw FlowerInteropError.invalidContent("the 'config' record must hold 'server-round' (an integer ≥ 1)")
        }
        return round
    }

    private func train(_ content: RecordDict) async throws -> RecordDict {
        let (weights, bias) = try modelArrays(content)
        let round = try serverRound(content)
        let result = try await site.train(weights: weights, bias: bias, round: round)
        // Only `num-examples`: Flower's FedAvg skips aggregation when replies differ in metric
        // keys, so a site's ε (which a non-private site would not report) stays in its log.
        let metrics: [(String, MetricValue)] = [("num-examples", .int(Int64(result.examples)))]
        log(String(format: "round %d: trained on %d records%@", round, result.examples, result.epsilon.map { String(format: ", ε spent %.3f", $0) } ?? ""))
        return RecordDict([
            ("arrays", .arrays([
                ("weights", FlowerArray(try NPYArray(shape: [result.weights.count], values: result.weights))),
                ("bias", FlowerArray(try NPYArray(shape: [1], values: [result.bias]))),
            ])),
            ("metrics", .metrics(metrics)),
        ])
    }

    private func evaluate(_ content: RecordDict) async throws -> RecordDict {
        let (weights, bias) = try modelArrays(content)
        let result = try await site.evaluate(weights: weights, bias: bias)
        return RecordDict([
            ("metrics", .metrics([("loss", .double(result.loss)), ("accuracy", .double(result.accuracy)), ("num-examples", .int(Int64(result.examples)))])),
        ])
    }
}
