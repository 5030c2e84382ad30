import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import SwiftProtobuf
import Synchronization

/// Flower's Fleet API over HTTP: every call is a POST of a protobuf request to
/// `/v1/fleet/<method>` with `content-type: application/protobuf`, answered by the protobuf
/// response (`flwr.supernode.fleet_http_client.FleetHttpClient`), with Flower's runtime-version
/// and node-authentication headers.
final class FleetClient: Sendable {
    /// The Flower releases whose Fleet HTTP API this client speaks and is tested against
    /// (major.minor; the SuperLink compares the same pair). 1.41 and 1.42 compile the same
    /// Fleet schema (their descriptor sets are byte-identical) and serve the same Fleet routes;
    /// 1.40 and 1.43 are untested and refused.
    static let supportedFlowerVersions = ["1.41", "1.42"]
    /// The version announced in `flwr-package-version` until the SuperLink's is known: the
    /// release the protocol was taken from.
    static let protocolVersion = "1.42.0"
    /// The largest response accepted (one object is at most a 5 MiB chunk plus its head;
    /// message lists are small).
    static let maximumResponseBytes = 64 << 20

    let baseURL: String
    let identity: NodeIdentity
    private let client: HTTPClient
    /// What `flwr-package-version` announces: ``protocolVersion``, or after ``checkVersion()``
    /// the SuperLink's own major.minor (a SuperLink compares that pair with its own).
    private let announcedVersion = Mutex(FleetClient.protocolVersion)

    /// A client of the SuperLink at `address` (`host:port`).
    ///
    /// - Parameters:
    ///   - address: the SuperLink's Fleet API address.
    ///   - insecure: plain HTTP (loopback tests only); otherwise HTTPS, verified against the
    ///     system's roots or `rootCertificates`.
    ///   - rootCertificates: PEM CA certificates to trust instead of the system's.
    ///   - identity: the node's authentication key.
    /// - Throws: NIOSSL's error for unreadable certificates.
    init(address: String, insecure: Bool, rootCertificates: String?, identity: NodeIdentity) throws {
        baseURL = (insecure ? "http://" : "https://") + address
        self.identity = identity
        var configuration = HTTPClient.Configuration()
        if !insecure {
            var tls = TLSConfiguration.makeClientConfiguration()
            if let rootCertificates {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(rootCertificates.utf8)))
            }
            configuration.tlsConfiguration = tls
        }
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await client.shutdown()  // Only fails when already shut down.
    }

    /// Checks that the SuperLink is a Flower release this node speaks, from the version its
    /// API description announces (`GET /openapi.json`, `info.version`).
    ///
    /// - Throws: ``FlowerInteropError/incompatibleSuperLink(_:)`` naming the version found and
    ///   the ones supported, or saying why none could be read.
    func checkVersion() async throws {
        var request = HTTPClientRequest(url: baseURL + "/openapi.json")
        request.method = .GET
        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .seconds(15)) } catch {
            throw FlowerInteropError.incompatibleSuperLink("no answer from \(baseURL) (\(error)); is a Flower SuperLink listening there?")
        }
        let body = try await response.body.collect(upTo: Self.maximumResponseBytes)
        guard response.status.code == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let info = object["info"] as? [String: Any], let version = info["version"] as? String else {
            throw FlowerInteropError.incompatibleSuperLink(
                "\(baseURL)/openapi.json did not give a Flower version (HTTP \(response.status.code)); this node speaks the Fleet HTTP API of flwr \(Self.supportedFlowerVersions.joined(separator: ", ")) (use --skip-version-check to try anyway)")
        }
        let majorMinor = version.split(separator: ".").prefix(2).joined(separator: ".")
        guard Self.supportedFlowerVersions.contains(majorMinor) else {
            throw FlowerInteropError.incompatibleSuperLink(
                "the SuperLink runs flwr \(version); this node speaks the Fleet HTTP API of flwr \(Self.supportedFlowerVersions.map { $0 + ".x" }.joined(separator: ", ")) (use --skip-version-check to try anyway)")
        }
        guard let paths = object["paths"] as? [String: Any], paths["/v1/fleet/pull-messages"] != nil else {
            throw FlowerInteropError.incompatibleSuperLink("the SuperLink (flwr \(version)) does not serve the Fleet HTTP API (/v1/fleet/…)")
        }
        announcedVersion.withLock { $0 = majorMinor + ".0" }
    }

    /// One Fleet API call.
    ///
    /// - Throws: ``FlowerInteropError/http(path:status:detail:)`` for an HTTP error status,
    ///   ``FlowerInteropError/badResponse(path:reason:)`` for a body that does not parse,
    ///   ``FlowerInteropError/transport(path:detail:)`` when the exchange itself fails
    ///   (refused or dropped connection, timeout), `CancellationError` when cancelled.
    func call<Response: SwiftProtobuf.Message>(_ method: String, _ message: some SwiftProtobuf.Message, as _: Response.Type, timeout: TimeAmount = .seconds(60)) async throws -> Response {
        let path = "/v1/fleet/" + method
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/protobuf")
        request.headers.add(name: "accept", value: "application/protobuf")
        request.headers.add(name: "flwr-package-name", value: "flwr")
        request.headers.add(name: "flwr-package-version", value: announcedVersion.withLock { $0 })
        request.headers.add(name: "flwr-component-name", value: "SuperNode")
        for (name, value) in try identity.authenticationHeaders() { request.headers.add(name: name, value: value) }
        let bytes: [UInt8] = try message.serializedBytes()
        request.body = .bytes(ByteBuffer(bytes: bytes))
        let data: Data
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
            data = Data(try await response.body.collect(upTo: Self.maximumResponseBytes).readableBytesView)
        } catch {
            if Task.isCancelled || error is CancellationError { throw CancellationError() }
            throw FlowerInteropError.transport(path: path, detail: String(describing: error))
        }
        guard response.status.code == 200 else {
            throw FlowerInteropError.http(path: path, status: Int(response.status.code), detail: Self.detail(of: data))
        }
        do { return try Response(serializedBytes: data) } catch {
            throw FlowerInteropError.badResponse(path: path, reason: "not a protobuf \(Response.protoMessageName) (\(data.count) bytes)")
        }
    }

    /// The `detail` of FastAPI's JSON error body, or the body's first 200 characters.
    static func detail(of body: Data) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            var text = (object["detail"] as? String) ?? String(describing: object["detail"] ?? "")
            if let code = object["code"] { text = "[code \(code)] " + text }
            if let details = object["public_details"] as? String, !details.isEmpty { text += " (\(details))" }
            return text
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}
