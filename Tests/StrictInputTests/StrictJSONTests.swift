import Foundation
import StrictInput
import Testing

@Suite struct StrictJSONTests {
    private func check(_ text: String, maximumDepth: Int = StrictJSON.defaultMaximumDepth) throws(StrictJSONError) {
        try StrictJSON.validate(Array(text.utf8), maximumDepth: maximumDepth)
    }

    @Test func acceptsWellFormedDocuments() throws {
        for text in [
            #"{"v": "123", "e": -32}"#, "[]", "{}", " 0 ", "-0.5e+10", "true", "null", #""\u00e9\ud83d\ude00\n""#,
            #"{"a": {"a": [1, {"a": 2}]}, "b": [{"a": 1}, {"a": 2}]}"#, "{\"é\": 1, \"e\": 2}",
        ] {
            try check(text)
        }
    }

    /// The pheutil ciphertext of issue 13 item 13: Foundation would read the first "v",
    /// python-paillier the last.
    @Test func refusesDuplicateKeys() {
        #expect(throws: StrictJSONError.duplicateKey(key: "v", offset: 9)) { try check(#"{"v":"1","v":"2","e":-32}"#) }
        #expect(throws: StrictJSONError.duplicateKey(key: "a", offset: 16)) { try check(#"{"x": [{"a": 1, "a": 3}]}"#) }
    }

    @Test func escapedSpellingsOfOneKeyAreDuplicates() {
        #expect(throws: StrictJSONError.duplicateKey(key: "a", offset: 8)) { try check(#"{"a": 1,"\u0061": 2}"#) }
        #expect(throws: StrictJSONError.duplicateKey(key: "/", offset: 9)) { try check(#"{"\/": 1,"/": 2}"#) }
        // U+1F600 as a surrogate pair and as raw UTF-8.
        #expect(throws: StrictJSONError.duplicateKey(key: "😀", offset: 19)) { try check("{\"\\ud83d\\ude00\": 1,\"😀\": 2}") }
        // Precomposed é against e + combining acute: one key to a Swift dictionary.
        #expect(throws: StrictJSONError.duplicateKey(key: "e\u{301}", offset: 9)) { try check("{\"\u{e9}\": 1,\"e\u{301}\": 2}") }
    }

    @Test func boundsNestingDepth() throws {
        try check(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        #expect(throws: StrictJSONError.nestingTooDeep(limit: 64, offset: 64)) {
            try check(String(repeating: "[", count: 65) + String(repeating: "]", count: 65))
        }
        // A million brackets fail at the bound, not by exhausting the stack.
        #expect(throws: StrictJSONError.nestingTooDeep(limit: 64, offset: 64)) { try check(String(repeating: "[", count: 1_000_000)) }
        #expect(throws: StrictJSONError.nestingTooDeep(limit: 2, offset: 10)) { try check(#"{"a":{"b":[1]}}"#, maximumDepth: 2) }
    }

    @Test func refusesMalformedText() {
        let cases: [(String, StrictJSONError)] = [
            ("", .syntax(reason: "unexpected end of input", offset: 0)),
            (#"{"a": 1} x"#, .syntax(reason: "data after the top-level value", offset: 9)),
            (#"{"a": 1,}"#, .syntax(reason: "expected a string key", offset: 8)),
            (#"{"a" 1}"#, .syntax(reason: "expected ':'", offset: 5)),
            ("[01]", .syntax(reason: "expected ',' or ']'", offset: 2)),
            ("[1.]", .syntax(reason: "expected a digit after '.'", offset: 3)),
            ("[1e]", .syntax(reason: "expected a digit in the exponent", offset: 3)),
            ("[-]", .syntax(reason: "expected a digit", offset: 2)),
            ("[tru]", .syntax(reason: "invalid literal", offset: 1)),
            (#"["\x"]"#, .syntax(reason: "invalid escape", offset: 4)),
            (#"["\ud800"]"#, .syntax(reason: "lone high surrogate", offset: 8)),
            (#"["\udc00"]"#, .syntax(reason: "lone low surrogate", offset: 8)),
            (#"["\u12g4"]"#, .syntax(reason: "invalid hex digit in \\u escape", offset: 6)),
            ("[\"a\u{01}\"]", .syntax(reason: "control character in a string", offset: 3)),
            (#"["abc"#, .syntax(reason: "unterminated string", offset: 5)),
            ("NaN", .syntax(reason: "unexpected character", offset: 0)),
        ]
        for (text, error) in cases {
            #expect(throws: error, "\(text)") { try check(text) }
        }
    }

    @Test func refusesInvalidUTF8() {
        // An overlong form, a UTF-16 surrogate, a lead byte above U+10FFFF, a cut-off sequence.
        let cases: [(bytes: [UInt8], reason: String)] = [
            ([0x22, 0xC0, 0xAF, 0x22], "invalid UTF-8"), ([0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8"),
            ([0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], "invalid UTF-8"), ([0x22, 0xE2, 0x82], "truncated UTF-8"),
        ]
        for (bytes, reason) in cases {
            #expect(throws: StrictJSONError.syntax(reason: reason, offset: 1), "\(bytes)") { try StrictJSON.validate(bytes) }
        }
    }

    /// Whatever Foundation's decoder accepts as a pheutil-like object, with distinct keys,
    /// the pre-check accepts too (it is a filter on top, not a different dialect).
    @Test func agreesWithFoundationOnFoundationOutput() throws {
        struct Sample: Codable { var v: String; var e: Int; var list: [Double]; var nested: [String: String] }
        let sample = Sample(v: "12\u{e9}\"\\\n", e: -32, list: [1.5, -2e-300, 0], nested: ["k\u{1F600}": "x", "y": ""])
        try StrictJSON.validate(try JSONEncoder().encode(sample))
    }
}

@Suite struct BoundedReadTests {
    @Test func endlessInputIsRefusedAtTheLimit() {
        #expect(throws: BoundedReadError.tooLarge(name: "/dev/zero", limit: 1000)) { try BoundedRead.contents(ofFile: "/dev/zero", limit: 1000) }
    }

    @Test func readsUpToTheLimitExactly() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bounded-\(UUID().uuidString)").path
        defer { unlink(path) }
        try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: path))
        #expect(try BoundedRead.contents(ofFile: path, limit: 100) == [UInt8](repeating: 7, count: 100))
        #expect(throws: BoundedReadError.tooLarge(name: path, limit: 99)) { try BoundedRead.contents(ofFile: path, limit: 99) }
        #expect(try BoundedRead.contents(ofFile: "/dev/null", limit: 10) == [])
    }

    @Test func systemErrorsCarryTheRealErrno() {
        #expect(throws: BoundedReadError.system(name: "/nonexistent/x", operation: "open", errno: ENOENT)) {
            try BoundedRead.contents(ofFile: "/nonexistent/x", limit: 10)
        }
        #expect(throws: BoundedReadError.system(name: "/tmp", operation: "read", errno: EISDIR)) { try BoundedRead.contents(ofFile: "/tmp", limit: 10) }
        #expect(BoundedReadError.system(name: "/tmp", operation: "read", errno: EISDIR).description == "cannot read /tmp: Is a directory (errno 21)")
    }
}
