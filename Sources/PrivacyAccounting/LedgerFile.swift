import Foundation
import StrictInput
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The on-disk form of a ``PrivacyLedger``: one record per line,
/// `<byte length of JSON> <CRC-32 of JSON, 8 hex digits> <JSON>\n`. The first record is the
/// header (budget, neighbouring relation); every later one is a spend. Records are written
/// with a single `write` and made durable with `fsync` before the spend is acknowledged.
///
/// Recovery: bytes after the last newline are a torn (interrupted) last record and are
/// ignored, then cut off before the next append. A complete line that fails its length,
/// checksum or JSON check is corruption and throws: history is never silently dropped.
public enum LedgerFile {
    /// The header record.
    ///
    /// Versions: 1 (budget and relation; the RDP accountant governs) and 2 (the same plus
    /// `"accountant"`, naming the accountant that governs the budget). RDP ledgers are still
    /// written as version 1, byte for byte what earlier PrivAgg wrote, so every reader old or
    /// new enforces them alike; a PLD ledger is version 2, which readers without PLD refuse
    /// ("not a version-1 ledger header") instead of enforcing its budget another way.
    public struct Header: Hashable, Sendable {
        /// Always "header".
        public var kind = "header"
        /// Format version: 1 for RDP ledgers, 2 for any other accountant.
        public var version = 1
        /// ε of the budget.
        public var epsilon: Double
        /// δ of the budget.
        public var delta: Double
        /// The neighbouring relation every spend is accounted under.
        public var neighboringRelation: RDPAccountant.NeighboringRelation
        /// The accountant that governs the budget (RDP for version-1 headers).
        public var accountant: AccountantKind = .rdp

        /// A header of the version `accountant` needs (1 for RDP, else 2).
        ///
        /// - Parameters:
        ///   - epsilon: ε of the budget.
        ///   - delta: δ of the budget.
        ///   - neighboringRelation: The relation every spend is accounted under.
        ///   - accountant: The accountant that governs the budget (default RDP).
        public init(epsilon: Double, delta: Double, neighboringRelation: RDPAccountant.NeighboringRelation, accountant: AccountantKind = .rdp) {
            self.epsilon = epsilon
            self.delta = delta
            self.neighboringRelation = neighboringRelation
            self.accountant = accountant
            version = accountant == .rdp ? 1 : 2
        }

        enum CodingKeys: String, CodingKey {
            case kind, version, epsilon, delta, accountant
            case neighboringRelation = "neighboring_relation"
        }

        /// Why a header's version or accountant cannot be used (read turns it into
        /// ``PrivacyAccountingError/corruptLedger(path:offset:reason:)``).
        struct Problem: Error, CustomStringConvertible {
            let description: String
        }
    }

    /// A committed spend.
    public struct Entry: Codable, Hashable, Sendable {
        /// Always "spend".
        public var kind = "spend"
        /// 1, 2, 3, … in file order.
        public var sequence: Int
        /// What was run.
        public var event: PrivacyEvent
        /// A free-form label (e.g. "round 12").
        public var label: String?
        /// Seconds since 1970 when the spend was committed.
        public var time: Double
        /// ε of everything up to and including this spend, at the budget's δ.
        public var epsilonAfter: Double

        enum CodingKeys: String, CodingKey {
            case kind, sequence, event, label, time
            case epsilonAfter = "epsilon_after"
        }
    }

    /// Everything recovered from a ledger file.
    public struct Contents: Hashable, Sendable {
        /// The header.
        public var header: Header
        /// Every committed spend, in order.
        public var entries: [Entry]
        /// Byte length of the valid prefix (header and committed records).
        public var validLength: Int
        /// True if a torn last record was found after the valid prefix.
        public var hadTornRecord: Bool
        /// Bytes of the torn last record that were dropped (0 without one).
        public var tornByteCount: Int = 0
    }

    /// The line for `value`: length, checksum and compact sorted-key JSON.
    static func encodeRecord<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = [UInt8](try encoder.encode(value))
        let crc = String(CRC32.checksum(json), radix: 16)
        let prefix = "\(json.count) \(String(repeating: "0", count: 8 - crc.count) + crc) "
        return Array(prefix.utf8) + json + [0x0A]
    }

    /// Reads and validates the ledger at `path`.
    ///
    /// - Throws: ``PrivacyAccountingError/corruptLedger(path:offset:reason:)`` for a damaged
    ///   header or a damaged complete record; ``PrivacyAccountingError/ledgerIO(path:operation:errno:)``
    ///   if the file cannot be read.
    public static func read(path: String) throws -> Contents {
        let bytes: [UInt8]
        do {
            // Bounded: /dev/zero or a runaway file is an error, not an exhausted machine.
            bytes = try BoundedRead.contents(ofFile: path, limit: BoundedRead.ledgerFileLimit)
        } catch let .tooLarge(_, limit) {
            throw PrivacyAccountingError.corruptLedger(path: path, offset: limit, reason: "larger than the ledger limit of \(limit) bytes")
        } catch let .system(_, operation, code) {
            throw PrivacyAccountingError.ledgerIO(path: path, operation: operation, errno: code)
        }
        var offset = 0
        var header: Header?
        var entries = [Entry]()
        let decoder = JSONDecoder()
        while offset < bytes.count {
            guard let newline = bytes[offset...].firstIndex(of: 0x0A) else {
                // Torn last record: never acknowledged, so it is not part of the history.
                guard header != nil else {
                    throw PrivacyAccountingError.corruptLedger(path: path, offset: offset, reason: "incomplete header")
                }
                return Contents(
                    header: header!, entries: entries, validLength: offset, hadTornRecord: true, tornByteCount: bytes.count - offset)
            }
            let json = try parseLine(bytes[offset..<newline], path: path, offset: offset)
            do {
                // Duplicate keys would decode to the first value here and the last elsewhere.
                try StrictJSON.validate(json)
                if header == nil {
                    let parsed: Header
                    do {
                        parsed = try decoder.decode(Header.self, from: Data(json))
                    } catch let problem as Header.Problem {
                        throw PrivacyAccountingError.corruptLedger(path: path, offset: offset, reason: problem.description)
                    }
                    guard parsed.kind == "header" else {
                        throw PrivacyAccountingError.corruptLedger(path: path, offset: offset, reason: "not a ledger header")
                    }
                    // Version 1 is RDP; version 2 names its accountant (the decoder checked both).
                    guard parsed.version == 1 ? parsed.accountant == .rdp : parsed.version == 2 else {
                        throw PrivacyAccountingError.corruptLedger(path: path, offset: offset, reason: "not a version-1 or version-2 ledger header")
                    }
                    // A CRC proves the bytes are as written, not that the budget is sane.
                    guard parsed.epsilon.isFinite, parsed.epsilon >= 0, parsed.delta.isFinite, parsed.delta > 0, parsed.delta < 1 else {
                        throw PrivacyAccountingError.corruptLedger(
                            path: path, offset: offset,
                            reason: "header budget ε = \(parsed.epsilon), δ = \(parsed.delta) is not ε ≥ 0 finite and δ in (0, 1)")
                    }
                    header = parsed
                } else {
                    let entry = try decoder.decode(Entry.self, from: Data(json))
                    guard entry.kind == "spend", entry.sequence == entries.count + 1 else {
                        throw PrivacyAccountingError.corruptLedger(
                            path: path, offset: offset, reason: "expected spend record \(entries.count + 1)")
                    }
                    entries.append(entry)
                }
            } catch let error as PrivacyAccountingError {
                throw error
            } catch {
                throw PrivacyAccountingError.corruptLedger(path: path, offset: offset, reason: "invalid record JSON (\(error))")
            }
            offset = newline + 1
        }
        guard let header else {
            throw PrivacyAccountingError.corruptLedger(path: path, offset: 0, reason: "empty file, no header")
        }
        return Contents(header: header, entries: entries, validLength: offset, hadTornRecord: false)
    }

    /// Checks the length and checksum of one complete line and returns its JSON bytes.
    private static func parseLine(_ line: ArraySlice<UInt8>, path: String, offset: Int) throws -> ArraySlice<UInt8> {
        func corrupt(_ reason: String) -> PrivacyAccountingError {
            .corruptLedger(path: path, offset: offset, reason: reason)
        }
        guard let firstSpace = line.firstIndex(of: 0x20),
              let length = Int(String(decoding: line[line.startIndex..<firstSpace], as: UTF8.self)),
              firstSpace + 10 <= line.endIndex, line[firstSpace + 9] == 0x20,
              let crc = UInt32(String(decoding: line[(firstSpace + 1)..<(firstSpace + 9)], as: UTF8.self), radix: 16)
        else { throw corrupt("malformed record prefix") }
        let json = line[(firstSpace + 10)...]
        guard json.count == length else { throw corrupt("record length \(json.count), expected \(length)") }
        guard CRC32.checksum(json) == crc else { throw corrupt("checksum mismatch") }
        return json
    }

    /// Creates a new ledger file holding only `header`, atomically (temporary file, fsync,
    /// `link` into place, fsync of the directory). `link` fails if the path exists, so of two
    /// processes creating the same ledger exactly one succeeds; the other gets `EEXIST`
    /// and nothing is overwritten.
    static func create(path: String, header: Header) throws {
        removeStaleTemporaryFiles(of: path)
        let temporary = path + temporaryMarker + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(temporary) }
        try writeDurably(path: temporary, bytes: try encodeRecord(header), flags: O_WRONLY | O_CREAT | O_EXCL)
        guard link(temporary, path) == 0 else {
            let code = errno
            throw PrivacyAccountingError.ledgerIO(
                path: path, operation: code == EEXIST ? "create (file exists)" : "link (ledgers need a file system with hard links)",
                errno: code)
        }
        syncDirectory(of: path)
    }

    /// What follows a ledger's name in the name of its creation's temporary file:
    /// `<ledger>.tmp-<creator pid>-<random>`.
    static let temporaryMarker = ".tmp-"

    /// How long a creation's temporary file may live before it is a leftover whoever made it:
    /// a creator holds it only to write, fsync and link one header line (milliseconds), so
    /// one ten minutes old belongs to a creator that was killed, even if its pid has since
    /// been given to another process.
    static let staleTemporaryAge: TimeInterval = 600

    /// Deletes the temporary files that killed creations of the ledger at `path` left behind
    /// (`<ledger>.tmp-<pid>-<random>`; a kill between writing the temporary file and
    /// unlinking it leaves one forever). Only stale ones go: a file whose creator process is
    /// gone (`kill(pid, 0)` fails with `ESRCH`), or one older than `staleTemporaryAge`.
    /// The file of a creator still running is kept: deleting it would make that creator's
    /// `link` fail. (A creator on another host sharing the folder has a pid this host does not
    /// know; removing its file makes its creation fail with an error, never replaces or
    /// loses a ledger: the rule fails closed.) Never touches the ledger itself or any other
    /// file; errors are ignored, since a leftover temporary file is untidy, not unsafe.
    ///
    /// - Returns: the paths removed.
    @discardableResult
    public static func removeStaleTemporaryFiles(of path: String, now: Date = Date()) -> [String] {
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + temporaryMarker
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix(prefix) {
            let parts = name.dropFirst(prefix.count).split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let pid = pid_t(parts[0]), pid > 0, UInt32(parts[1]) != nil else { continue }
            let candidate = directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
            var info = stat()
            guard lstat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let creatorGone = kill(pid, 0) != 0 && errno == ESRCH
            #if canImport(Darwin)
            let modified = Double(info.st_mtimespec.tv_sec)
            #else
            let modified = Double(info.st_mtim.tv_sec)
            #endif
            let age = now.timeIntervalSince1970 - modified
            guard creatorGone || age > staleTemporaryAge else { continue }
            if unlink(candidate) == 0 { removed.append(candidate) }
        }
        return removed
    }

    /// Whether another open ledger (in any process) holds the lock of the ledger at `path`.
    /// A probe for messages ("in use by a running process"); the lock itself, not this
    /// answer, is what keeps two writers apart. Only asked when a command is about to refuse
    /// anyway: for the instant the probe holds its shared lock, another process opening the
    /// ledger would be refused as if it were in use (failing closed, nothing lost).
    public static func isInUse(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // A shared probe conflicts with a holder's exclusive lock and is released at once.
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        flock(fd, LOCK_UN)
        return false
    }

    /// The ledger files (`*.ledger`) directly in `directory`, sorted; none if it does not exist.
    ///
    /// - Throws: ``PrivacyAccountingError/ledgerIO(path:operation:errno:)`` when the folder
    ///   exists but cannot be listed: "no ledgers" must never stand for "could not look".
    public static func ledgers(in directory: String) throws -> [String] {
        guard let stream = opendir(directory) else {
            let code = errno
            if code == ENOENT { return [] }
            throw PrivacyAccountingError.ledgerIO(path: directory, operation: "list the folder", errno: code)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            names.append(name)
        }
        return names.filter { $0.hasSuffix(".ledger") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Whether the file at `path` begins with a ledger header (its first line checksums and
    /// decodes as one), read from its first 64 KiB only. Commands that write files ask this
    /// before replacing one, so no report or key can be written over a ledger.
    ///
    /// Fails closed: a path that does not exist, or names something other than a regular file
    /// (a folder, a device, a pipe), is not a ledger; but an existing path this process cannot
    /// open or read throws, because "not a ledger" must never stand for "could not look" (a
    /// writer would replace a ledger it was not allowed to read).
    ///
    /// - Throws: ``PrivacyAccountingError/ledgerIO(path:operation:errno:)`` when `path` exists
    ///   (or may exist) but cannot be opened, inspected or read.
    public static func isLedger(path: String) throws -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            // Only "no such file" means there is nothing to lose; EACCES, ELOOP, EIO… do not.
            if code == ENOENT { return false }
            throw PrivacyAccountingError.ledgerIO(path: path, operation: "open to check it is not a ledger", errno: code)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw PrivacyAccountingError.ledgerIO(path: path, operation: "inspect to check it is not a ledger", errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return false }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else {
            throw PrivacyAccountingError.ledgerIO(path: path, operation: "read to check it is not a ledger", errno: errno)
        }
        guard count > 0, let newline = buffer[0..<count].firstIndex(of: 0x0A),
              let json = try? parseLine(buffer[0..<newline], path: path, offset: 0),
              // Only the kind: a header whose version or accountant this build does not know is
              // still a ledger, and must not be written over.
              let header = try? JSONDecoder().decode(RecordKind.self, from: Data(json))
        else { return false }
        return header.kind == "header"
    }

    /// The `"kind"` of a record, all ``isLedger(path:)`` needs to know.
    private struct RecordKind: Decodable {
        let kind: String
    }

    /// An exclusive advisory lock (`flock`) on a ledger file, held while a ``PrivacyLedger`` is
    /// open so that two ledgers — in this process or another — cannot both spend from one
    /// budget. Spends are written through the locked descriptor itself, so they always land
    /// in the file that is locked.
    final class Lock: Sendable {
        let descriptor: Int32

        init(path: String) throws {
            let fd = open(path, O_RDWR | O_CLOEXEC)
            guard fd >= 0 else { throw PrivacyAccountingError.ledgerIO(path: path, operation: "open", errno: errno) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                close(fd)
                if code == EWOULDBLOCK { throw PrivacyAccountingError.ledgerInUse(path: path) }
                throw PrivacyAccountingError.ledgerIO(path: path, operation: "lock", errno: code)
            }
            // The path must still name the locked file (not one put in its place meanwhile).
            var held = stat(), named = stat()
            guard fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev else {
                close(fd)
                throw PrivacyAccountingError.ledgerIO(path: path, operation: "lock (the file was replaced while opening)", errno: ESTALE)
            }
            descriptor = fd
        }

        deinit { close(descriptor) }  // Closing releases the lock.

        /// Appends `bytes` durably at `validLength`, first cutting off anything after it (a
        /// torn record).
        func append(_ bytes: [UInt8], at validLength: Int, path: String) throws {
            guard ftruncate(descriptor, off_t(validLength)) == 0 else {
                throw PrivacyAccountingError.ledgerIO(path: path, operation: "ftruncate", errno: errno)
            }
            try LedgerFile.writeFully(descriptor, bytes, at: validLength, path: path)
        }
    }

    private static func writeDurably(path: String, bytes: [UInt8], flags: Int32) throws {
        let fd = open(path, flags | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PrivacyAccountingError.ledgerIO(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        try writeFully(fd, bytes, at: 0, path: path)
    }

    /// Writes all of `bytes` at `offset` (retrying short and interrupted writes), then fsyncs.
    static func writeFully(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws {
        var written = 0
        try bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = pwrite(fd, buffer.baseAddress! + written, buffer.count - written, off_t(offset + written))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PrivacyAccountingError.ledgerIO(path: path, operation: "write", errno: errno)
                }
                written += n
            }
        }
        guard fsync(fd) == 0 else { throw PrivacyAccountingError.ledgerIO(path: path, operation: "fsync", errno: errno) }
    }

    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}

extension LedgerFile.Header: Codable {
    /// Reads a header of version 1 (no `"accountant"`: RDP) or 2 (`"accountant"` required and
    /// known). Anything else fails closed: a budget must never be enforced by an accountant
    /// other than the one it was set for.
    ///
    /// - Throws: `LedgerFile.Header.Problem` for an unknown version or a missing, unexpected
    ///   or unknown accountant; `DecodingError` for malformed fields.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        version = try container.decode(Int.self, forKey: .version)
        epsilon = try container.decode(Double.self, forKey: .epsilon)
        delta = try container.decode(Double.self, forKey: .delta)
        neighboringRelation = try container.decode(RDPAccountant.NeighboringRelation.self, forKey: .neighboringRelation)
        let name = try container.decodeIfPresent(String.self, forKey: .accountant)
        switch version {
        case 1:
            guard name == nil else { throw Problem(description: "a version-1 ledger header has no accountant field, found \"\(name!)\"") }
            accountant = .rdp
        case 2:
            guard let name else { throw Problem(description: "a version-2 ledger header must name its accountant") }
            guard let known = AccountantKind(rawValue: name) else {
                throw Problem(description: "unknown accountant \"\(name)\" in the ledger header (known: "
                    + AccountantKind.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            accountant = known
        default:
            throw Problem(description: "ledger header version \(version) is not supported (1 or 2)")
        }
    }

    /// Writes the header; the accountant only in version 2 (version 1 is RDP by definition).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(version, forKey: .version)
        try container.encode(epsilon, forKey: .epsilon)
        try container.encode(delta, forKey: .delta)
        try container.encode(neighboringRelation, forKey: .neighboringRelation)
        if version != 1 { try container.encode(accountant.rawValue, forKey: .accountant) }
    }
}
