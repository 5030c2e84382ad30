import FederationSupport
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

@Suite struct MetricsEndpointTests {
    private func get(_ url: String, method: String = "GET") async throws -> (status: Int, body: String, contentType: String?) {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.httpMethod = method
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test func scrapesTheRegistryOverLoopback() async throws {
        let metrics = FederationMetrics()
        metrics.roundCompleted(1, duration: .milliseconds(1200))
        metrics.roundCompleted(2, duration: .milliseconds(800))
        metrics.roundAbandoned(reason: "below_threshold")
        metrics.dropout(.timeout)
        metrics.dropout(.timeout)
        metrics.dropout(.malformed)
        metrics.bytes(1000, site: "cleveland", upload: true)
        metrics.bytes(250, site: "cleveland", upload: false)
        metrics.bytes(0, site: "va", upload: true)
        metrics.stage("masked_input", took: .milliseconds(30))
        metrics.setSitesConnected(4)

        let endpoint = try await MetricsEndpoint.start(serving: metrics)
        #expect(endpoint.port > 0)
        let scrape = try await get("http://127.0.0.1:\(endpoint.port)/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.contentType == "text/plain; version=0.0.4; charset=utf-8")
        let lines = Set(scrape.body.split(separator: "\n").map(String.init))
        for expected in [
            "privagg_federation_rounds_completed_total 2",
            "privagg_federation_last_completed_round 2.0",
            "privagg_federation_sites_connected 4.0",
            #"privagg_federation_rounds_abandoned_total{reason="below_threshold"} 1"#,
            #"privagg_federation_dropouts_total{reason="timeout"} 2"#,
            #"privagg_federation_dropouts_total{reason="malformed"} 1"#,
            #"privagg_federation_bytes_total{direction="up",site="cleveland"} 1000"#,
            #"privagg_federation_bytes_total{direction="down",site="cleveland"} 250"#,
            #"privagg_federation_stage_duration_seconds_count{stage="masked_input"} 1"#,
            #"privagg_federation_stage_duration_seconds_bucket{stage="masked_input",le="0.05"} 1"#,
            #"privagg_federation_stage_duration_seconds_bucket{stage="masked_input",le="0.025"} 0"#,
            "privagg_federation_round_duration_seconds_count 2",
            "# TYPE privagg_federation_round_duration_seconds histogram",
        ] {
            #expect(lines.contains(expected), "missing line: \(expected)\n\(scrape.body)")
        }
        // Zero bytes create no series.
        #expect(!scrape.body.contains(#"site="va""#))

        // Later events show in the next scrape.
        metrics.roundCompleted(3, duration: .seconds(1))
        #expect(try await get("http://127.0.0.1:\(endpoint.port)/metrics?x=1").body.contains("privagg_federation_rounds_completed_total 3"))

        #expect(try await get("http://127.0.0.1:\(endpoint.port)/").status == 404)
        #expect(try await get("http://127.0.0.1:\(endpoint.port)/metrics", method: "POST").status == 405)
        try await endpoint.close()
    }

    /// A client that connects and says nothing is disconnected after the idle timeout.
    @Test func closesSilentConnections() async throws {
        let endpoint = try await MetricsEndpoint.start(serving: FederationMetrics(), idleTimeout: .milliseconds(200))
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(endpoint.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        // A blocking read returns 0 (end of file) once the server closes; a 5 s receive timeout
        // turns a server that never closes into a failure (-1, EAGAIN) instead of a hang. No
        // wall-clock assertion beyond that: the full suite loads both cores.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // On a thread of its own: the read blocks until the server acts, and must not hold a
        // thread of Swift's cooperative pool meanwhile.
        let count = await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            Thread.detachNewThread {
                var byte: UInt8 = 0
                continuation.resume(returning: read(descriptor, &byte, 1))
            }
        }
        // 0 is end of file: the server closed (a server that never closes gives -1 after 5 s).
        #expect(count == 0)
        try await endpoint.close()
    }
}
