import FederationTLS
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Testing

/// Keeps the messages and metadata of every record, so a test can read why a handshake failed.
private final class RecordingLogHandler: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var records: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let text = "\(event.level) \(event.message) \(event.metadata?.map { "\($0.key)=\($0.value)" }.joined(separator: " ") ?? "")"
        lock.withLock { records.append(text) }
    }

    /// The records logged so far, and forgets them.
    func take() -> [String] {
        lock.withLock {
            defer { records.removeAll() }
            return records
        }
    }
}

/// Raw bytes in, raw bytes out: enough for a real gRPC call without generated code.
private struct RawBytesCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] { bytes.withUnsafeBytes { Array($0) } }
}

/// `Whoami` answers the site name the coordinator takes from the caller's verified certificate.
private struct WhoamiService: RegistrableRPCService {
    static let method = MethodDescriptor(fullyQualifiedService: "privagg.test.Identity", method: "Whoami")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        router.registerHandler(forMethod: Self.method, deserializer: RawBytesCoder(), serializer: RawBytesCoder()) { request, context in
            for try await _ in request.messages {}
            let site: NodeName
            do {
                site = try FederationIdentity.site(in: context)
            } catch {
                throw RPCError(code: .unauthenticated, message: "\(error)")
            }
            return StreamingServerResponse(single: ServerResponse(message: Array(site.value.utf8)))
        }
    }
}

@Suite(.serialized) struct MutualTLSTests {
    /// Runs a coordinator with `security` on a free loopback port and calls `body` with the port.
    private func withCoordinator(
        _ security: HTTP2ServerTransport.Posix.TransportSecurity, _ body: @Sendable (Int) async throws -> Void
    ) async throws {
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: 0), transportSecurity: security)
        try await withGRPCServer(transport: transport, services: [WhoamiService()]) { _ in
            let port = try #require(try await transport.listeningAddress.ipv4?.port)
            try await body(port)
        }
    }

    /// Calls Whoami as a client with `security`; returns the answer or the RPC error.
    private func whoami(port: Int, host: String = "127.0.0.1", _ security: HTTP2ClientTransport.Posix.TransportSecurity) async throws -> Result<String, RPCError> {
        let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: host, port: port), transportSecurity: security)
        return try await withGRPCClient(transport: transport) { client in
            var options = CallOptions.defaults
            // Generous: in the full suite other tests keep both cores and Swift's cooperative
            // pool busy, and the verifier runs on that pool; a refusal is `.unavailable` long
            // before this deadline.
            options.timeout = .seconds(120)
            do {
                let answer = try await client.unary(
                    request: ClientRequest(message: []), descriptor: WhoamiService.method, serializer: RawBytesCoder(),
                    deserializer: RawBytesCoder(), options: options
                ) { try $0.message }
                return .success(String(decoding: answer, as: UTF8.self))
            } catch let error as RPCError {
                return .failure(error)
            }
        }
    }

    @Test func aSiteIsKnownByItsCertificate() async throws {
        let federation = try TestFederation.make(sites: ["alpha", "beta"])
        defer { federation.remove() }
        let coordinator = try NodeCredentials(directory: federation.layout.coordinatorDirectory, role: .coordinator)
        let alpha = try NodeCredentials(directory: try federation.site("alpha"), role: .site)
        let beta = try NodeCredentials(directory: try federation.site("beta"), role: .site)
        let alphaSecurity = try alpha.clientTransportSecurity()
        let betaSecurity = try beta.clientTransportSecurity()
        try await withCoordinator(try coordinator.serverTransportSecurity()) { port in
            let answer = try await whoami(port: port, alphaSecurity)
            #expect(answer == .success("alpha"))
            let second = try await whoami(port: port, betaSecurity)
            #expect(second == .success("beta"))
        }
    }

    @Test func refusesForeignExpiredUnusableAndMissingClientCertificates() async throws {
        let federation = try TestFederation.make(sites: ["alpha", "beta"])
        defer { federation.remove() }
        let other = try TestFederation.make(sites: ["alpha"])
        defer { other.remove() }
        let coordinator = try NodeCredentials(directory: federation.layout.coordinatorDirectory, role: .coordinator)
        let alpha = try NodeCredentials(directory: try federation.site("alpha"), role: .site)
        let alphaSecurity = try alpha.clientTransportSecurity()
        let betaSecurity = try NodeCredentials(directory: try federation.site("beta"), role: .site).clientTransportSecurity()

        // Client credentials that `NodeCredentials` would refuse to load are assembled from raw
        // files here: an attacker is not bound by our loader. Each trusts the real coordinator.
        func clientSecurity(_ directory: String) throws -> HTTP2ClientTransport.Posix.TransportSecurity {
            .mTLS(
                certificateChain: [.file(path: directory + "/cert.pem", format: .pem)],
                privateKey: .file(path: directory + "/key.pem", format: .pem)
            ) {
                $0.trustRoots = .certificates([.file(path: federation.layout.authorityCertificate, format: .pem)])
            }
        }
        let foreign = try clientSecurity(try other.site("alpha"))
        let expired = try clientSecurity(
            try federation.writeCustomNode(
                "expired", commonName: "alpha", extendedKeyUsage: [.clientAuth], uri: "privagg-site:alpha",
                notBefore: Date().addingTimeInterval(-10 * 86_400), notAfter: Date().addingTimeInterval(-86_400)))
        let serverOnly = try clientSecurity(
            try federation.writeCustomNode("server-only", commonName: "alpha", extendedKeyUsage: [.serverAuth], uri: "privagg-site:alpha"))
        let coordinatorAsSite = try clientSecurity(federation.layout.coordinatorDirectory)
        let anonymous = HTTP2ClientTransport.Posix.TransportSecurity.tls {
            $0.trustRoots = .certificates([.file(path: federation.layout.authorityCertificate, format: .pem)])
        }

        let recorder = RecordingLogHandler()
        let logger = Logger(label: "test") { _ in recorder }
        try await withCoordinator(try coordinator.serverTransportSecurity(admitting: [try NodeName("alpha")], logger: logger)) { port in
            // Each refusal is the verifier's, for the stated reason (none is logged for a client
            // without a certificate: BoringSSL refuses it before any verification).
            for (label, security, reason) in [
                ("another federation's CA", foreign, "was not issued by this federation's CA"),
                ("expired", expired, "has expired"),
                ("no clientAuth", serverOnly, "must carry the extended key usage clientAuth"),
                ("the coordinator's certificate", coordinatorAsSite, "the peer is a coordinator, a site is expected"),
                ("no certificate", anonymous, nil),
            ] {
                let result = try await whoami(port: port, security)
                #expect(result.failureCode == .unavailable, "\(label): \(result)")
                let records = recorder.take()
                if let reason {
                    #expect(records.contains { $0.hasPrefix("warning federation peer refused") && $0.contains(reason) }, "\(label): \(records)")
                } else {
                    #expect(!records.contains { $0.hasPrefix("warning") }, "\(label): \(records)")
                }
            }
            // A valid site that is not admitted to this run is refused too; the admitted one passes.
            let answer = try await whoami(port: port, betaSecurity)
            #expect(answer.failureCode == .unavailable)
            #expect(recorder.take().contains { $0.contains("privagg-site:beta is not one of the sites admitted to this run") })
            let admitted = try await whoami(port: port, alphaSecurity)
            #expect(admitted == .success("alpha"))
        }
    }

    @Test func sitesCheckTheCoordinatorsCertificateAndAddress() async throws {
        let federation = try TestFederation.make(sites: ["alpha"], coordinatorHosts: ["localhost", "127.0.0.1"])
        defer { federation.remove() }
        let elsewhere = try TestFederation.make(sites: ["alpha"], coordinatorHosts: ["coordinator.example.org"])
        defer { elsewhere.remove() }
        let alphaSecurity = try NodeCredentials(directory: try federation.site("alpha"), role: .site).clientTransportSecurity()

        // The right coordinator at an address its certificate names.
        let coordinator = try NodeCredentials(directory: federation.layout.coordinatorDirectory, role: .coordinator)
        try await withCoordinator(try coordinator.serverTransportSecurity()) { port in
            let answer = try await whoami(port: port, alphaSecurity)
            #expect(answer == .success("alpha"))
        }
        // A coordinator of another federation (its CA is not ours): refused by the site.
        let impostor = try NodeCredentials(directory: elsewhere.layout.coordinatorDirectory, role: .coordinator)
        try await withCoordinator(try impostor.serverTransportSecurity()) { port in
            let answer = try await whoami(port: port, alphaSecurity)
            #expect(answer.failureCode == .unavailable)
        }
        // A site certificate cannot serve as the coordinator (no serverAuth, no IP name).
        let siteAsServer = HTTP2ServerTransport.Posix.TransportSecurity.mTLS(
            certificateChain: [.file(path: try federation.site("alpha") + "/cert.pem", format: .pem)],
            privateKey: .file(path: try federation.site("alpha") + "/key.pem", format: .pem))
        try await withCoordinator(siteAsServer) { port in
            let answer = try await whoami(port: port, alphaSecurity)
            #expect(answer.failureCode == .unavailable)
        }
    }

    @Test func plaintextServersGiveNoIdentity() async throws {
        try await withCoordinator(.plaintext) { port in
            let result = try await whoami(port: port, .plaintext)
            #expect(result.failureCode == .unauthenticated)
        }
    }

    @Test func transportSecurityIsRoleChecked() throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let site = try NodeCredentials(directory: try federation.site("alpha"), role: .site)
        let coordinator = try NodeCredentials(directory: federation.layout.coordinatorDirectory, role: .coordinator)
        #expect(throws: FederationTLSError.wrongRole(path: site.directory + "/cert.pem", expected: "coordinator", found: "site")) {
            try site.serverTransportSecurity()
        }
        #expect(throws: FederationTLSError.wrongRole(path: coordinator.directory + "/cert.pem", expected: "site", found: "coordinator")) {
            try coordinator.clientTransportSecurity()
        }
    }
}

extension Result where Failure == RPCError {
    fileprivate var failureCode: RPCError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
