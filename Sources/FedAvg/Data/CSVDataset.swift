import Foundation
import Sodium
import StrictInput

/// Your own data as federated clients: one CSV file per site in a folder, or one CSV with a
/// site column, described by a ``CSVSchema``. The bundled heart-disease data is loaded the
/// same way (``HeartDisease``), with the schema committed beside it.
public enum CSVDataset {
    /// Largest CSV file read (the records are held in memory as 8-byte features).
    public static let fileLimit = 256 << 20

    /// Loads the sites at `path` (a folder of `*.csv` files, one per site, or one file with
    /// the schema's site column), splits each into train and test parts stratified by label
    /// (seeded) and turns records into features by `preprocessing`.
    ///
    /// - Parameters:
    ///   - path: a folder of per-site CSV files, or one CSV file.
    ///   - schema: the data's schema.
    ///   - seed: seed of the splits.
    ///   - testFraction: share of each label held out at each site.
    ///   - preprocessing: public-range scaling (needed for a private run) or site imputation.
    /// - Returns: one client per site, in file-name order (or order of first appearance).
    /// - Throws: ``DataFileError`` for unreadable or malformed files, or
    ///   ``DataFileError/missingPublicRanges(features:)`` when `.publicRanges` is asked for
    ///   and a numeric feature has no range; ``FedAvgError`` for a bad fraction.
    public static func clients(
        at path: String, schema: CSVSchema, seed: UInt64, testFraction: Double = 0.2, preprocessing: HeartDisease.Preprocessing
    ) throws -> [SiteClient] {
        if preprocessing == .publicRanges, !schema.featuresWithoutRange.isEmpty {
            throw DataFileError.missingPublicRanges(features: schema.featuresWithoutRange)
        }
        let sites = try load(at: path, schema: schema)
        return try prepare(sites.enumerated().map { ($0.offset, $0.element.name, $0.element.records) }, schema: schema, seed: seed,
                           testFraction: testFraction, preprocessing: preprocessing).map {
            SiteClient(name: $0.name, training: $0.training, test: $0.test)
        }
    }

    /// The sites' raw records (features in encoded order, NaN where missing).
    static func load(at path: String, schema: CSVSchema) throws(DataFileError) -> [(name: String, records: LocalDataset)] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .unreadable(file: path, reason: "no such file or folder") }
        if isFolder.boolValue {
            if schema.siteColumn != nil {
                throw .invalidSchema(file: path, field: "site_column", reason: "applies to one CSV holding every site; a folder has one file per site")
            }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw .unreadable(file: path, reason: "cannot list the folder")
            }
            let files = names.filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }.sorted()
            guard !files.isEmpty else { throw .unreadable(file: path, reason: "the folder holds no .csv file (one per site)") }
            var sites: [(name: String, records: LocalDataset)] = []
            for file in files {
                let parsed = try parse(try text(of: (path as NSString).appendingPathComponent(file)), file: file, schema: schema)
                sites.append((String(file.dropLast(4)), parsed[0].records))
            }
            return sites
        }
        let file = (path as NSString).lastPathComponent
        return try parse(try text(of: path), file: file, schema: schema).map {
            ($0.site ?? String((file as NSString).deletingPathExtension), $0.records)
        }
    }

    /// A file's text, read with a size bound.
    static func text(of path: String) throws(DataFileError) -> String {
        let bytes: [UInt8]
        do { bytes = try BoundedRead.contents(ofFile: path, limit: fileLimit) } catch { throw .unreadable(file: path, reason: error.description) }
        guard let text = String(bytes: bytes, encoding: .utf8) else { throw .unreadable(file: path, reason: "not UTF-8 text") }
        return text
    }

    /// Parses one file: one dataset, or one per site value when the schema has a site column
    /// (in order of first appearance).
    static func parse(_ text: String, file: String, schema: CSVSchema) throws(DataFileError) -> [(site: String?, records: LocalDataset)] {
        var records = try CSVReader.records(text, delimiter: schema.delimiter, file: file)
        guard !records.isEmpty else { throw .emptyFile(file: file) }
        let names: [String]
        if schema.header {
            names = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces) }
            var seen: [String: Int] = [:]
            for (index, name) in names.enumerated() {
                if seen[name] != nil { throw .duplicateHeader(file: file, column: index + 1, name: name) }
                seen[name] = index
            }
            let declared = Set(schema.features.map(\.name) + [schema.labelColumn] + schema.ignore + (schema.siteColumn.map { [$0] } ?? []))
            if let index = names.firstIndex(where: { !declared.contains($0) }) {
                throw .undeclaredColumn(file: file, column: index + 1, name: names[index])
            }
            for name in declared.sorted() where seen[name] == nil { throw .missingColumn(file: file, name: name) }
        } else {
            names = schema.columns ?? []
        }
        guard !records.isEmpty else { throw .noRecords(file: file) }
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        let labelIndex = position[schema.labelColumn]!
        let siteIndex = schema.siteColumn.map { position[$0]! }
        let width = encodedWidth(schema)
        var order: [String] = [], groups: [String: (features: [Double], labels: [Double])] = [:]
        for record in records {
            guard record.fields.count == names.count else {
                throw .wrongFieldCount(file: file, line: record.line, expected: names.count, found: record.fields.count)
            }
            let fields = record.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            var row: [Double] = []
            row.reserveCapacity(width)
            for feature in schema.features {
                let index = position[feature.name]!
                let value = fields[index]
                let missing = schema.missing.contains(value) || feature.missing.contains(value)
                    || feature.missing.contains { Double($0) != nil && Double($0) == Double(value) }
                switch feature.kind {
                case .numeric(let range):
                    if missing {
                        guard feature.optional else { throw .missingValue(file: file, line: record.line, column: index + 1, name: feature.name) }
                        row.append(.nan)
                        continue
                    }
                    guard let number = Double(value), number.isFinite else {
                        throw .notANumber(file: file, line: record.line, column: index + 1, name: feature.name, value: value)
                    }
                    if let range, schema.outOfRange == .error, !range.contains(number) {
                        throw .outOfRange(file: file, line: record.line, column: index + 1, name: feature.name, value: number, range: range)
                    }
                    row.append(number)
                case .categorical(let values):
                    if missing {
                        guard feature.optional else { throw .missingValue(file: file, line: record.line, column: index + 1, name: feature.name) }
                        row += [Double](repeating: .nan, count: values.count)
                        continue
                    }
                    guard let hit = values.firstIndex(of: value) else {
                        throw .unknownCategory(file: file, line: record.line, column: index + 1, name: feature.name, value: value)
                    }
                    row += values.indices.map { $0 == hit ? 1 : 0 }
                }
            }
            let labelText = fields[labelIndex]
            if labelText.isEmpty || schema.missing.contains(labelText) { throw .missingLabel(file: file, line: record.line, column: labelIndex + 1) }
            let label: Double
            switch schema.labelRule {
            case .positiveAbove(let threshold):
                guard let number = Double(labelText), number.isFinite else {
                    throw .notANumber(file: file, line: record.line, column: labelIndex + 1, name: schema.labelColumn, value: labelText)
                }
                label = number > threshold ? 1 : 0
            case .values(let positive, let negative):
                if positive.contains(labelText) { label = 1 } else if negative.contains(labelText) { label = 0 } else {
                    throw .unknownCategory(file: file, line: record.line, column: labelIndex + 1, name: schema.labelColumn, value: labelText)
                }
            }
            let site = siteIndex.map { fields[$0] } ?? ""
            if let siteIndex, site.isEmpty { throw .missingValue(file: file, line: record.line, column: siteIndex + 1, name: schema.siteColumn ?? "site") }
            if groups[site] == nil { order.append(site); groups[site] = ([], []) }
            groups[site]!.features += row
            groups[site]!.labels.append(label)
        }
        return order.map { site in
            (siteIndex == nil ? nil : site, LocalDataset(features: groups[site]!.features, labels: groups[site]!.labels, dimension: width))
        }
    }

    /// Features per record before missing-value indicators.
    static func encodedWidth(_ schema: CSVSchema) -> Int {
        schema.features.reduce(0) { width, feature in
            if case .categorical(let values) = feature.kind { return width + values.count }
            return width + 1
        }
    }

    /// The public range of each encoded column (one-hot columns: 0…1); nil where unknown.
    static func encodedRanges(_ schema: CSVSchema) -> [ClosedRange<Double>?] {
        schema.features.flatMap { feature -> [ClosedRange<Double>?] in
            switch feature.kind {
            case .numeric(let range): return [range]
            case .categorical(let values): return [ClosedRange<Double>?](repeating: 0...1, count: values.count)
            }
        }
    }

    /// The encoded column whose missingness each indicator reports (the first column of each optional feature).
    static func indicatorColumns(_ schema: CSVSchema) -> [Int] {
        var columns: [Int] = [], start = 0
        for feature in schema.features {
            if feature.optional { columns.append(start) }
            if case .categorical(let values) = feature.kind { start += values.count } else { start += 1 }
        }
        return columns
    }

    /// Every value clamped to its column's public range and mapped onto [−1, 1]; missing
    /// values stay missing. A public function of each record alone.
    static func scaledToPublicRanges(_ data: LocalDataset, ranges: [ClosedRange<Double>?]) -> LocalDataset {
        var scaled = data
        for index in scaled.features.indices {
            let value = scaled.features[index]
            guard !value.isNaN, let range = ranges[index % data.dimension] else { continue }
            let clamped = min(max(value, range.lowerBound), range.upperBound)
            scaled.features[index] = 2 * (clamped - range.lowerBound) / (range.upperBound - range.lowerBound) - 1
        }
        return scaled
    }

    /// Splits each site (stratified, seeded by the site's index in the whole data set, so a
    /// site's split does not depend on which others take part) and preprocesses it.
    static func prepare(
        _ sites: [(index: Int, name: String, records: LocalDataset)], schema: CSVSchema, seed: UInt64, testFraction: Double,
        preprocessing: HeartDisease.Preprocessing
    ) throws -> [(name: String, training: LocalDataset, test: LocalDataset)] {
        guard testFraction > 0, testFraction < 1 else {
            throw FedAvgError.invalidParameter(name: "testFraction", reason: "must be in (0, 1), got \(testFraction)")
        }
        guard !sites.isEmpty else { throw FedAvgError.invalidParameter(name: "sites", reason: "at least one site is needed") }
        let ranges = encodedRanges(schema), indicators = indicatorColumns(schema)
        return sites.map { site in
            var generator = ChaChaRandom(seed: seed &+ 0x5157_0000 &+ UInt64(site.index))
            let split = StratifiedSplit.indices(labels: site.records.labels, testFraction: testFraction, using: &generator)
            let training = site.records.subset(split.train), test = site.records.subset(split.test)
            switch preprocessing {
            case .siteImputation:
                let imputation = Imputation(training: training, indicatorColumns: indicators)
                return (site.name, imputation.apply(to: training), imputation.apply(to: test))
            case .publicRanges:
                let imputation = Imputation(fillValues: [Double](repeating: 0, count: training.dimension), indicatorColumns: indicators)
                return (site.name, imputation.apply(to: scaledToPublicRanges(training, ranges: ranges)),
                        imputation.apply(to: scaledToPublicRanges(test, ranges: ranges)))
            }
        }
    }
}
