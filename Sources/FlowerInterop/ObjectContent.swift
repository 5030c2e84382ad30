import Crypto
import Foundation

/// The identity of one of Flower's content-addressed objects: the lowercase hex SHA-256 of its
/// deflated bytes (`flwr.supercore.inflatable.get_object_id`).
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    /// The 64 lowercase hex digits.
    public let hex: String

    /// The identity of `content`.
    public init(of content: some DataProtocol) {
        hex = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
    }

    /// An identity received from a peer.
    ///
    /// - Throws: ``FlowerInteropError/malformedObject(id:reason:)`` unless `hex` is 64 hex digits.
    public init(validating hex: String) throws(FlowerInteropError) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) || (0x41...0x46).contains($0) }) else {
            throw .malformedObject(id: String(hex.prefix(80)), reason: "not a SHA-256 object id")
        }
        self.hex = hex.lowercased()
    }

    public var description: String { hex }
}

/// One deflated object: `"<Type> <child,ids> <body length>\0<body>"`, Flower's wire form of a
/// Message, RecordDict, ArrayRecord, Array, ArrayChunk, ConfigRecord or MetricRecord.
struct ObjectContent {
    /// The object's class name in Flower (the head's first value).
    enum Kind: String, CaseIterable {
        case message = "Message"
        case recordDict = "RecordDict"
        case arrayRecord = "ArrayRecord"
        case array = "Array"
        case arrayChunk = "ArrayChunk"
        case configRecord = "ConfigRecord"
        case metricRecord = "MetricRecord"
    }

    let kind: Kind
    /// Child object ids in the head's order (possibly empty).
    let children: [ObjectID]
    /// The bytes after the head's NUL divider.
    let body: Data

    /// Builds the deflated bytes of an object (`add_header_to_object_body`).
    static func deflate(kind: Kind, children: [ObjectID], body: Data) -> Data {
        var out = Data("\(kind.rawValue) \(children.map(\.hex).joined(separator: ",")) \(body.count)".utf8)
        out.append(0)
        out.append(body)
        return out
    }

    /// Splits and checks deflated bytes that were pulled under `id` (`validate_object_content`,
    /// plus the content-address check Flower's pull path relies on).
    ///
    /// - Throws: ``FlowerInteropError/objectIDMismatch(expected:actual:)`` when the bytes do
    ///   not hash to `id`; ``FlowerInteropError/malformedObject(id:reason:)`` for a head that
    ///   is not `type children length`, an unknown type, a bad child id or a body whose length
    ///   differs from the head's.
    init(id: ObjectID, content: Data) throws(FlowerInteropError) {
        let actual = ObjectID(of: content)
        guard actual == id else { throw .objectIDMismatch(expected: id.hex, actual: actual.hex) }
        guard let divider = content.firstIndex(of: 0) else { throw .malformedObject(id: id.hex, reason: "no head/body divider") }
        guard let head = String(data: content[content.startIndex..<divider], encoding: .utf8) else {
            throw .malformedObject(id: id.hex, reason: "the head is not UTF-8")
        }
        let parts = head.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedObject(id: id.hex, reason: "the head has \(parts.count) values, not 3") }
        guard let kind = Kind(rawValue: String(parts[0])) else {
            throw .malformedObject(id: id.hex, reason: "unsupported object type '\(parts[0].prefix(40))'")
        }
        var children: [ObjectID] = []
        if !parts[1].isEmpty {
            for child in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
                do { children.append(try ObjectID(validating: String(child))) } catch {
                    throw .malformedObject(id: id.hex, reason: "invalid child id in the head")
                }
            }
        }
        let body = content[content.index(after: divider)...]
        guard let length = Int(parts[2]), length == body.count else {
            throw .malformedObject(id: id.hex, reason: "the head says \(parts[2].prefix(20)) body bytes, found \(body.count)")
        }
        self.kind = kind
        self.children = children
        self.body = Data(body)
    }
}

/// Python's `json.dumps` with its default separators (`", "`, `": "`) and `ensure_ascii`, so
/// the object ids of the JSON bodies Flower deflates (RecordDict, ArrayRecord, Array) come out
/// byte for byte as Python computes them.
enum PythonJSON {
    enum Value {
        case string(String)
        case int(Int)
        case list([Value])
        case object([(String, Value)])
    }

    static func encode(_ value: Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .int(let number): return String(number)
        case .list(let items): return "[" + items.map(encode).joined(separator: ", ") + "]"
        case .object(let pairs): return "{" + pairs.map { quote($0.0) + ": " + encode($0.1) }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for unit in text.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default: out += String(format: "\\u%04x", unit)
            }
        }
        return out + "\""
    }

    /// Parses a JSON object body, refusing duplicate keys (which Python would silently
    /// collapse) and anything that is not an object.
    static func decodeObject(_ data: Data, id: ObjectID) throws(FlowerInteropError) -> [String: Any] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data, options: []) } catch {
            throw .malformedObject(id: id.hex, reason: "the body is not JSON")
        }
        guard let object = parsed as? [String: Any] else { throw .malformedObject(id: id.hex, reason: "the body is not a JSON object") }
        // JSONSerialization keeps the last of duplicate keys; count the keys in the text to refuse them.
        if let text = String(data: data, encoding: .utf8), countTopLevelKeys(text) != object.count {
            throw .malformedObject(id: id.hex, reason: "duplicate keys in the JSON body")
        }
        return object
    }

    /// Number of keys of the top-level object in `text` (strings followed by ':' at depth 1).
    private static func countTopLevelKeys(_ text: String) -> Int {
        var depth = 0, count = 0, inString = false, escaped = false, stringStartDepth = 0
        var lastWasStringAtDepth1 = false
        for scalar in text.unicodeScalars {
            if inString {
                if escaped { escaped = false } else if scalar == "\\" { escaped = true } else if scalar == "\"" {
                    inString = false
                    lastWasStringAtDepth1 = stringStartDepth == 1
                }
                continue
            }
            switch scalar {
            case "\"": inString = true; stringStartDepth = depth
            case "{", "[": depth += 1; lastWasStringAtDepth1 = false
            case "}", "]": depth -= 1; lastWasStringAtDepth1 = false
            case ":": if lastWasStringAtDepth1, depth == 1 { count += 1 }; lastWasStringAtDepth1 = false
            case " ", "\n", "\t", "\r": break
            default: lastWasStringAtDepth1 = false
            }
        }
        return count
    }
}
