import Foundation
import Testing

/// `privagg train`: Ctrl-C writes the partial report and a checkpoint; `--resume` continues.
@Suite("Train: Ctrl-C and --resume")
struct TrainResumeCommandTests {
    @Test func interruptWritesThePartialReportAndResumeFinishesTheRun() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-resume-\(UUID().uuidString)").path
        let common = ["train", "--dataset", "synthetic", "--clients", "3", "--records-per-client", "200", "--dimension", "50",
                      "--aggregator", "plain", "--privacy", "dp-sgd", "--noise-multiplier", "20", "--epsilon-budget", "50",
                      "--seed", "5", "--output", output]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("privagg")
        process.arguments = common + ["--rounds", "100000"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Interrupt once a few rounds have been checkpointed.
        let checkpoint = output + "/checkpoint.json"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(FileManager.default.fileExists(atPath: checkpoint))
        kill(process.processIdentifier, SIGINT)
        try await waitForExit(process)
        #expect(process.terminationStatus == 130)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/report.json"))) as? [String: Any]
        let stopped = try #require(report?["rounds"] as? [Any]).count
        #expect((report?["stop_reason"] as? String)?.hasPrefix("interrupted after round \(stopped) of 100000") == true)
        let attributes = try FileManager.default.attributesOfItem(atPath: checkpoint)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        let resumed = try await runPrivagg(common + ["--rounds", "\(stopped + 2)", "--resume", "--format", "json"])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let final = try JSONSerialization.jsonObject(with: Data(resumed.standardOutput.utf8)) as? [String: Any]
        #expect((final?["rounds"] as? [Any])?.count == stopped + 2)
        #expect(final?["stop_reason"] == nil)

        // Other settings do not continue this run.
        let other = try await runPrivagg(common.map { $0 == "20" ? "21" : $0 } + ["--rounds", "\(stopped + 4)", "--resume"])
        #expect(other.status != 0 && other.standardError.contains("other settings"))
        let missing = try await runPrivagg(["train", "--resume", "--rounds", "2"])
        #expect(missing.status != 0 && missing.standardError.contains("--resume needs --output"))
    }
}
