import ArgumentParser
import Dispatch
import FedAvg
import Foundation

/// `privagg train --resume`, the per-round checkpoint and Ctrl-C.
///
/// Every run with `--output` writes `OUTPUT/checkpoint.json` after each round (atomically,
/// mode 0600: the model is the run's output, as sensitive as the report). `--resume` reads
/// it and continues the same run: same settings (checked), its model and round records, and
/// the same ledgers, which hold the spends of the rounds already run (a round interrupted
/// after its spend but before its checkpoint stays paid for: the budget errs on the safe
/// side). Ctrl-C (SIGINT) stops after the round in progress, writes the partial report and
/// the checkpoint, and exits with status 130; a second Ctrl-C exits at once.
struct TrainResumeOptions: ParsableArguments {
    @Flag(name: .long, help: ArgumentHelp(
        "Continue the run stopped in --output (its checkpoint.json and ledgers) up to --rounds.",
        discussion: "The other options must be those of the stopped run."))
    var resume = false

    /// Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
    static let interruptedStatus: Int32 = 130

    static func checkpointPath(_ output: String) -> String { (output as NSString).appendingPathComponent("checkpoint.json") }

    func validate(output: String?) throws {
        if resume, output == nil { throw ValidationError("--resume needs --output (the folder of the run to continue)") }
    }

    /// Sets the checkpointing, the resume point and the Ctrl-C stop on `configuration`.
    ///
    /// - Returns: the flag Ctrl-C sets.
    func configure(_ configuration: inout TrainingConfiguration, settings: String, output: String?) throws -> InterruptFlag {
        configuration.checkpointSettings = settings
        let flag = InterruptFlag.install()
        configuration.shouldStop = { flag.isSet }
        guard let output else { return flag }
        let path = Self.checkpointPath(output)
        if resume {
            guard FileManager.default.fileExists(atPath: path) else {
                throw FileAccessError("--resume: \(path) does not exist (no run to continue in \(output))")
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            do {
                configuration.resumeFrom = try JSONDecoder().decode(TrainingCheckpoint.self, from: data)
            } catch {
                throw FileAccessError("--resume: \(path) is not a training checkpoint")
            }
        }
        // Without --resume a run starts afresh (like its report, its checkpoint replaces an
        // earlier one after the first round), while the ledgers keep every earlier spend.
        configuration.saveCheckpoint = { checkpoint in try Self.write(checkpoint, to: path) }
        return flag
    }

    /// Writes `checkpoint` to a new 0600 file beside `path`, flushes it, and renames it over
    /// `path`: a crash leaves the previous checkpoint or the new one, never a mix.
    static func write(_ checkpoint: TrainingCheckpoint, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(checkpoint)
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw FileAccessError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw FileAccessError("cannot replace \(path): \(String(cString: strerror(errno)))") }
    }
}

/// Set by the first Ctrl-C; the second one exits at once.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    private var source: (any DispatchSourceSignal)?

    var isSet: Bool { lock.withLock { set } }

    /// Replaces SIGINT's default action (kill) by setting the flag.
    static func install() -> InterruptFlag {
        let flag = InterruptFlag()
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [flag] in
            let first = flag.lock.withLock { () -> Bool in
                defer { flag.set = true }
                return !flag.set
            }
            if first {
                FileHandle.standardError.write(Data("\nInterrupted: finishing the round in progress, then writing the partial report (Ctrl-C again to quit now).\n".utf8))
            } else {
                exit(TrainResumeOptions.interruptedStatus)
            }
        }
        source.resume()
        flag.source = source
        return flag
    }
}
