import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SwiftProtobuf
import Synchronization
@testable import FlowerInterop

/// A Flower SuperLink's Fleet HTTP API, in process, on loopback: enough of flwr 1.42's
/// `flwr.superlink.routers.fleet` to drive one node through registration, activation, messages
/// with content-addressed objects, replies, deactivation and unregistration, with the
/// committed generated messages. Every request is recorded; the test queues messages, reads
/// the replies and can make the server misbehave (another version, a tampered object, a
/// connection dropped from a given call on).
///
/// One request per connection (`Connection: close`), so "dropping" is closing the connection
/// without an answer.
final class FakeSuperLink: Sendable {
    /// The node id the fake hands out on activation.
    static let nodeID: UInt64 = 4711
    /// The run every queued message belongs to.
    static let runID: UInt64 = 99

    struct Request: Sendable {
        var method: String
        var path: String
        var packageVersion: String?
        var publicKey: String?
        var signed: Bool
    }

    struct State: Sendable {
        var version: String
        var requests: [Request] = []
        var registeredKey: Data?
        var activated: [UInt64] = []
        var deactivated: [UInt64] = []
        var unregistered: [UInt64] = []
        /// Messages waiting for the node, with their object trees.
        var queue: [(message: Flwr_Proto_Message, tree: Flwr_Proto_ObjectTree)] = []
        /// The objects the node may pull, by id.
        var objects: [String: Data] = [:]
        var confirmed: [String] = []
        /// Replies pushed by the node, with their trees.
        var replies: [(message: Flwr_Proto_Message, tree: Flwr_Proto_ObjectTree)] = []
        /// Objects pushed by the node, by id (each checked against its id before storing).
        var pushedObjects: [String: Data] = [:]
        /// Pushed objects whose bytes did not hash to their id.
        var rejectedObjects: [String] = []
        /// From the first request to this path on, every connection is closed unanswered.
        var dropFrom: String?
        var dropping = false
    }

    let state: Mutex<State>
    private let channel: any Channel
    /// The bound loopback port.
    let port: Int

    var address: String { "127.0.0.1:\(port)" }

    private init(state: State, channel: any Channel, port: Int) {
        self.state = Mutex(state)
        self.channel = channel
        self.port = port
    }

    /// Starts a fake SuperLink announcing flwr `version` in its `/openapi.json`.
    static func start(version: String = "1.42.0") async throws -> FakeSuperLink {
        let box = Mutex<FakeSuperLink?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FleetHTTPHandler(respond: { method, path, headers, body in
                        guard let link = box.withLock({ $0 }) else { return .drop }
                        return link.respond(method: method, path: path, headers: headers, body: body)
                    }))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let link = FakeSuperLink(state: State(version: version), channel: channel, port: channel.localAddress?.port ?? 0)
        box.withLock { $0 = link }
        return link
    }

    func close() async throws { try await channel.close() }

    // MARK: Test side

    /// Queues a message of `type` for the node; returns its id and stores its objects. With
    /// `tamper`, the bytes served under the largest object's id are altered (one body byte).
    @discardableResult
    func enqueue(type: String, content: RecordDict, tamper: Bool = false) -> String {
        var metadata = Flwr_Proto_Metadata()
        metadata.runID = Self.runID
        metadata.srcNodeID = 1  // Flower's SUPERLINK_NODE_ID
        metadata.dstNodeID = Self.nodeID
        metadata.groupID = "1"
        metadata.createdAt = Date().timeIntervalSince1970
        metadata.ttl = 3600
        metadata.messageType = type
        let deflated = ObjectGraph.deflateMessage(metadata: metadata, content: content, error: nil)
        metadata.messageID = deflated.root.hex
        var message = Flwr_Proto_Message()
        message.metadata = metadata
        message.content = Flwr_Proto_RecordDict()
        state.withLock { state in
            for (id, bytes) in deflated.contents { state.objects[id.hex] = bytes }
            if tamper, let (id, bytes) = deflated.contents.max(by: { $0.value.count < $1.value.count }) {
                var altered = bytes
                altered[altered.count - 1] ^= 0x01
                state.objects[id.hex] = altered
            }
            state.queue.append((message, deflated.tree))
        }
        return deflated.root.hex
    }

    /// The reply to `messageID`, inflated from the objects the node pushed.
    func reply(to messageID: String) throws -> (metadata: Flwr_Proto_Metadata, content: RecordDict?, error: Flwr_Proto_Error?)? {
        let (found, objects) = state.withLock { state in
            (state.replies.first { $0.message.metadata.replyToMessageID == messageID }, state.pushedObjects)
        }
        guard let found else { return nil }
        let root = try ObjectID(validating: found.tree.objectID)
        var contents: [ObjectID: ObjectContent] = [:]
        for id in try ObjectGraph.objectIDs(of: found.tree) {
            guard let bytes = objects[id.hex] else { return nil }  // not all pushed yet
            contents[id] = try ObjectContent(id: id, content: bytes)
        }
        return try ObjectGraph.inflateMessage(root: root, objects: contents)
    }

    /// Whether the node has pushed a reply to `messageID` and every object of its tree.
    static func hasCompleteReply(to messageID: String, in state: State) -> Bool {
        guard let reply = state.replies.first(where: { $0.message.metadata.replyToMessageID == messageID }) else { return false }
        var pending = [reply.tree]
        while let next = pending.popLast() {
            guard state.pushedObjects[next.objectID] != nil else { return false }
            pending += next.children
        }
        return true
    }

    /// Waits (without blocking the pool) until `condition` holds, up to `seconds`.
    /// Polls until `condition` holds. The long default is for the test process, not the node:
    /// a test task can wait minutes for a cooperative thread while other suites compute.
    func wait(_ what: String, seconds: Double = 600, until condition: (State) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !state.withLock({ condition($0) }) {
            guard ContinuousClock.now < deadline else { throw FakeSuperLinkTimeout(what: what) }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    // MARK: Server side

    enum Answer: Sendable {
        case ok(Data, contentType: String)
        case status(Int, String)
        case drop
    }

    private func respond(method: HTTPMethod, path: String, headers: HTTPHeaders, body: Data) -> Answer {
        state.withLock { state in
            let request = Request(
                method: method.rawValue, path: path, packageVersion: headers.first(name: "flwr-package-version"),
                publicKey: headers.first(name: "flwr-public-key"), signed: headers.first(name: "flwr-signature") != nil)
            state.requests.append(request)
            if state.dropFrom == path { state.dropping = true }
            if state.dropping { return .drop }
            do {
                return try Self.answer(path: path, method: method, body: body, request: request, state: &state)
            } catch {
                return .status(400, "{\"detail\": \"\(error)\"}")
            }
        }
    }

    private static func proto(_ message: some SwiftProtobuf.Message) throws -> Answer {
        .ok(Data(try message.serializedBytes() as [UInt8]), contentType: "application/protobuf")
    }

    private static func answer(path: String, method: HTTPMethod, body: Data, request: Request, state: inout State) throws -> Answer {
        if path == "/openapi.json", method == .GET {
            let description: [String: Any] = [
                "openapi": "3.1.0", "info": ["title": "Flower SuperLink", "version": state.version],
                "paths": ["/v1/fleet/pull-messages": [:], "/v1/fleet/push-messages": [:]],
            ]
            return .ok(try JSONSerialization.data(withJSONObject: description), contentType: "application/json")
        }
        guard method == .POST, path.hasPrefix("/v1/fleet/") else { return .status(404, "{\"detail\": \"Not Found\"}") }
        // Flower's node authentication: every Fleet call carries the key and a signature.
        guard request.publicKey != nil, request.signed else { return .status(401, "{\"detail\": \"missing authentication\"}") }
        switch path.dropFirst("/v1/fleet/".count) {
        case "register-node":
            let register = try Flwr_Proto_RegisterNodeFleetRequest(serializedBytes: body)
            state.registeredKey = register.publicKey
            return try proto(Flwr_Proto_RegisterNodeFleetResponse())
        case "activate-node":
            let activate = try Flwr_Proto_ActivateNodeRequest(serializedBytes: body)
            guard activate.publicKey == state.registeredKey else { return .status(401, "{\"detail\": \"unknown public key\"}") }
            state.activated.append(nodeID)
            var response = Flwr_Proto_ActivateNodeResponse()
            response.nodeID = nodeID
            return try proto(response)
        case "send-node-heartbeat":
            var response = Flwr_Proto_SendNodeHeartbeatResponse()
            response.success = true
            return try proto(response)
        case "pull-messages":
            let pull = try Flwr_Proto_PullMessagesRequest(serializedBytes: body)
            var response = Flwr_Proto_PullMessagesResponse()
            if pull.node.nodeID == nodeID, !state.queue.isEmpty {
                let next = state.queue.removeFirst()
                response.messagesList = [next.message]
                response.messageObjectTrees = [next.tree]
            }
            return try proto(response)
        case "pull-object":
            let pull = try Flwr_Proto_PullObjectRequest(serializedBytes: body)
            var response = Flwr_Proto_PullObjectResponse()
            if let bytes = state.objects[pull.objectID] {
                response.objectFound = true
                response.objectAvailable = true
                response.objectContent = bytes
            }
            return try proto(response)
        case "confirm-message-received":
            let confirm = try Flwr_Proto_ConfirmMessageReceivedRequest(serializedBytes: body)
            state.confirmed.append(confirm.messageObjectID)
            return try proto(Flwr_Proto_ConfirmMessageReceivedResponse())
        case "push-messages":
            let push = try Flwr_Proto_PushMessagesRequest(serializedBytes: body)
            var response = Flwr_Proto_PushMessagesResponse()
            for (message, tree) in zip(push.messagesList, push.messageObjectTrees) {
                state.replies.append((message, tree))
                response.objectsToPush += try ObjectGraph.objectIDs(of: tree).map(\.hex)
            }
            response.sessionID = "session-1"
            return try proto(response)
        case "push-object":
            let push = try Flwr_Proto_PushObjectRequest(serializedBytes: body)
            var response = Flwr_Proto_PushObjectResponse()
            if ObjectID(of: push.objectContent).hex == push.objectID {
                state.pushedObjects[push.objectID] = push.objectContent
                response.stored = true
            } else {
                state.rejectedObjects.append(push.objectID)
            }
            return try proto(response)
        case "deactivate-node":
            state.deactivated.append(try Flwr_Proto_DeactivateNodeRequest(serializedBytes: body).nodeID)
            return try proto(Flwr_Proto_DeactivateNodeResponse())
        case "unregister-node":
            state.unregistered.append(try Flwr_Proto_UnregisterNodeFleetRequest(serializedBytes: body).nodeID)
            return try proto(Flwr_Proto_UnregisterNodeFleetResponse())
        default:
            return .status(404, "{\"detail\": \"Not Found\"}")
        }
    }
}

struct FakeSuperLinkTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "the fake SuperLink did not see \(what) in time" }
}

/// Collects one request and answers it through `respond`, or closes the connection unanswered.
private final class FleetHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let respond: @Sendable (HTTPMethod, String, HTTPHeaders, Data) -> FakeSuperLink.Answer
    private var head: HTTPRequestHead?
    private var body = Data()

    init(respond: @escaping @Sendable (HTTPMethod, String, HTTPHeaders, Data) -> FakeSuperLink.Answer) {
        self.respond = respond
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = Data()
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let request = head else { return }
            head = nil
            let path = String(request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            let status: HTTPResponseStatus
            let bytes: Data
            var headers = HTTPHeaders()
            switch respond(request.method, path, request.headers, body) {
            case .drop:
                context.close(promise: nil)
                return
            case .ok(let data, let contentType):
                status = .ok
                bytes = data
                headers.add(name: "Content-Type", value: contentType)
            case .status(let code, let detail):
                status = HTTPResponseStatus(statusCode: code)
                bytes = Data(detail.utf8)
                headers.add(name: "Content-Type", value: "application/json")
            }
            headers.add(name: "Content-Length", value: String(bytes.count))
            headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
