import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 server for Prometheus scrapes: `GET /metrics` answers the registry in
/// the text exposition format; any other path is 404, any other method 405. One response
/// per connection (`Connection: close`), and a connection that sends nothing for
/// `idleTimeout` (default ``defaultIdleTimeout``) is closed, so a slow or stuck scraper holds nothing for long.
///
/// It listens on loopback by default: metrics name the sites and their traffic, so exposing
/// them beyond the coordinator's machine is the operator's explicit choice (`host: "0.0.0.0"`).
public final class MetricsEndpoint: Sendable {
    /// How long a connection may stay silent before it is closed, by default.
    public static let defaultIdleTimeout = TimeAmount.seconds(10)

    private let channel: any Channel
    /// The port bound (the one asked for, or the one the system chose for port 0).
    public let port: Int

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    /// Starts serving `metrics`.
    ///
    /// - Parameters:
    ///   - metrics: The registry to serve.
    ///   - host: The address to bind (default `127.0.0.1`).
    ///   - port: The port (0: any free port; read ``port``).
    ///   - idleTimeout: How long a connection may send nothing before it is closed.
    ///   - group: The event loops to run on.
    /// - Returns: The running endpoint.
    /// - Throws: NIO's bind error (address in use, permission).
    public static func start(
        serving metrics: FederationMetrics,
        host: String = "127.0.0.1",
        port: Int = 0,
        idleTimeout: TimeAmount = defaultIdleTimeout,
        group: MultiThreadedEventLoopGroup = .singletonMultiThreadedEventLoopGroup
    ) async throws -> MetricsEndpoint {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(CloseOnIdleHandler())
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MetricsHTTPHandler(metrics: metrics))
                }
            }
            .bind(host: host, port: port)
            .get()
        return MetricsEndpoint(channel: channel, port: channel.localAddress?.port ?? port)
    }

    /// Stops listening (connections being answered finish).
    ///
    /// - Throws: NIO's close error.
    public func close() async throws {
        try await channel.close()
    }
}

/// Closes the connection when ``IdleStateHandler`` reports a silent read side.
final class CloseOnIdleHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Answers one request per connection from the registry.
final class MetricsHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let metrics: FederationMetrics
    private var head: HTTPRequestHead?

    init(metrics: FederationMetrics) {
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
        case .body:
            break  // a scrape has no body; whatever is sent is ignored, not buffered
        case .end:
            guard let requestHead = head else { return }
            head = nil
            respond(to: requestHead, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let status: HTTPResponseStatus
        let body: [UInt8]
        var headers = HTTPHeaders()
        if path != "/metrics" {
            status = .notFound
            body = Array("not found; metrics are at /metrics\n".utf8)
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else if request.method != .GET {
            status = .methodNotAllowed
            body = Array("only GET\n".utf8)
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Allow", value: "GET")
        } else {
            status = .ok
            body = metrics.exposition()
            headers.add(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")
        }
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
