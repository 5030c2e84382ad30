#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file or standard input, but never more than a stated number of bytes:
/// `/dev/zero`, an endless pipe or a huge file is refused with a typed error before it can
/// exhaust memory. Every reader of untrusted files in PrivAgg goes through here.
public enum BoundedRead {
    /// The limit for key, ciphertext and other small files (1 MiB; a 16384-bit private key
    /// file is about 12 KB, a ciphertext under it about 10 KB).
    public static let smallFileLimit = 1 << 20
    /// The limit for privacy ledger files (64 MiB, about 250,000 spend records).
    public static let ledgerFileLimit = 64 << 20

    /// The bytes of the file at `path`, at most `limit` of them.
    ///
    /// - Parameters:
    ///   - path: the file to read (a FIFO or character device is read until end of file).
    ///   - limit: the largest accepted size in bytes.
    /// - Throws: ``BoundedReadError/tooLarge(name:limit:)`` beyond `limit`;
    ///   ``BoundedReadError/system(name:operation:errno:)`` with the real `errno` when the
    ///   file cannot be opened or read (a folder, a missing file, no permission).
    public static func contents(ofFile path: String, limit: Int) throws(BoundedReadError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(name: path, operation: "open", errno: errno) }
        defer { close(descriptor) }
        return try contents(ofDescriptor: descriptor, name: path, limit: limit)
    }

    /// Standard input to its end, at most `limit` bytes.
    ///
    /// - Parameter limit: the largest accepted size in bytes.
    /// - Throws: ``BoundedReadError`` as for ``contents(ofFile:limit:)``, named "standard input".
    public static func standardInput(limit: Int) throws(BoundedReadError) -> [UInt8] {
        try contents(ofDescriptor: STDIN_FILENO, name: "standard input", limit: limit)
    }

    /// Reads `descriptor` to its end, at most `limit` bytes (one byte more is attempted, to
    /// tell "exactly at the limit" from "beyond it").
    ///
    /// - Parameters:
    ///   - descriptor: an open, readable descriptor; it is not closed.
    ///   - name: how errors name the source.
    ///   - limit: the largest accepted size in bytes.
    /// - Throws: ``BoundedReadError``.
    public static func contents(ofDescriptor descriptor: Int32, name: String, limit: Int) throws(BoundedReadError) -> [UInt8] {
        precondition(limit >= 0 && limit < Int.max, "limit must be a byte count")
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let wanted = min(chunk.count, limit + 1 - result.count)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, wanted) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(name: name, operation: "read", errno: errno)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
            if result.count > limit { throw .tooLarge(name: name, limit: limit) }
        }
    }
}

/// Why ``BoundedRead`` could not return a file's bytes.
public enum BoundedReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is longer than `limit` bytes; nothing was returned.
    case tooLarge(name: String, limit: Int)
    /// A system call failed with `errno`.
    case system(name: String, operation: String, errno: Int32)

    /// A one-line explanation with the system's own words for `errno`.
    public var description: String {
        switch self {
        case let .tooLarge(name, limit):
            return "\(name) is larger than the limit of \(limit) bytes"
        case let .system(name, operation, code):
            return "cannot \(operation) \(name): \(String(cString: strerror(code))) (errno \(code))"
        }
    }
}
