import Federation
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `serve --metrics-listen`: a real coordinator and four site processes; the `/metrics` scrape
/// after the run holds the counters of report.json.
@Suite struct CoordinatorMetricsTests {
    /// The value of the sample `name{labels}` in a Prometheus text exposition (nil if absent).
    static func sample(_ text: String, _ name: String) -> Double? {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, parts[0] == name[...] { return Double(parts[1]) }
        }
        return nil
    }

    @Test("metrics: rounds, bytes per site and direction, stage latencies and dropouts match report.json")
    func metricsMatchTheReport() async throws {
        let harness = try ProcessHarness("metrics")
        let sites = FederationProcessTests.sites
        let metricsPortFile = harness.path("metrics-port")
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", sites.joined(separator: ","), "--rounds", "2", "--aggregator", "secagg+", "--privacy", "none", "--seed", "9",
             "--metrics-listen", "0", "--metrics-port-file", metricsPortFile, "--metrics-linger", "600"])
        defer { kill(coordinator.processIdentifier, SIGKILL) }
        let processes = try sites.map { try harness.site($0, port: port, extra: ["--seed", "9"]) }
        for (index, site) in processes.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(sites[index]).log"))")
        }
        // report.json is written before the endpoint lingers.
        try await harness.waitForFile(harness.path("out/report.json"), timeout: 120)
        let report = try harness.report()
        let metricsPort = try #require(Int(try String(contentsOfFile: metricsPortFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let (data, response) = try await URLSession.shared.data(from: try #require(URL(string: "http://127.0.0.1:\(metricsPort)/metrics")))
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: data, as: UTF8.self)

        let rounds = report.records.filter { $0.round > 0 }
        #expect(rounds.count == 2 && rounds.allSatisfy { !$0.abandoned })
        #expect(Self.sample(text, "privagg_federation_rounds_completed_total") == 2)
        #expect(Self.sample(text, "privagg_federation_last_completed_round") == 2)
        #expect(Self.sample(text, "privagg_federation_sites_connected") == 4)
        #expect(Self.sample(text, "privagg_federation_round_duration_seconds_count") == 2)
        for site in sites {
            let up = report.records.reduce(0) { $0 + ($1.bytesUp[site] ?? 0) }
            let down = report.records.reduce(0) { $0 + ($1.bytesDown[site] ?? 0) }
            #expect(up > 0 && down > 0)
            #expect(Self.sample(text, "privagg_federation_bytes_total{direction=\"up\",site=\"\(site)\"}") == Double(up))
            #expect(Self.sample(text, "privagg_federation_bytes_total{direction=\"down\",site=\"\(site)\"}") == Double(down))
        }
        // Every stage of every record (round 0's standardization too) is one histogram observation.
        var stageCounts: [String: Int] = [:]
        for record in report.records { for stage in record.stageSeconds { stageCounts[stage.stage, default: 0] += 1 } }
        #expect(stageCounts.count >= 6)
        for (stage, count) in stageCounts {
            #expect(Self.sample(text, "privagg_federation_stage_duration_seconds_count{stage=\"\(stage)\"}") == Double(count), "\(stage)")
        }
        #expect(report.records.allSatisfy { $0.dropouts.isEmpty })
        #expect(!text.contains("privagg_federation_dropouts_total{"))
    }
}
