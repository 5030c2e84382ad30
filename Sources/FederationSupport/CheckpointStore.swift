import StrictInput
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the coordinator keeps its checkpoint: `DIR/coordinator-checkpoint.bin`, replaced
/// atomically after every completed round (temporary file, fsync, rename, directory fsync),
/// so a `kill -9` at any instant leaves the previous round's checkpoint or the new one, never
/// a mixture, and `serve --resume` continues from the last completed round.
public struct CheckpointStore: Sendable {
    /// The checkpoint's file name inside the directory.
    public static let fileName = "coordinator-checkpoint.bin"
    /// The largest checkpoint read: 1 GiB (a model of 100 million doubles and its payload).
    public static let sizeLimit = 1 << 30

    /// The directory.
    public let directory: String

    /// A store in `directory` (which must exist).
    ///
    /// - Parameter directory: The coordinator's state directory, e.g. its `--output`.
    public init(directory: String) {
        self.directory = directory
    }

    /// The checkpoint's path.
    public var path: String { directory + "/" + Self.fileName }

    /// Saves `checkpoint`, replacing the previous one atomically (mode 0600: the coordinator's
    /// state is its operator's).
    ///
    /// - Parameter checkpoint: The state after a completed round.
    /// - Throws: ``CheckpointError/fileSystem(path:operation:errno:)``; the previous checkpoint
    ///   is then untouched.
    public func save(_ checkpoint: CoordinatorCheckpoint) throws(CheckpointError) {
        do {
            try DurableFile.replace(checkpoint.encoded(), at: path, mode: 0o600)
        } catch {
            throw .fileSystem(path: error.path, operation: error.operation, errno: error.code)
        }
    }

    /// Loads the checkpoint for a resumed run.
    ///
    /// - Parameter fingerprint: The resuming run's configuration fingerprint; a checkpoint
    ///   with another one is refused.
    /// - Returns: The checkpoint, or nil when there is none (the run starts at round 1).
    /// - Throws: ``CheckpointError``: any damage (`truncated`, `checksumMismatch`,
    ///   `unsupportedVersion`, …), `fingerprintMismatch`, `tooLarge`, or a file-system error
    ///   other than "no such file". Never nil for a file that exists but cannot be used.
    public func load(expectingFingerprint fingerprint: String) throws(CheckpointError) -> CoordinatorCheckpoint? {
        let bytes: [UInt8]
        do {
            bytes = try BoundedRead.contents(ofFile: path, limit: Self.sizeLimit)
        } catch {
            switch error {
            case .system(_, _, let code) where code == ENOENT:
                return nil
            case .system(_, let operation, let code):
                throw .fileSystem(path: path, operation: operation, errno: code)
            case .tooLarge(_, let limit):
                throw .tooLarge(path: path, limit: limit)
            }
        }
        let checkpoint = try CoordinatorCheckpoint(decoding: bytes, path: path)
        guard checkpoint.configurationFingerprint == fingerprint else {
            throw .fingerprintMismatch(path: path, expected: fingerprint, found: checkpoint.configurationFingerprint)
        }
        return checkpoint
    }
}
