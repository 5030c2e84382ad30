import Foundation
import StrictInput

/// What a CSV data set holds, declared by its owner in a JSON file: the label, each
/// feature's type and **public** range, missing-value markers, and (for one file holding
/// every site) the site column.
///
/// ```json
/// {
///   "header": true,
///   "missing": ["", "NA"],
///   "site_column": "hospital",
///   "ignore": ["patient_id"],
///   "label": {"column": "disease", "positive": ["yes"], "negative": ["no"]},
///   "features": [
///     {"name": "age", "type": "numeric", "range": [18, 90]},
///     {"name": "chol", "type": "numeric", "range": [100, 600], "optional": true, "missing": ["0"]},
///     {"name": "smoker", "type": "categorical", "values": ["never", "former", "current"]}
///   ]
/// }
/// ```
///
/// Ranges must come from public knowledge (units, instrument limits, clinical plausibility),
/// never from the records: a private run scales every value by them, record by record.
public struct CSVSchema: Sendable, Equatable {
    /// A feature's type.
    public enum Kind: Sendable, Equatable {
        /// A number, with its public range when known.
        case numeric(range: ClosedRange<Double>?)
        /// One of a public list of values, one-hot encoded (one feature per value).
        case categorical(values: [String])
    }

    /// One input feature.
    public struct Feature: Sendable, Equatable {
        /// Column name.
        public var name: String
        /// Type and range.
        public var kind: Kind
        /// Whether it may be missing (it then gets a 0/1 missing-value indicator feature).
        public var optional: Bool
        /// Markers of a missing value in this column only (besides the schema-wide ones).
        public var missing: [String]
    }

    /// How a label value becomes 0 or 1.
    public enum LabelRule: Sendable, Equatable {
        /// Numeric label: 1 when above the threshold, else 0.
        case positiveAbove(Double)
        /// Categorical label: the values that mean 1 and those that mean 0.
        case values(positive: [String], negative: [String])
    }

    /// What a numeric value outside its public range does.
    public enum OutOfRange: String, Sendable, Equatable {
        /// The row is refused (the default: it usually means wrong units).
        case error
        /// The value is kept and clamped to the range when features are scaled.
        case clamp
    }

    /// Whether the first record names the columns.
    public var header: Bool
    /// The column names in file order, when there is no header.
    public var columns: [String]?
    /// Field separator.
    public var delimiter: Character
    /// Markers of a missing value in every column.
    public var missing: [String]
    /// The column naming each record's site, for one file holding every site.
    public var siteColumn: String?
    /// Columns that are read but not used.
    public var ignore: [String]
    /// The label column.
    public var labelColumn: String
    /// How the label becomes 0/1.
    public var labelRule: LabelRule
    /// The features, in feature order.
    public var features: [Feature]
    /// Out-of-range policy.
    public var outOfRange: OutOfRange

    /// Numeric features without a public range (a private run refuses them).
    public var featuresWithoutRange: [String] {
        features.compactMap { if case .numeric(nil) = $0.kind { return $0.name } else { return nil } }
    }

    /// Names of the encoded features: numeric ones as named, categorical ones as
    /// `name=value`, then `name_missing` per optional feature.
    public var encodedFeatureNames: [String] {
        var names: [String] = []
        for feature in features {
            switch feature.kind {
            case .numeric: names.append(feature.name)
            case .categorical(let values): names += values.map { "\(feature.name)=\($0)" }
            }
        }
        return names + features.filter(\.optional).map { "\($0.name)_missing" }
    }

    /// Reads and checks a schema file (bounded read, strict JSON, every field by name).
    ///
    /// - Parameter path: the schema file.
    /// - Returns: the schema.
    /// - Throws: ``DataFileError/unreadable(file:reason:)`` or ``DataFileError/invalidSchema(file:field:reason:)``.
    public static func load(from path: String) throws(DataFileError) -> CSVSchema {
        let bytes: [UInt8]
        do {
            bytes = try BoundedRead.contents(ofFile: path, limit: BoundedRead.smallFileLimit)
        } catch {
            throw .unreadable(file: path, reason: error.description)
        }
        return try parse(bytes, file: path)
    }

    /// Parses a schema's JSON text.
    ///
    /// - Parameters:
    ///   - bytes: the JSON.
    ///   - file: its name for errors.
    /// - Returns: the schema.
    /// - Throws: ``DataFileError/invalidSchema(file:field:reason:)`` naming the field.
    public static func parse(_ bytes: [UInt8], file: String) throws(DataFileError) -> CSVSchema {
        do {
            return try decode(JSONValue.parse(bytes, name: file))
        } catch {
            throw .invalidSchema(file: file, field: error.field, reason: error.reason)
        }
    }

    private static func decode(_ value: JSONValue) throws(JSONFieldError) -> CSVSchema {
        let root = try JSONObjectReader(
            value, path: "$", allowedKeys: ["header", "columns", "delimiter", "missing", "site_column", "ignore", "label", "features", "out_of_range"])
        let header = try root.bool("header") ?? true
        let columns = try root.strings("columns")
        if !header, columns == nil { throw JSONFieldError(field: "columns", reason: "is required when header is false") }
        if header, columns != nil { throw JSONFieldError(field: "columns", reason: "only applies when header is false (the header names the columns)") }
        let delimiterText = try root.string("delimiter") ?? ","
        guard delimiterText.count == 1, let delimiter = delimiterText.first, delimiter != "\"", !delimiter.isNewline else {
            throw JSONFieldError(field: "delimiter", reason: "must be one character other than a quote or a line break")
        }
        let outOfRangeText = try root.string("out_of_range") ?? "error"
        guard let outOfRange = OutOfRange(rawValue: outOfRangeText) else {
            throw JSONFieldError(field: "out_of_range", reason: "must be \"error\" or \"clamp\", got \"\(outOfRangeText)\"")
        }
        guard let labelValue = root.value("label") else { throw JSONFieldError(field: "label", reason: "is required") }
        let label = try JSONObjectReader(labelValue, path: "label", allowedKeys: ["column", "positive_above", "positive", "negative"])
        let labelRule: LabelRule
        if let threshold = try label.number("positive_above") {
            if label.has("positive") || label.has("negative") {
                throw JSONFieldError(field: "label", reason: "give either positive_above or positive and negative, not both")
            }
            labelRule = .positiveAbove(threshold)
        } else {
            guard let positive = try label.strings("positive"), let negative = try label.strings("negative"), !positive.isEmpty, !negative.isEmpty else {
                throw JSONFieldError(field: "label", reason: "needs positive_above (numeric label) or non-empty positive and negative value lists")
            }
            if let both = positive.first(where: negative.contains) {
                throw JSONFieldError(field: "label.negative", reason: "\"\(both)\" is also listed as positive")
            }
            labelRule = .values(positive: positive, negative: negative)
        }
        guard let featureValues = try root.array("features"), !featureValues.isEmpty else {
            throw JSONFieldError(field: "features", reason: "is required and must list at least one feature")
        }
        var features: [Feature] = []
        for (index, element) in featureValues.enumerated() {
            let entry = try JSONObjectReader(element, path: "features[\(index)]", allowedKeys: ["name", "type", "range", "values", "optional", "missing"])
            let name = try entry.requiredString("name")
            let type = try entry.requiredString("type")
            let kind: Kind
            switch type {
            case "numeric":
                if entry.has("values") { throw JSONFieldError(field: entry.field("values"), reason: "applies to categorical features only") }
                if let bounds = try entry.numbers("range") {
                    guard bounds.count == 2, bounds[0] < bounds[1] else {
                        throw JSONFieldError(field: entry.field("range"), reason: "must be [low, high] with low < high")
                    }
                    kind = .numeric(range: bounds[0]...bounds[1])
                } else {
                    kind = .numeric(range: nil)
                }
            case "categorical":
                if entry.has("range") { throw JSONFieldError(field: entry.field("range"), reason: "applies to numeric features only") }
                guard let values = try entry.strings("values"), !values.isEmpty else {
                    throw JSONFieldError(field: entry.field("values"), reason: "a categorical feature needs its list of values")
                }
                guard Set(values).count == values.count else { throw JSONFieldError(field: entry.field("values"), reason: "lists a value twice") }
                kind = .categorical(values: values)
            default:
                throw JSONFieldError(field: entry.field("type"), reason: "must be \"numeric\" or \"categorical\", got \"\(type)\"")
            }
            features.append(Feature(name: name, kind: kind, optional: try entry.bool("optional") ?? false, missing: try entry.strings("missing") ?? []))
        }
        let schema = CSVSchema(
            header: header, columns: columns, delimiter: delimiter, missing: try root.strings("missing") ?? [""],
            siteColumn: try root.string("site_column"), ignore: try root.strings("ignore") ?? [],
            labelColumn: try label.requiredString("column"), labelRule: labelRule, features: features, outOfRange: outOfRange)
        let used = schema.features.map(\.name) + [schema.labelColumn] + (schema.siteColumn.map { [$0] } ?? []) + schema.ignore
        var seen = Set<String>()
        for name in used where !seen.insert(name).inserted {
            throw JSONFieldError(field: "features", reason: "the column \"\(name)\" is used twice (features, label, site_column, ignore)")
        }
        if let columns {
            for name in used where !columns.contains(name) {
                throw JSONFieldError(field: "columns", reason: "does not list \"\(name)\"")
            }
        }
        return schema
    }
}
