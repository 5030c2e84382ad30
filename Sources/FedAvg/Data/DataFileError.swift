/// Why a CSV data set or its schema was refused. Row errors carry the file, the 1-based
/// line where the record starts, and the 1-based column with its name; nothing is loaded
/// from a file with a bad row (a silently skipped record would bias every result).
public enum DataFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The schema file is malformed: `field` names the offending entry.
    case invalidSchema(file: String, field: String, reason: String)
    /// A file could not be read (missing, unreadable or over the size limit).
    case unreadable(file: String, reason: String)
    /// The file holds no header (or, without a header, no record).
    case emptyFile(file: String)
    /// The header names a column twice.
    case duplicateHeader(file: String, column: Int, name: String)
    /// The header lacks a column the schema declares.
    case missingColumn(file: String, name: String)
    /// The header holds a column the schema does not declare (use `ignore` to skip it).
    case undeclaredColumn(file: String, column: Int, name: String)
    /// A record has the wrong number of fields.
    case wrongFieldCount(file: String, line: Int, expected: Int, found: Int)
    /// A quoted field is not closed, or text follows its closing quote.
    case badQuoting(file: String, line: Int, column: Int)
    /// A numeric feature's field is not a number.
    case notANumber(file: String, line: Int, column: Int, name: String, value: String)
    /// A numeric feature lies outside its declared public range (and the schema asks for errors, not clamping).
    case outOfRange(file: String, line: Int, column: Int, name: String, value: Double, range: ClosedRange<Double>)
    /// A categorical feature (or the label) has a value the schema does not list.
    case unknownCategory(file: String, line: Int, column: Int, name: String, value: String)
    /// A feature the schema does not mark optional is missing.
    case missingValue(file: String, line: Int, column: Int, name: String)
    /// The label is missing.
    case missingLabel(file: String, line: Int, column: Int)
    /// A site has no records (or, with a site column, no site was found).
    case noRecords(file: String)
    /// A private run needs a public range for every numeric feature, and these have none.
    case missingPublicRanges(features: [String])

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .invalidSchema(file, field, reason): return "\(file): schema field \(field): \(reason)"
        case let .unreadable(file, reason): return "\(file): \(reason)"
        case let .emptyFile(file): return "\(file): the file is empty"
        case let .duplicateHeader(file, column, name): return "\(file):1: column \(column) repeats the header name \"\(name)\""
        case let .missingColumn(file, name): return "\(file):1: the schema's column \"\(name)\" is not in the header"
        case let .undeclaredColumn(file, column, name):
            return "\(file):1: column \(column) \"\(name)\" is not in the schema (list it under \"ignore\" to skip it)"
        case let .wrongFieldCount(file, line, expected, found): return "\(file):\(line): expected \(expected) fields, found \(found)"
        case let .badQuoting(file, line, column): return "\(file):\(line): column \(column): unterminated or malformed quoted field"
        case let .notANumber(file, line, column, name, value): return "\(file):\(line): column \(column) (\(name)): \"\(value)\" is not a number"
        case let .outOfRange(file, line, column, name, value, range):
            return "\(file):\(line): column \(column) (\(name)): \(value) is outside the public range \(range.lowerBound)…\(range.upperBound)"
        case let .unknownCategory(file, line, column, name, value):
            return "\(file):\(line): column \(column) (\(name)): \"\(value)\" is not one of the schema's values"
        case let .missingValue(file, line, column, name):
            return "\(file):\(line): column \(column) (\(name)): missing, and the schema does not mark \(name) optional"
        case let .missingLabel(file, line, column): return "\(file):\(line): column \(column): the label is missing"
        case let .noRecords(file): return "\(file): no records"
        case let .missingPublicRanges(features):
            return "a private run needs a public range (\"range\": [low, high]) for every numeric feature, fixed without looking at the records; "
                + "scaling by the records' own minimum and maximum would make every record's features depend on the others and void the guarantee. "
                + "Missing for: \(features.joined(separator: ", "))"
        }
    }
}
