import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `privagg demo --distributed`: a coordinator and four site processes on loopback with mutual
/// TLS, run through `privagg` (which execs the companion), with few rounds.
@Suite(.serialized)
struct DistributedDemoTests {
    /// Starts `privagg arguments` with its output in `log`.
    static func launch(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("privagg")
        process.arguments = arguments
        try #require(FileManager.default.createFile(atPath: log, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Waits without blocking the cooperative pool; kills the process after `timeout`.
    static func exitStatus(_ process: Process, timeout: Double) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("process still running after \(timeout) s")
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        while process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        return process.terminationStatus
    }

    /// Processes whose command line mentions `marker` (the demo's unique output folder).
    static func processes(mentioning marker: String) throws -> [Int32] {
        var found: [Int32] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(entry), pid != getpid() else { continue }
            // A process may exit between the listing and the read: its file is then gone.
            guard let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            if String(decoding: data, as: UTF8.self).contains(marker) { found.append(pid) }
        }
        return found
    }

    static func text(_ path: String) -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch { return "(cannot read \(path): \(error))" }
    }

    @Test("demo --distributed: five processes, mutual TLS, SecAgg+ and DP-SGD; the demo's report with network figures; no process left behind")
    func distributedDemoWritesTheReport() async throws {
        let folder = NSTemporaryDirectory() + "privagg-ddemo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let output = folder + "/out"
        let demo = try Self.launch(["demo", "--distributed", "--output", output, "--rounds", "2", "--seed", "5"], log: folder + "/demo.log")
        let status = try await Self.exitStatus(demo, timeout: 900)
        let log = Self.text(folder + "/demo.log")
        #expect(status == 0, "\(log)\n\(Self.text(output + "/logs/coordinator.log"))")
        #expect(log.contains("round   1/2"), "\(log)")
        #expect(log.contains("round   2/2"), "\(log)")
        #expect(log.contains("Report written to \(output)/"), "\(log)")
        #expect(try Self.processes(mentioning: output).isEmpty)

        for file in ["report.md", "report.json", "accuracy.svg", "epsilon.svg", "federation/report.json", "federation/report.md",
                     "pki/ca.pem", "logs/coordinator.log"] {
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(file) missing")
        }
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/report.json"))) as? [String: Any])
        #expect(report["aggregator"] as? String == "secagg+")
        #expect(report["privacy"] as? String == "dp-sgd")
        let rounds = try #require(report["rounds"] as? [[String: Any]])
        #expect(rounds.map { $0["round"] as? Int } == [1, 2])
        // ε grows with each round's charge and stays within the demo's budget.
        let epsilons = rounds.compactMap { $0["epsilon"] as? Double }
        #expect(epsilons.count == 2 && epsilons[0] > 0 && epsilons[1] > epsilons[0] && epsilons[1] <= 3, "\(epsilons)")
        #expect(rounds.allSatisfy { ($0["participants"] as? Int) == 4 && (($0["upload_bytes"] as? Double) ?? 0) > 0 })
        let ledgers = try #require(report["ledgers"] as? [String])
        #expect(ledgers.count == 4 && ledgers.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        let sites = try #require(report["sites"] as? [[String: Any]])
        #expect(sites.compactMap { $0["name"] as? String } == ["cleveland", "hungarian", "switzerland", "va"])
        #expect(report["baseline_accuracy"] is Double)

        let network = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/federation/report.json"))) as? [String: Any])
        let records = try #require(network["records"] as? [[String: Any]])
        #expect(records.count == 2)
        for record in records {
            #expect((record["included"] as? [String])?.count == 4)
            #expect((record["bytesUp"] as? [String: Int])?.count == 4)
        }
        let markdown = Self.text(output + "/report.md")
        #expect(markdown.contains("## Over the wire"))
        #expect(markdown.contains("![accuracy](accuracy.svg)"))

        // A second demo into the same folder is refused: its ledgers are never spent again.
        let again = try Self.launch(["demo", "--distributed", "--output", output, "--rounds", "1"], log: folder + "/again.log")
        #expect(try await Self.exitStatus(again, timeout: 120) != 0)
        #expect(Self.text(folder + "/again.log").contains("already holds privacy ledgers"), "\(Self.text(folder + "/again.log"))")
    }

    @Test("demo --distributed: Ctrl-C ends the coordinator and every site")
    func interruptEndsEveryProcess() async throws {
        let folder = NSTemporaryDirectory() + "privagg-ddemo-int-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let output = folder + "/out"
        let demo = try Self.launch(["demo", "--distributed", "--output", output, "--rounds", "200"], log: folder + "/demo.log")
        // Wait until the four sites are started, then interrupt.
        let deadline = Date().addingTimeInterval(600)
        while !Self.text(folder + "/demo.log").contains("• sites:"), demo.isRunning, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        // The demo itself (privagg exec'd into privagg-federation demo) and its five children.
        let children = try Self.processes(mentioning: output).filter { $0 != demo.processIdentifier }
        #expect(children.count == 5, "\(children) \(Self.text(folder + "/demo.log"))")
        kill(demo.processIdentifier, SIGINT)
        let status = try await Self.exitStatus(demo, timeout: 60)
        #expect(status == 128 + SIGINT, "\(Self.text(folder + "/demo.log"))")
        #expect(Self.text(folder + "/demo.log").contains("Interrupted"))
        #expect(try Self.processes(mentioning: output).isEmpty)
    }
}
