import Foundation

/// Reads the TSV files in Golden/ (written by scripts/generate_accounting_golden.py with
/// dp_accounting 0.6.0): rows of numbers keyed by the header line; `#` lines are comments.
struct GoldenTable {
    let rows: [[String: Double]]
    /// The same rows as text, for non-numeric columns.
    let textRows: [[String: String]]

    init(resource name: String) throws {
        guard let url = Bundle.module.url(forResource: name, withExtension: "tsv", subdirectory: "Golden") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        let header = lines[0].split(separator: "\t").map(String.init)
        textRows = lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: "\t").map(String.init)))
        }
        rows = lines.dropFirst().map { line in
            var row = [String: Double]()
            for (key, field) in zip(header, line.split(separator: "\t")) {
                row[key] = field == "inf" ? .infinity : (Double(field) ?? .nan)
            }
            return row
        }
    }
}
