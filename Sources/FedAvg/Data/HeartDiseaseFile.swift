import Foundation

/// Parsing of the UCI "processed" heart-disease files (14 comma-separated columns, `?` missing).
enum HeartDiseaseFile {
    /// The 13 input attributes, in file order.
    static let attributeNames = [
        "age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalach", "exang", "oldpeak", "slope", "ca", "thal",
    ]
    /// Public bounds of every attribute, in the files' units, fixed from the attribute
    /// descriptions (`heart-disease.names`) and clinical plausibility — never from the
    /// records, so scaling by them reveals nothing about any patient: age 18–90 years, sex
    /// 0–1, chest-pain type 1–4, resting blood pressure 80–200 mm Hg, cholesterol 100–600
    /// mg/dl, fasting blood sugar 0–1, resting ECG 0–2, maximum heart rate 60–210 bpm,
    /// exercise angina 0–1, ST depression −3–7 mm, slope 1–3, vessels 0–3, thal 3–7.
    static let publicRanges: [ClosedRange<Double>] = [
        18...90, 0...1, 1...4, 80...200, 100...600, 0...1, 0...2, 60...210, 0...1, -3...7, 1...3, 0...3, 3...7,
    ]

    /// Attributes that may be missing at some site (they get a missing-value indicator).
    /// The schema fixes this list, so every site has the same feature layout without sharing data.
    static let optionalAttributes = Array(3..<13)

    /// The folder of the vendored data inside the module's resources.
    static var directory: URL? {
        Bundle.module.url(forResource: "uci-heart-disease", withExtension: nil)
    }

    /// The committed schema of the processed files (`schema.json` beside them): the same
    /// CSV path as anyone's own data, so the bundled data is one instance of it. Its ranges,
    /// optional attributes and markers are the constants above (a test keeps them equal).
    static func schema(directory: URL? = nil) throws -> CSVSchema {
        guard let folder = directory ?? Self.directory else {
            throw FedAvgError.malformedData(file: "schema.json", line: 0, reason: "the vendored data folder is missing from the bundle")
        }
        do {
            return try CSVSchema.load(from: folder.appendingPathComponent("schema.json").path)
        } catch {
            throw FedAvgError.malformedData(file: "schema.json", line: 0, reason: error.description)
        }
    }

    /// Reads one site's records; features keep NaN for missing values, the label is `num > 0`.
    static func load(_ site: HeartDiseaseSite, directory: URL? = nil) throws -> LocalDataset {
        guard let folder = directory ?? Self.directory else {
            throw FedAvgError.malformedData(file: site.fileName, line: 0, reason: "the vendored data folder is missing from the bundle")
        }
        let url = folder.appendingPathComponent(site.fileName)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw FedAvgError.malformedData(file: site.fileName, line: 0, reason: "cannot read \(url.path)")
        }
        return try parse(text, file: site.fileName, schema: schema(directory: Self.directory))
    }

    /// Parses the text of one processed file through the CSV path; a bad row is a
    /// ``FedAvgError/malformedData(file:line:reason:)`` with the line and column.
    static func parse(_ text: String, file: String, schema: CSVSchema? = nil) throws -> LocalDataset {
        let schema = try schema ?? Self.schema()
        do {
            return try CSVDataset.parse(text, file: file, schema: schema)[0].records
        } catch {
            throw FedAvgError.malformedData(file: file, line: error.line, reason: error.description)
        }
    }
}

extension DataFileError {
    /// The line a row error refers to (0 for file-level errors).
    var line: Int {
        switch self {
        case .wrongFieldCount(_, let line, _, _), .badQuoting(_, let line, _), .notANumber(_, let line, _, _, _),
             .outOfRange(_, let line, _, _, _, _), .unknownCategory(_, let line, _, _, _), .missingValue(_, let line, _, _),
             .missingLabel(_, let line, _):
            return line
        case .duplicateHeader, .missingColumn, .undeclaredColumn: return 1
        case .invalidSchema, .unreadable, .emptyFile, .noRecords, .missingPublicRanges: return 0
        }
    }
}
