import Foundation

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

/// Writes `text` to `path` atomically, or to standard output when `path` is nil.
func emit(_ text: String, to path: String?) throws {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    if let path {
        try Data(line.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } else {
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}
