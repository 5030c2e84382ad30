/// RFC 4180 records: comma- (or other single-character-) separated fields, optional double
/// quotes around a field (`""` inside for a quote; delimiters and line breaks allowed
/// inside), LF or CRLF line ends, and a leading UTF-8 byte-order mark ignored.
enum CSVReader {
    /// One record and the 1-based line on which it starts.
    struct Record {
        var line: Int
        var fields: [String]
    }

    /// Splits `text` into records; blank lines are skipped.
    ///
    /// - Throws: ``DataFileError/badQuoting(file:line:column:)``.
    static func records(_ text: String, delimiter: Character, file: String) throws(DataFileError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = [], field = "", inQuotes = false, wasQuoted = false, afterQuote = false
        var line = 1, recordLine = 1
        var characters = Substring(text)
        if characters.first == "\u{FEFF}" { characters = characters.dropFirst() }
        func endRecord() {
            fields.append(field)
            // A line with nothing on it is not a record with one empty field.
            if !(fields.count == 1 && fields[0].isEmpty && !wasQuoted) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []; field = ""; wasQuoted = false; afterQuote = false
        }
        // Swift treats "\r\n" as one Character, so CRLF and LF end a record alike.
        for character in characters {
            if inQuotes {
                if character == "\"" {
                    inQuotes = false
                    afterQuote = true
                } else {
                    if character.isNewline { line += 1 }
                    field.append(character)
                }
                continue
            }
            if character == "\"" {
                if afterQuote { field.append("\""); inQuotes = true; afterQuote = false; continue }
                guard field.isEmpty else { throw .badQuoting(file: file, line: line, column: fields.count + 1) }
                inQuotes = true; wasQuoted = true
                continue
            }
            if character == delimiter {
                fields.append(field); field = ""; afterQuote = false; wasQuoted = false
                continue
            }
            if character.isNewline {
                endRecord()
                line += 1
                recordLine = line
                continue
            }
            // Text after a closing quote ("ab"c) is malformed, not silently joined.
            if afterQuote { throw .badQuoting(file: file, line: line, column: fields.count + 1) }
            field.append(character)
        }
        if inQuotes { throw .badQuoting(file: file, line: recordLine, column: fields.count + 1) }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }
}
