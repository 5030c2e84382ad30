import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file writes for the federation's state: a file is written and fsync'ed under a
/// temporary name in its own folder, then renamed (or linked) into place, and the folder is
/// fsync'ed, so a crash at any instant leaves either the old file or the whole new one.
///
/// The mode is set when the temporary file is created (`O_CREAT` with the mode, then
/// `fchmod`), never by a `chmod` after the bytes are written, so a secret is never readable by
/// another user, not even for an instant.
public enum DurableFile {
    /// Why a durable write or a directory creation failed.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The path concerned.
        public let path: String
        /// What was being done (`"create"`, `"write"`, `"fsync"`, `"rename"`, …).
        public let operation: String
        /// The `errno` the system reported.
        public let code: Int32

        /// A failure.
        ///
        /// - Parameters:
        ///   - path: The path concerned.
        ///   - operation: What was being done.
        ///   - code: The system's `errno`.
        public init(path: String, operation: String, code: Int32) {
            self.path = path
            self.operation = operation
            self.code = code
        }

        /// `cannot <operation> <path>: <strerror>`.
        public var description: String {
            "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        }
    }

    /// Writes `bytes` to `path`, replacing any existing file atomically.
    ///
    /// - Parameters:
    ///   - bytes: The new contents.
    ///   - path: The destination.
    ///   - mode: The file's permission bits (e.g. `0o600` for secrets, `0o644` otherwise).
    /// - Throws: ``Failure`` naming the failed step; the old file (if any) is then untouched.
    public static func replace(_ bytes: [UInt8], at path: String, mode: mode_t) throws(Failure) {
        let temporary = try writeTemporary(bytes, beside: path, mode: mode)
        defer { unlink(temporary) }  // after the rename this removes nothing
        guard rename(temporary, path) == 0 else { throw Failure(path: path, operation: "rename into", code: errno) }
        syncDirectory(containing: path)
    }

    /// Writes `bytes` to a new file at `path`; an existing file is an error and is left
    /// untouched (checked atomically by `link`, not by a racy existence test).
    ///
    /// - Parameters:
    ///   - bytes: The contents.
    ///   - path: The destination, which must not exist.
    ///   - mode: The file's permission bits.
    /// - Throws: ``Failure`` with operation `"create (file exists)"` and `EEXIST` when `path`
    ///   exists, or naming the failed step.
    public static func create(_ bytes: [UInt8], at path: String, mode: mode_t) throws(Failure) {
        let temporary = try writeTemporary(bytes, beside: path, mode: mode)
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            let code = errno
            throw Failure(path: path, operation: code == EEXIST ? "create (file exists)" : "link into", code: code)
        }
        syncDirectory(containing: path)
    }

    /// Creates the directory `path` with `mode` (the umask cannot widen it: the mode is
    /// pinned with `chmod` right after `mkdir`, before anything is put inside).
    ///
    /// - Parameters:
    ///   - path: The new directory; its parent must exist.
    ///   - mode: Its permission bits, e.g. `0o700`.
    /// - Throws: ``Failure`` (`EEXIST` when it exists).
    public static func makeDirectory(_ path: String, mode: mode_t) throws(Failure) {
        guard mkdir(path, mode) == 0 else { throw Failure(path: path, operation: "create directory", code: errno) }
        guard chmod(path, mode) == 0 else { throw Failure(path: path, operation: "set the mode of", code: errno) }
    }

    /// Flushes the directory entry changes of the folder that holds `path` (a rename is
    /// durable only once its directory is). Errors are ignored: some file systems refuse
    /// `fsync` on a directory, and the data itself is already on disk.
    public static func syncDirectory(containing path: String) {
        syncDirectory(parentDirectory(of: path))
    }

    /// Flushes the directory `directory` itself (see ``syncDirectory(containing:)``).
    public static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
    }

    /// The folder part of `path` (`.` for a bare name).
    static func parentDirectory(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// Writes and fsyncs `bytes` to a new temporary file beside `path`; returns its path.
    private static func writeTemporary(_ bytes: [UInt8], beside path: String, mode: mode_t) throws(Failure) -> String {
        let name = (path as NSString).lastPathComponent
        let temporary = parentDirectory(of: path) + "/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(path: temporary, operation: "create", code: errno) }
        do throws(Failure) {
            defer { close(descriptor) }
            // O_CREAT applies the umask, which can only remove bits; fchmod pins the mode anyway.
            guard fchmod(descriptor, mode) == 0 else { throw Failure(path: temporary, operation: "set the mode of", code: errno) }
            // The closure returns the failing errno (or 0): `withUnsafeBytes` only rethrows
            // untyped errors, and this function's are typed.
            let code: Int32 = bytes.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if count < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    written += count
                }
                return 0
            }
            guard code == 0 else { throw Failure(path: temporary, operation: "write", code: code) }
            guard fsync(descriptor) == 0 else { throw Failure(path: temporary, operation: "fsync", code: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        return temporary
    }
}
