import ArgumentParser
import Foundation
import PrivacyAccounting

/// Output formats shared by subcommands that print structured results.
enum OutputFormat: String, CaseIterable, Sendable {
    case text, json, markdown, csv, svg
}

/// Writes `message` to standard error with a trailing newline.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Encodes `value` as pretty, key-sorted JSON text.
func jsonString<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Refuses `path` as the target of any write that replaces a file: a privacy ledger is only
/// ever appended to through its lock (`report L --output L`, `paillier ... --output L`).
///
/// An existing file this process cannot read is refused too: it could be a ledger.
///
/// - Throws: ``FileAccessError`` when `path` names a privacy ledger, or a file that cannot be
///   read to tell.
func refuseLedgerTarget(_ path: String) throws {
    let isLedger: Bool
    do {
        isLedger = try LedgerFile.isLedger(path: path)
    } catch let PrivacyAccountingError.ledgerIO(_, _, code) {
        throw FileAccessError("cannot read existing file \(path) (\(String(cString: strerror(code)))); refusing to replace it")
    }
    guard !isLedger else {
        throw FileAccessError("will not write over \(path): it is a privacy ledger, which is only ever appended to")
    }
}

/// Writes `text` to `path` atomically, or to standard output when `path` is nil.
///
/// - Throws: ``FileAccessError`` naming the path and the reason when the file cannot be written.
func emit(_ text: String, to path: String?) throws {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    if let path {
        try refuseLedgerTarget(path)
        do {
            try Data(line.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw FileAccessError("cannot write \(path): \(readableReason(error))")
        }
    } else {
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}

/// Creates `path` (and its parents) if needed and checks that files can be written in it,
/// so a long run fails at once, not after its work is done.
///
/// - Throws: ``FileAccessError`` naming `option`, the path and the reason.
func prepareOutputFolder(_ path: String, option: String = "--output") throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
        throw FileAccessError("\(option) \(path) is a file, not a folder")
    }
    do {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
        throw FileAccessError("cannot create \(option) folder \(path): \(readableReason(error))")
    }
    guard FileManager.default.isWritableFile(atPath: path) else {
        throw FileAccessError("\(option) folder \(path) is not writable")
    }
}

/// The underlying POSIX reason of a Foundation file error ("Permission denied"), or its
/// description, instead of the raw NSError dump.
func readableReason(_ error: any Error) -> String {
    // On Linux the underlying error arrives as a Swift Error, not always bridged to NSError.
    let info = (error as NSError).userInfo[NSUnderlyingErrorKey]
    if let underlying = (info as? NSError) ?? (info as? any Error).map({ $0 as NSError }), underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if (error as NSError).domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32((error as NSError).code))) }
    return (error as NSError).localizedDescription
}

/// A file or folder the command cannot read or write; printed as "Error: message", exit 1.
struct FileAccessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
