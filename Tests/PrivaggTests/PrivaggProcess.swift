import Foundation

/// The result of running the built `privagg` executable.
struct PrivaggRun {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs the `privagg` binary that `swift test` built next to the test bundle.
func runPrivagg(_ arguments: [String], currentDirectory: URL? = nil) throws -> PrivaggRun {
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("privagg")
    process.arguments = arguments
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
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
