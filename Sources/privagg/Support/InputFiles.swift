import Foundation
import StrictInput

/// The one way the command-line tool reads a file or standard input (`-`): never more than
/// a documented number of bytes (``BoundedRead/smallFileLimit``, 1 MiB, unless a command
/// says otherwise), so `cat /dev/zero | privagg paillier encrypt - 1` is an error, not a
/// crash or an exhausted machine.
enum InputFiles {
    /// The bytes of `path` (`-` for standard input), at most `limit` of them.
    ///
    /// - Throws: ``FileAccessError`` naming the file and the reason (too large, or the
    ///   system's words for the real `errno`).
    static func read(_ path: String, limit: Int = BoundedRead.smallFileLimit) throws -> Data {
        do {
            let bytes = path == "-" ? try BoundedRead.standardInput(limit: limit) : try BoundedRead.contents(ofFile: path, limit: limit)
            return Data(bytes)
        } catch {
            throw FileAccessError(error.description)
        }
    }
}

/// Writes files that hold secrets (private keys, decrypted values): created with mode 0600
/// from the first byte (never chmod'ed after the write), written and fsync'ed under a
/// temporary name in the same folder, then put in place atomically, so a crash leaves
/// either the old file or the whole new one, and no other user can ever read the secret.
enum SecretFile {
    /// Writes `data` to `path`.
    ///
    /// - Parameters:
    ///   - data: the secret bytes.
    ///   - path: the destination.
    ///   - replacing: replace an existing file; without it an existing `path` is an error and
    ///     is left untouched (checked atomically by `link`, not by a racy exists test).
    /// - Throws: ``FileAccessError`` naming the path and the reason.
    static func write(_ data: Data, to path: String, replacing: Bool) throws {
        try refuseLedgerTarget(path)
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure("create a temporary file beside \(path)") }
        defer { unlink(temporary) }  // after a successful link or rename this removes nothing of value
        do {
            defer { close(descriptor) }
            // O_CREAT applies the umask to 0600, which can only remove bits; fchmod pins it anyway.
            guard fchmod(descriptor, 0o600) == 0 else { throw failure("set mode 0600 on \(temporary)") }
            do { try FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(contentsOf: data) } catch {
                throw FileAccessError("cannot write \(path): \(readableReason(error))")
            }
            guard fsync(descriptor) == 0 else { throw failure("sync \(path)") }
        }
        if replacing {
            guard rename(temporary, path) == 0 else { throw failure("replace \(path)") }
        } else {
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw FileAccessError("\(path) exists; add --force to replace it") }
                throw failure("create \(path)")
            }
        }
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func failure(_ operation: String) -> FileAccessError {
        let code = errno
        return FileAccessError("cannot \(operation): \(String(cString: strerror(code)))")
    }
}
