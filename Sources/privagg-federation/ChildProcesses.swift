import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processes a command started, ended together: on a signal (SIGINT, SIGTERM, SIGHUP),
/// on an error, or when the command returns. A node of a demo federation must never outlive
/// the command that started it (it would hold a port, a ledger lock and a CPU).
final class ChildProcesses: @unchecked Sendable {
    private let lock = NSLock()
    private var processes: [Process] = []
    private var signalSources: [any DispatchSourceSignal] = []
    private var interrupted = false

    /// Whether a signal is ending the children: their failures are then the signal's doing,
    /// and the handler exits with 128 + the signal once they are gone.
    var isInterrupted: Bool {
        lock.lock()
        defer { lock.unlock() }
        return interrupted
    }

    /// Starts `executable arguments` with standard output and error appended to `log`.
    ///
    /// - Throws: Foundation's error when the log cannot be created or the process cannot start.
    func launch(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        // No terminal input: Ctrl-C reaches the children through this process, which ends them.
        process.standardInput = FileHandle.nullDevice
        lock.lock()
        defer { lock.unlock() }
        try process.run()
        processes.append(process)
        return process
    }

    /// Ends every child on SIGINT, SIGTERM and SIGHUP, then exits with 128 + the signal.
    func endOnSignals(announce: @escaping @Sendable (Int32) -> Void) {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                interrupted = true
                lock.unlock()
                announce(number)
                terminateAll()
                exit(128 + number)
            }
            source.resume()
            lock.lock()
            signalSources.append(source)
            lock.unlock()
        }
    }

    /// Sends SIGTERM to every child still running, waits up to `grace` seconds, then SIGKILLs
    /// the rest. Blocking: call it from a signal handler's queue or at the end of the command.
    func terminateAll(grace: TimeInterval = 3) {
        lock.lock()
        let running = processes.filter(\.isRunning)
        lock.unlock()
        for process in running { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        while running.contains(where: \.isRunning), Date() < deadline { usleep(20_000) }
        for process in running where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for process in running { process.waitUntilExit() }
    }
}
