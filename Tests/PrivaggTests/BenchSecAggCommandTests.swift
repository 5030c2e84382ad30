import Foundation
import Testing

@Suite("privagg bench secagg")
struct BenchSecAggCommandTests {
    @Test func jsonHasTheRequiredFields() async throws {
        let run = try await runPrivagg([
            "bench", "secagg", "--clients", "12", "--neighbors", "6", "--dimension", "500", "--dropout", "0.1",
            "--threshold", "4", "--format", "json",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["sum_verified"] as? Bool == true)
        for key in ["client_mask_seconds", "client_seconds", "keystream_seconds", "server_seconds",
                    "upload_bytes_per_client", "download_bytes_per_client", "expansion"] {
            #expect((object[key] as? Double ?? -1) > 0, "\(key)")
        }
        #expect(object["dropped_clients"] as? Int == 1)
    }

    @Test func sizeOnlyModeSkipsTheRun() async throws {
        let run = try await runPrivagg([
            "bench", "secagg", "--clients", "1024", "--neighbors", "1023", "--dimension", "1048576", "--dropout", "0",
            "--bit-width", "26", "--input-bits", "16", "--size-only", "--format", "json",
        ])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["sum_verified"] == nil)
        let expansion = try #require(object["expansion"] as? Double)
        #expect(expansion > 1.6 && expansion < 1.8)
    }

    @Test(arguments: [
        ["--clients", "2", "--neighbors", "1", "--dimension", "10", "--dropout", "0"],
        ["--clients", "10", "--neighbors", "10", "--dimension", "10", "--dropout", "0"],
        ["--clients", "10", "--neighbors", "4", "--dimension", "0", "--dropout", "0"],
        ["--clients", "10", "--neighbors", "4", "--dimension", "10", "--dropout", "1"],
        ["--clients", "10", "--neighbors", "4", "--dimension", "10", "--dropout", "0", "--format", "xml"],
        ["--clients", "11", "--neighbors", "3", "--dimension", "10", "--dropout", "0"],
        ["--clients", "10", "--neighbors", "4", "--dimension", "10"],
    ])
    func invalidArgumentsFailOnStandardError(arguments: [String]) async throws {
        let run = try await runPrivagg(["bench", "secagg"] + arguments)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }

    @Test func anAbortIsReportedOnStandardError() async throws {
        let run = try await runPrivagg([
            "bench", "secagg", "--clients", "10", "--neighbors", "4", "--dimension", "10", "--dropout", "0.5", "--threshold", "5",
        ])
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.contains("abort") || run.standardError.contains("reconstruct"))
    }
}
