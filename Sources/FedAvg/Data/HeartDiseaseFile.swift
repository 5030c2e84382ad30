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

    /// Reads one site's records; features keep NaN for missing values, the label is `num > 0`.
    static func load(_ site: HeartDiseaseSite, directory: URL? = nil) throws -> LocalDataset {
        guard let folder = directory ?? Self.directory else {
            throw FedAvgError.malformedData(file: site.fileName, line: 0, reason: "the vendored data folder is missing from the bundle")
        }
        let url = folder.appendingPathComponent(site.fileName)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw FedAvgError.malformedData(file: site.fileName, line: 0, reason: "cannot read \(url.path)")
        }
        return try parse(text, file: site.fileName)
    }

    /// Parses the text of one processed file.
    static func parse(_ text: String, file: String) throws -> LocalDataset {
        var features: [Double] = [], labels: [Double] = []
        for (offset, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard fields.count == 14 else {
                throw FedAvgError.malformedData(file: file, line: offset + 1, reason: "expected 14 fields, found \(fields.count)")
            }
            for (column, field) in fields.prefix(13).enumerated() {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                if trimmed == "?" { features.append(.nan); continue }
                guard let value = Double(trimmed), value.isFinite else {
                    throw FedAvgError.malformedData(file: file, line: offset + 1, reason: "column \(attributeNames[column]) is not a number: \(trimmed)")
                }
                // A serum cholesterol of 0 is the files' other spelling of "not measured".
                features.append(column == 4 && value == 0 ? .nan : value)
            }
            guard let target = Double(fields[13].trimmingCharacters(in: .whitespaces)) else {
                throw FedAvgError.malformedData(file: file, line: offset + 1, reason: "target num is not a number")
            }
            labels.append(target > 0 ? 1 : 0)
        }
        return LocalDataset(features: features, labels: labels, dimension: 13)
    }
}
