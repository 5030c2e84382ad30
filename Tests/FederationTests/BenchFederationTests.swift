import Foundation
import Testing

/// `privagg-federation bench` with a tiny round: real coordinator and site processes on
/// loopback; the printed JSON has the fields other tools read, and the round's sum is right.
@Suite struct BenchFederationTests {
    /// Runs the benchmark and returns its JSON (also checks the file written by --output).
    private func bench(_ aggregator: String, clients: Int, dimension: Int, name: String, extra: [String] = []) async throws -> [String: Any] {
        let harness = try ProcessHarness("bench-\(name)")
        let output = harness.path("bench.json")
        let process = try harness.launch(
            ["bench", "--clients", "\(clients)", "--dimension", "\(dimension)", "--aggregator", aggregator, "--processes", "2",
             "--rounds", "2", "--seed", "7", "--output", output] + extra,
            log: "bench.log")
        let status = try await harness.exitStatus(process, timeout: 600)
        #expect(status == 0, "\(harness.log("bench.log"))")
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func number(_ json: [String: Any], _ key: String) throws -> Double {
        try #require((json[key] as? NSNumber)?.doubleValue, "missing \(key)")
    }

    @Test func plainRoundReportsTheTopLevelFiguresAndAnExactSum() async throws {
        let json = try await bench("plain", clients: 3, dimension: 10, name: "plain")
        #expect(json["aggregator"] as? String == "plain")
        #expect(json["clients"] as? Int == 3)
        #expect(json["dimension"] as? Int == 10)
        #expect((json["round_seconds"] as? [Double])?.count == 2)
        #expect(try number(json, "round_seconds_median") > 0)
        #expect(json["included"] as? [Int] == [3, 3])
        #expect(json["sum_verified"] as? [Bool] == [true, true])
        #expect(json["sum_max_error"] as? [Double] == [0, 0])
        // The plain update is 10 doubles; the gRPC message adds the protobuf fields and 5 bytes.
        #expect(try number(json, "message_bytes_up_per_client") == 80)
        let up = try number(json, "bytes_up_per_client")
        #expect(up > 85 && up < 110)
        #expect(try number(json, "bytes_down_per_client") > 0)
        #expect(try number(json, "coordinator_peak_rss_bytes") > 1_000_000)
        #expect(try number(json, "site_process_syscall_bytes_written_per_client_round") >= up)
        #expect(json["in_process"] == nil)
        #expect(json["round_to_in_process_ratio"] is NSNull)
        // The same coordinator and sites over the in-memory transport: the same messages, so
        // the hub counts the same bytes; the sums are right there too.
        let inMemory = try #require(json["in_memory"] as? [String: Any])
        #expect(inMemory["sum_verified"] as? [Bool] == [true, true])
        #expect(inMemory["included"] as? [Int] == [3, 3])
        // The protocol's messages are the same bytes (exactly); the per-round average of what the
        // hub counted may differ by a few bytes when a session-level message (a Join, about 15
        // bytes) lands before or after a round's byte snapshot, which the two transports' timing
        // decides (a difference of a few bytes was seen in debug runs, never in release ones).
        #expect(abs(try number(inMemory, "bytes_up_per_client") - up) <= 16)
        #expect(try number(inMemory, "message_bytes_up_per_client") == 80)
        #expect(try number(json, "round_to_in_memory_ratio") > 0)
    }

    @Test func secAggPlusRoundReportsCryptoTimesBytesAndTheInProcessRun() async throws {
        let json = try await bench("secagg+", clients: 3, dimension: 10, name: "secaggplus")
        #expect(json["aggregator"] as? String == "secagg+")
        #expect(json["included"] as? [Int] == [3, 3])
        #expect(json["sum_verified"] as? [Bool] == [true, true])
        #expect(try number(json, "threshold") >= 2)
        #expect(try number(json, "graph_degree") == 2)
        #expect(try number(json, "client_crypto_seconds") > 0)
        #expect((json["server_crypto_seconds"] as? [Double])?.allSatisfy { $0 > 0 } == true)
        let messageUp = try number(json, "message_bytes_up_per_client")
        let wireUp = try number(json, "bytes_up_per_client")
        #expect(messageUp > 0 && wireUp > messageUp)
        #expect(abs(try number(json, "wire_to_message_ratio_up") - wireUp / messageUp) < 1e-9)
        let inProcess = try #require(json["in_process"] as? [String: Any])
        #expect(inProcess["sum_verified"] as? Bool == true)
        // The same protocol, the same messages: the in-process run's message bytes are the sites'.
        #expect((inProcess["message_bytes_up_per_client"] as? NSNumber)?.doubleValue == messageUp)
        #expect(try number(json, "round_to_in_process_ratio") > 0)
        let inMemory = try #require(json["in_memory"] as? [String: Any])
        #expect(inMemory["sum_verified"] as? [Bool] == [true, true])
        #expect(try number(inMemory, "message_bytes_up_per_client") == messageUp)
        #expect(try number(inMemory, "client_crypto_seconds") > 0)
        #expect(try number(json, "round_to_in_memory_ratio") > 0)
    }

    /// Masked inputs of 20,000 48-bit entries (120 KB) travel as four pieces: every site is in
    /// the sum, and the coordinator's assembly never held more than the window's two inputs.
    @Test func chunkedMaskedInputsAreAssembledWithinTheWindow() async throws {
        let json = try await bench("secagg+", clients: 4, dimension: 20_000, name: "chunks", extra: ["--masked-input-window", "2", "--skip-in-process"])
        #expect(json["included"] as? [Int] == [4, 4])
        #expect(json["sum_verified"] as? [Bool] == [true, true])
        let maskedInput = 20_000 * 6
        let peak = try number(json, "coordinator_assembly_peak_bytes")
        #expect(peak >= Double(maskedInput) && peak <= Double(2 * (maskedInput + 64)))
        #expect(try number(json, "wire_to_message_ratio_up") < 1.05)
        let memory = try #require(json["coordinator_memory_after_stage"] as? [[[String: Any]]])
        #expect(memory.count == 2)
        #expect(memory.first?.map { $0["label"] as? String } == ["start", "AdvertiseKeys", "ShareKeys", "MaskedInputCollection", "ConsistencyCheck", "Unmasking", "Aggregate"])
        #expect(memory.first?.allSatisfy { (($0["residentBytes"] as? NSNumber)?.intValue ?? 0) > 0 } == true)
    }

    /// With a window of one, the coordinator releases one site's masked input at a time (the
    /// others wait for their forwarded shares): every site is still in the sum, and it is right.
    @Test func aMaskedInputWindowOfOneStillSumsEverySite() async throws {
        let json = try await bench("secagg+", clients: 5, dimension: 10, name: "window", extra: ["--masked-input-window", "1", "--skip-in-process", "--skip-in-memory"])
        #expect(json["included"] as? [Int] == [5, 5])
        #expect(json["sum_verified"] as? [Bool] == [true, true])
        #expect((json["dropouts"] as? [[String: String]])?.map(\.count) == [0, 0])
        #expect(json["in_memory"] == nil && json["round_to_in_memory_ratio"] is NSNull)
    }
}
