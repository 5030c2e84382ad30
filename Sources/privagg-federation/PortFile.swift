import FederationSupport
import Foundation

/// The file through which a node started on port 0 tells the process that launched it
/// where it listens: written whole and renamed into place (``DurableFile/replace(_:at:mode:)``),
/// so a poller never reads half a number.
enum PortFile {
    /// Writes `port` to `path`.
    ///
    /// - Throws: ``DurableFile/Failure`` naming the step that failed.
    static func write(_ port: Int, to path: String) throws(DurableFile.Failure) {
        try DurableFile.replace(Array("\(port)\n".utf8), at: path, mode: 0o644)
    }

    /// The port in `path`, or nil while the file is absent (it appears whole, when renamed
    /// into place).
    static func read(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Waits up to `timeout` for `path` to hold a port number, failing early when `process`
    /// (the node that writes it) exits first. Polls with `Task.sleep`, never blocking a thread.
    ///
    /// - Parameters:
    ///   - path: The port file.
    ///   - process: The node expected to write it.
    ///   - timeout: How long to wait.
    ///   - failure: The error to throw, given whether the node exited (true) or the time ran out.
    /// - Returns: The port.
    static func wait(
        for path: String, writtenBy process: Process, timeout: Duration = .seconds(120), failure: (_ exited: Bool) -> any Error
    ) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = read(path) { return port }
            guard process.isRunning else { throw failure(true) }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw failure(false)
    }
}
