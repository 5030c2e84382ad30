import Foundation

/// A JSON value, for readers that check every field by name (and refuse unknown ones)
/// instead of letting `Codable` skip a misspelt key in silence.
public enum JSONValue: Sendable, Equatable, Decodable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object (key order is not kept).
    case object([String: JSONValue])

    /// Decodes any JSON value; booleans and numbers stay apart.
    ///
    /// - Parameter decoder: the decoder.
    /// - Throws: `DecodingError` if the value is not JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([JSONValue].self) { self = .array(value); return }
        self = .object(try container.decode([String: JSONValue].self))
    }

    /// Parses `bytes` after ``StrictJSON/validate(_:maximumDepth:)`` (duplicate keys, depth).
    ///
    /// - Parameters:
    ///   - bytes: the JSON text.
    ///   - name: the input's name for error messages.
    /// - Returns: the value.
    /// - Throws: ``JSONFieldError`` naming the problem (field `$` for the document).
    public static func parse(_ bytes: [UInt8], name: String) throws(JSONFieldError) -> JSONValue {
        do {
            try StrictJSON.validate(bytes)
        } catch {
            throw JSONFieldError(field: "$", reason: "\(name): \(error.description)")
        }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw JSONFieldError(field: "$", reason: "\(name): not valid JSON")
        }
    }
}

/// A configuration or schema field that is missing, of the wrong type, out of its domain or
/// unknown. `field` is a path such as `features[2].range`.
public struct JSONFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Path of the field (`$` for the whole document).
    public let field: String
    /// What is wrong with it.
    public let reason: String

    /// An error.
    ///
    /// - Parameters:
    ///   - field: the field's path.
    ///   - reason: what is wrong.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// A one-line explanation.
    public var description: String { "\(field): \(reason)" }
}

/// Typed, path-aware access to one JSON object's fields.
public struct JSONObjectReader: Sendable {
    /// The object's path (`$` for the document).
    public let path: String
    private let fields: [String: JSONValue]

    /// Wraps `value`, which must be an object whose keys are all in `allowedKeys`.
    ///
    /// - Parameters:
    ///   - value: the JSON value.
    ///   - path: its path, for errors.
    ///   - allowedKeys: every key the object may hold.
    /// - Throws: ``JSONFieldError`` if it is not an object or holds an unknown key.
    public init(_ value: JSONValue, path: String, allowedKeys: Set<String>) throws(JSONFieldError) {
        guard case .object(let fields) = value else { throw JSONFieldError(field: path, reason: "must be an object") }
        if let unknown = fields.keys.sorted().first(where: { !allowedKeys.contains($0) }) {
            throw JSONFieldError(
                field: child(path, unknown), reason: "unknown field (allowed: \(allowedKeys.sorted().joined(separator: ", ")))")
        }
        self.path = path
        self.fields = fields
    }

    /// Whether the key is present (and not null).
    ///
    /// - Parameter key: the key.
    /// - Returns: true when present and not null.
    public func has(_ key: String) -> Bool {
        if let value = fields[key], value != .null { return true }
        return false
    }

    /// The raw value at `key`, if present and not null.
    ///
    /// - Parameter key: the key.
    /// - Returns: the value.
    public func value(_ key: String) -> JSONValue? { has(key) ? fields[key] : nil }

    /// The path of `key` inside this object.
    ///
    /// - Parameter key: the key.
    /// - Returns: `path.key`.
    public func field(_ key: String) -> String { child(path, key) }

    /// A string field.
    ///
    /// - Parameter key: the key.
    /// - Returns: the string, or nil when absent.
    /// - Throws: ``JSONFieldError`` if present but not a string.
    public func string(_ key: String) throws(JSONFieldError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else { throw JSONFieldError(field: field(key), reason: "must be a string") }
        return text
    }

    /// A required string field.
    ///
    /// - Parameter key: the key.
    /// - Returns: the string.
    /// - Throws: ``JSONFieldError`` if absent or not a string.
    public func requiredString(_ key: String) throws(JSONFieldError) -> String {
        guard let text = try string(key) else { throw JSONFieldError(field: field(key), reason: "is required") }
        return text
    }

    /// A number field.
    ///
    /// - Parameter key: the key.
    /// - Returns: the number, or nil when absent.
    /// - Throws: ``JSONFieldError`` if present but not a finite number.
    public func number(_ key: String) throws(JSONFieldError) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value, number.isFinite else { throw JSONFieldError(field: field(key), reason: "must be a number") }
        return number
    }

    /// An integer field.
    ///
    /// - Parameter key: the key.
    /// - Returns: the integer, or nil when absent.
    /// - Throws: ``JSONFieldError`` if present but not an integer.
    public func integer(_ key: String) throws(JSONFieldError) -> Int? {
        guard let number = try number(key) else { return nil }
        guard number == number.rounded(), abs(number) < 9e15 else { throw JSONFieldError(field: field(key), reason: "must be an integer, got \(number)") }
        return Int(number)
    }

    /// A boolean field.
    ///
    /// - Parameter key: the key.
    /// - Returns: the boolean, or nil when absent.
    /// - Throws: ``JSONFieldError`` if present but not a boolean.
    public func bool(_ key: String) throws(JSONFieldError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else { throw JSONFieldError(field: field(key), reason: "must be true or false") }
        return flag
    }

    /// An array field.
    ///
    /// - Parameter key: the key.
    /// - Returns: the elements, or nil when absent.
    /// - Throws: ``JSONFieldError`` if present but not an array.
    public func array(_ key: String) throws(JSONFieldError) -> [JSONValue]? {
        guard let value = value(key) else { return nil }
        guard case .array(let elements) = value else { throw JSONFieldError(field: field(key), reason: "must be an array") }
        return elements
    }

    /// An array of strings.
    ///
    /// - Parameter key: the key.
    /// - Returns: the strings, or nil when absent.
    /// - Throws: ``JSONFieldError`` if present but not an array of strings.
    public func strings(_ key: String) throws(JSONFieldError) -> [String]? {
        guard let elements = try array(key) else { return nil }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else { throw JSONFieldError(field: "\(field(key))[\(index)]", reason: "must be a string") }
            result.append(text)
        }
        return result
    }

    /// An array of finite numbers.
    ///
    /// - Parameter key: the key.
    /// - Returns: the numbers, or nil when absent.
    /// - Throws: ``JSONFieldError`` if present but not an array of numbers.
    public func numbers(_ key: String) throws(JSONFieldError) -> [Double]? {
        guard let elements = try array(key) else { return nil }
        var result: [Double] = []
        for (index, element) in elements.enumerated() {
            guard case .number(let number) = element, number.isFinite else {
                throw JSONFieldError(field: "\(field(key))[\(index)]", reason: "must be a number")
            }
            result.append(number)
        }
        return result
    }
}

private func child(_ path: String, _ key: String) -> String { path == "$" ? key : "\(path).\(key)" }
