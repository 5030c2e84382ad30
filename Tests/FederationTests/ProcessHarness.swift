import Federation
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts `privagg-federation` processes (the built executable beside the test bundle) on
/// loopback, with free ports, and waits for them.
struct ProcessHarness {
    /// A scratch folder for this test's logs, reports and dumps.
    let folder: URL

    init(_ name: String) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-fed-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("privagg-federation").path
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Starts `privagg-federation arguments`, standard error into `log`.
    func launch(_ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        try #require(FileManager.default.createFile(atPath: path(log), contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(log)))
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return process
    }

    /// Starts a coordinator on a free port and returns it with the port.
    func coordinator(_ arguments: [String]) async throws -> (Process, Int) {
        let portFile = path("port")
        let process = try launch(
            // A long join timeout: this test process can be stalled for minutes by other suites
            // running on the same two cooperative threads, and the sites start only once it
            // resumes; the coordinator must still be waiting for them then.
            ["serve", "--listen", "127.0.0.1:0", "--port-file", portFile, "--insecure", "--output", path("out"), "--join-timeout", "900"] + arguments,
            log: "coordinator.log")
        try await waitForFile(portFile, timeout: 60)
        let text = try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try #require(Int(text))
        return (process, port)
    }

    /// Starts one heart-disease site.
    func site(_ name: String, port: Int, extra: [String] = []) throws -> Process {
        try launch(["join", "--server", "127.0.0.1:\(port)", "--site", name, "--insecure"] + extra, log: "\(name).log")
    }

    /// Waits until `path` exists.
    func waitForFile(_ path: String, timeout: Double) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !FileManager.default.fileExists(atPath: path) {
            guard Date() < deadline else { throw HarnessError.timeout("waiting for \(path)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Waits for `process` to exit and returns its status (killing it after `timeout`).
    func exitStatus(_ process: Process, timeout: Double = 240) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else {
                kill(process.processIdentifier, SIGKILL)
                throw HarnessError.timeout("process \(process.arguments?.first ?? "") still running")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// A log's text (for failure messages).
    func log(_ name: String) -> String {
        do { return try String(contentsOfFile: path(name), encoding: .utf8) } catch { return "(cannot read \(name): \(error))" }
    }

    /// The coordinator's report.
    func report() throws -> FederationRun {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("out/report.json")))
        return try JSONDecoder().decode(FederationRun.self, from: data)
    }

    enum HarnessError: Error { case timeout(String) }
}
