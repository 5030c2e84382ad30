import FederationTLS
import Foundation
import ParallelWork
import Testing

/// The result of a process run.
struct ProcessRun {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs `executable` (built next to the test bundle) with `arguments`, waiting for it on a
/// thread of its own so no cooperative thread is held meanwhile.
func runBuilt(_ executable: String, _ arguments: [String]) async throws -> ProcessRun {
    try await Parallel.offPool { try runBuiltWaiting(executable, arguments) }
}

private func runBuiltWaiting(_ executable: String, _ arguments: [String]) throws -> ProcessRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(executable)
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        process.executableURL = bundle.bundleURL.deletingLastPathComponent().appendingPathComponent(executable)
    }
    #endif
    process.arguments = arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessRun(
        status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
        standardError: String(decoding: errData, as: UTF8.self))
}

@Suite struct FederationInitCommandTests {
    @Test func privaggFederationInitCreatesAUsableFederationThroughTheCompanion() async throws {
        let parent = NSTemporaryDirectory() + "privagg-init-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let out = parent + "/fed"

        // Through `privagg`, which execs the companion beside it.
        let run = try await runBuilt(
            "privagg", ["federation", "init", "--sites", "cleveland,hungarian, switzerland,va", "--out", out, "--coordinator-host", "localhost,127.0.0.1,::1", "--days", "30"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("federation created in \(out): 4 site(s)"))
        let layout = FederationLayout(root: out)
        let coordinator = try NodeCredentials(directory: layout.coordinatorDirectory, role: .coordinator)
        #expect(coordinator.certificate.notValidAfter.timeIntervalSince(coordinator.certificate.notValidBefore) == 30 * 86_400)
        for site in ["cleveland", "hungarian", "switzerland", "va"] {
            let credentials = try NodeCredentials(directory: layout.siteDirectory(try NodeName(site)), role: .site)
            #expect(credentials.identity.name.value == site)
            #expect(credentials.authority == coordinator.authority)
        }

        // A second init into the same directory is refused and changes nothing.
        let before = try Data(contentsOf: URL(fileURLWithPath: layout.authorityCertificate))
        let again = try await runBuilt("privagg-federation", ["federation", "init", "--sites", "a", "--out", out])
        #expect(again.status != 0)
        #expect(again.standardError.contains("exists and is not empty; a federation directory is never overwritten"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: layout.authorityCertificate)) == before)

        // A fifth hospital joins later.
        let added = try await runBuilt("privagg", ["federation", "add-site", "--dir", out, "--site", "basel", "--days", "20"])
        #expect(added.status == 0, "\(added.standardError)")
        let basel = try NodeCredentials(directory: layout.siteDirectory(try NodeName("basel")), role: .site)
        #expect(basel.authority == coordinator.authority)
        let duplicate = try await runBuilt("privagg-federation", ["federation", "add-site", "--dir", out, "--site", "va"])
        #expect(duplicate.status != 0)
        #expect(duplicate.standardError.contains("the name 'va' is given twice"))
    }

    @Test func refusesBadNamesHostsAndDays() async throws {
        let parent = NSTemporaryDirectory() + "privagg-init-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: parent) }
        for (arguments, message) in [
            (["--sites", "a,A"], "invalid node name 'A'"),
            (["--sites", "a,b,a"], "the name 'a' is given twice"),
            (["--sites", "a,"], "invalid node name '': empty"),
            (["--sites", "a", "--coordinator-host", "bad host"], "invalid coordinator host"),
            (["--sites", "a", "--days", "0"], "invalid days: 0 is not in 1...3650"),
            (["--sites", "a", "--curve", "p521"], "--curve must be p256 or p384"),
        ] {
            let run = try await runBuilt("privagg-federation", ["federation", "init", "--out", parent + "/fed"] + arguments)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.standardError.contains(message), "\(arguments): \(run.standardError)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
    }
}
