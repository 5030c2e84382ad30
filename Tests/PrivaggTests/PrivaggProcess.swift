import Foundation
import ParallelWork

/// The result of running the built `privagg` executable.
struct PrivaggRun {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs the `privagg` binary that `swift test` built next to the test bundle, on a thread of
/// its own: waiting for a child (pipes read to the end, then `waitUntilExit`) must not hold one
/// of Swift's cooperative threads, or every other suite of the test process stalls meanwhile.
func runPrivagg(_ arguments: [String], currentDirectory: URL? = nil, standardInput: FileHandle? = nil) async throws -> PrivaggRun {
    try await Parallel.offPool {
        try runPrivaggWaiting(arguments, currentDirectory: currentDirectory, standardInput: standardInput)
    }
}

/// Waits for the process until it exits, on the calling thread (never a cooperative one: call
/// it inside `Parallel.offPool`).
func runPrivaggWaiting(_ arguments: [String], currentDirectory: URL?, standardInput: FileHandle?) throws -> PrivaggRun {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("privagg")
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = standardInput ?? FileHandle.nullDevice
    // The child's temporary files (ledgers of runs without --output) go to a folder of its
    // own, removed when it exits, so test runs leave nothing in the system's TMPDIR.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    var environment = ProcessInfo.processInfo.environment
    environment["TMPDIR"] = scratch.path
    process.environment = environment
    try process.run()
    // Read both pipes before waiting so a chatty child cannot fill a pipe and block.
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return PrivaggRun(
        status: process.terminationStatus,
        standardOutput: String(decoding: outData, as: UTF8.self),
        standardError: String(decoding: errData, as: UTF8.self))
}

/// The build products folder (`.build/debug` or `.build/release`).
private var productsDirectory: URL {
    #if os(macOS)
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
    }
    #endif
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
}

/// Waits for `process` to exit without holding a cooperative thread (polling every 20 ms).
func waitForExit(_ process: Process) async throws {
    while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
    process.waitUntilExit()  // returns at once: reaps and publishes the termination status
}
