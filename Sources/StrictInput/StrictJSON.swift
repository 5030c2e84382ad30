/// A strict JSON pre-check run before any `JSONDecoder` sees untrusted bytes.
///
/// Foundation's decoder keeps the *first* of two equal keys in an object and Python's
/// `json` keeps the *last*, so `{"v": "1", "v": "<real>"}` means one thing to PrivAgg and
/// another to python-paillier. This tokenizer reads RFC 8259 JSON completely, compares
/// every object's keys after decoding their escapes (`"a"` and `"\u0061"` are the same
/// key; keys are compared as Swift strings, so canonically equivalent spellings of a
/// non-ASCII key count as duplicates too, as they would in the decoder's dictionary), and
/// refuses duplicates, nesting deeper than a bound, invalid UTF-8, lone surrogates and
/// anything after the top-level value. It builds no values: it only says yes or why not.
public enum StrictJSON {
    /// The default bound on nested objects and arrays; PrivAgg's formats nest at most 4 deep.
    public static let defaultMaximumDepth = 64

    /// Checks that `bytes` is one well-formed JSON value with no duplicate keys.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text (no byte-order mark).
    ///   - maximumDepth: the deepest nesting of objects and arrays accepted.
    /// - Throws: ``StrictJSONError`` naming the byte offset of the first problem.
    public static func validate(_ bytes: some Collection<UInt8>, maximumDepth: Int = defaultMaximumDepth) throws(StrictJSONError) {
        let array = Array(bytes)
        var parser = Parser(bytes: array, maximumDepth: maximumDepth)
        try parser.parseDocument()
    }
}

/// Why ``StrictJSON/validate(_:maximumDepth:)`` refused its input.
public enum StrictJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An object holds `key` twice (after escapes are decoded); `offset` is the second one's.
    case duplicateKey(key: String, offset: Int)
    /// Objects and arrays nest deeper than `limit`.
    case nestingTooDeep(limit: Int, offset: Int)
    /// The text is not JSON.
    case syntax(reason: String, offset: Int)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .duplicateKey(key, offset): return "duplicate key \"\(key)\" at byte \(offset)"
        case let .nestingTooDeep(limit, offset): return "nesting deeper than \(limit) at byte \(offset)"
        case let .syntax(reason, offset): return "invalid JSON at byte \(offset): \(reason)"
        }
    }
}

private struct Parser {
    let bytes: [UInt8]
    let maximumDepth: Int
    var position = 0
    var depth = 0

    init(bytes: [UInt8], maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    mutating func parseDocument() throws(StrictJSONError) {
        skipWhitespace()
        try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw syntax("data after the top-level value") }
    }

    func syntax(_ reason: String) -> StrictJSONError { .syntax(reason: reason, offset: position) }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(StrictJSONError) {
        guard current == byte else { throw syntax("expected \(what)") }
        position += 1
    }

    mutating func parseValue() throws(StrictJSONError) {
        guard let byte = current else { throw syntax("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): try parseObject()
        case UInt8(ascii: "["): try parseArray()
        case UInt8(ascii: "\""): _ = try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true")
        case UInt8(ascii: "f"): try parseLiteral("false")
        case UInt8(ascii: "n"): try parseLiteral("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw syntax("unexpected character")
        }
    }

    mutating func enter() throws(StrictJSONError) {
        depth += 1
        guard depth <= maximumDepth else { throw .nestingTooDeep(limit: maximumDepth, offset: position) }
    }

    mutating func parseObject() throws(StrictJSONError) {
        var keys = Set<String>()
        try parseMembers(closing: UInt8(ascii: "}")) { (parser) throws(StrictJSONError) in
            let keyOffset = parser.position
            guard parser.current == UInt8(ascii: "\"") else { throw parser.syntax("expected a string key") }
            let key = try parser.parseString()
            guard keys.insert(key).inserted else { throw .duplicateKey(key: key, offset: keyOffset) }
            parser.skipWhitespace()
            try parser.expect(UInt8(ascii: ":"), "':'")
            parser.skipWhitespace()
            try parser.parseValue()
        }
    }

    mutating func parseArray() throws(StrictJSONError) {
        try parseMembers(closing: UInt8(ascii: "]")) { (parser) throws(StrictJSONError) in try parser.parseValue() }
    }

    /// The comma-separated members of an object or array, from its opening bracket (at
    /// `position`) through `closing`: one loop for both, so both refuse the same malformed
    /// separators and count depth the same way.
    mutating func parseMembers(
        closing: UInt8, _ member: (inout Self) throws(StrictJSONError) -> Void
    ) throws(StrictJSONError) {
        try enter()
        position += 1  // { or [
        skipWhitespace()
        if current == closing {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try member(&self)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                continue
            }
            try expect(closing, "',' or '\(Character(Unicode.Scalar(closing)))'")
            depth -= 1
            return
        }
    }

    mutating func parseLiteral(_ word: String) throws(StrictJSONError) {
        let expected = Array(word.utf8)
        guard bytes.count - position >= expected.count, bytes[position..<(position + expected.count)].elementsEqual(expected) else {
            throw syntax("invalid literal")
        }
        position += expected.count
    }

    mutating func digits() -> Int {
        let start = position
        while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { position += 1 }
        return position - start
    }

    mutating func parseNumber() throws(StrictJSONError) {
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            guard digits() > 0 else { throw syntax("expected a digit") }
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw syntax("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw syntax("expected a digit in the exponent") }
        }
    }

    /// Reads a string starting at its opening quote and returns it with escapes decoded.
    mutating func parseString() throws(StrictJSONError) -> String {
        position += 1  // "
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = current else { throw syntax("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                position += 1
                scalars.append(try parseEscape())
            case 0x00..<0x20:
                throw syntax("control character in a string")
            case 0x00..<0x80:
                scalars.append(Unicode.Scalar(byte))
                position += 1
            default:
                scalars.append(try parseUTF8Sequence())
            }
        }
    }

    mutating func parseEscape() throws(StrictJSONError) -> Unicode.Scalar {
        guard let byte = current else { throw syntax("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try hexQuad()
            switch first {
            case 0xD800..<0xDC00:
                // A high surrogate must be followed by an escaped low surrogate.
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw syntax("lone high surrogate")
                }
                position += 2
                let second = try hexQuad()
                guard (0xDC00..<0xE000).contains(second) else { throw syntax("high surrogate without a low surrogate") }
                let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                return Unicode.Scalar(value)!
            case 0xDC00..<0xE000:
                throw syntax("lone low surrogate")
            default:
                return Unicode.Scalar(first)!
            }
        default:
            throw syntax("invalid escape")
        }
    }

    mutating func hexQuad() throws(StrictJSONError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw syntax("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw syntax("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Decodes one multi-byte UTF-8 sequence, refusing overlong forms, surrogates and
    /// values above U+10FFFF (RFC 3629).
    mutating func parseUTF8Sequence() throws(StrictJSONError) -> Unicode.Scalar {
        let lead = bytes[position]
        let length: Int, minimum: UInt32
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; value = UInt32(lead & 0x07)
        default: throw syntax("invalid UTF-8")
        }
        guard bytes.count - position >= length else { throw syntax("truncated UTF-8") }
        for index in 1..<length {
            let continuation = bytes[position + index]
            guard continuation & 0xC0 == 0x80 else { throw syntax("invalid UTF-8") }
            value = value << 6 | UInt32(continuation & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800..<0xE000).contains(value), let scalar = Unicode.Scalar(value) else {
            throw syntax("invalid UTF-8")
        }
        position += length
        return scalar
    }
}
