import GRPCCore
import GRPCInProcessTransport
import GRPCNIOTransportHTTP2
import Logging

/// Where a coordinator serves its one gRPC service: the same ``FederationService``, hub and
/// round driver run over either transport, and the messages are the same protobuf bytes.
public enum CoordinatorTransport: Sendable {
    /// gRPC over HTTP/2 on `host:port` (port 0: any free port), with mutual TLS or, only
    /// with `--insecure`, plaintext: what `privagg serve` and the benchmark use.
    case http2(host: String, port: Int, security: HTTP2ServerTransport.Posix.TransportSecurity)
    /// grpc-swift's in-process transport: messages are serialized and handed over in memory,
    /// with no socket and no TLS. For simulation and tests only: there is no certificate, so
    /// the coordinator takes each site's name from its Join (``FederationSimulation``).
    case inMemory(InProcessTransport.Server)

    /// Runs `body` while `service` is served on this transport, then shuts the server down.
    ///
    /// - Parameters:
    ///   - service: the coordinator's service.
    ///   - maximumMessageBytes: the largest request the HTTP/2 transport accepts (the
    ///     in-process transport has no such limit: its peers are this process's own sites).
    ///   - logger: where the listening address is logged.
    ///   - onListening: called with the bound port (HTTP/2 only) before `body` runs.
    ///   - body: the coordinator's work while the server runs.
    /// - Returns: what `body` returns.
    /// - Throws: ``FederationError/invalidParameter(name:reason:)`` if the HTTP/2 server is
    ///   not listening on IPv4; transport errors; what `body` throws.
    func serve<Result: Sendable>(
        _ service: FederationService, maximumMessageBytes: Int, logger: Logger, onListening: @Sendable (Int) -> Void,
        body: () async throws -> Result
    ) async throws -> Result {
        switch self {
        case .http2(let host, let port, let security):
            let transport = HTTP2ServerTransport.Posix(
                address: .ipv4(host: host, port: port), transportSecurity: security,
                config: .defaults {
                    $0.rpc.maxRequestPayloadSize = maximumMessageBytes
                    // NIO's pooled receive buffers, capped per connection (ReceiveBuffers.swift):
                    // otherwise each site's connection keeps up to 64 KiB for the whole run.
                    $0.capReceiveBuffers()
                })
            return try await withGRPCServer(transport: transport, services: [service]) { _ in
                guard let bound = try await transport.listeningAddress.ipv4 else {
                    throw FederationError.invalidParameter(name: "listen", reason: "the server is not listening on IPv4")
                }
                logger.info("coordinator listening", metadata: ["address": "\(bound.host):\(bound.port)"])
                onListening(bound.port)
                return try await body()
            }
        case .inMemory(let transport):
            return try await withGRPCServer(transport: transport, services: [service]) { _ in
                logger.info("coordinator serving in memory (simulation: no TLS, site names from Join)")
                return try await body()
            }
        }
    }
}

/// How a site reaches its coordinator.
public enum SiteTransport: Sendable {
    /// gRPC over HTTP/2 to `host:port`: an IPv4 literal is dialled as such (TLS then checks
    /// the certificate's IP address), a name goes through DNS and is the name TLS checks.
    /// `waitForReady` retries a refused connection with gRPC's backoff instead of failing.
    case http2(host: String, port: Int, security: HTTP2ClientTransport.Posix.TransportSecurity, waitForReady: Bool = false)
    /// A client of grpc-swift's in-process transport, shared by every simulated site (one
    /// RPC, one session each, as HTTP/2 streams share a connection). Simulation and tests only.
    case inMemory(GRPCClient<InProcessTransport.Client>)

    /// Whether calls should wait for the transport to become ready.
    var waitsForReady: Bool {
        if case .http2(_, _, _, let wait) = self { return wait }
        return false
    }

    /// Runs `body` with the federation's generated client on this transport; an HTTP/2
    /// connection is opened for the call and closed after it.
    ///
    /// - Throws: transport errors; what `body` throws.
    func withClient<Result: Sendable>(
        _ body: (any Privagg_Federation_V1_Federation.ClientProtocol) async throws -> Result
    ) async throws -> Result {
        switch self {
        case .http2(let host, let port, let security, _):
            let isIPv4 = host.split(separator: ".", omittingEmptySubsequences: false).count == 4
                && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
            let transport: HTTP2ClientTransport.Posix
            if isIPv4 {
                transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: host, port: port), transportSecurity: security)
            } else {
                transport = try HTTP2ClientTransport.Posix(target: .dns(host: host, port: port), transportSecurity: security)
            }
            return try await withGRPCClient(transport: transport) { grpc in
                try await body(Privagg_Federation_V1_Federation.Client(wrapping: grpc))
            }
        case .inMemory(let grpc):
            return try await body(Privagg_Federation_V1_Federation.Client(wrapping: grpc))
        }
    }
}
