import Foundation
import Testing

@testable import FedAvg

@Suite("CSV data sets")
struct CSVDatasetTests {
    static let schemaJSON = """
        {
          "missing": ["", "NA"],
          "ignore": ["id"],
          "label": {"column": "disease", "positive": ["yes"], "negative": ["no"]},
          "features": [
            {"name": "age", "type": "numeric", "range": [18, 90]},
            {"name": "chol", "type": "numeric", "range": [100, 600], "optional": true, "missing": ["0"]},
            {"name": "smoker", "type": "categorical", "values": ["never", "former", "current"], "optional": true}
          ]
        }
        """

    static func schema(_ text: String = schemaJSON) throws -> CSVSchema { try CSVSchema.parse(Array(text.utf8), file: "schema.json") }

    static func parse(_ csv: String) throws -> LocalDataset {
        try CSVDataset.parse(csv, file: "site.csv", schema: schema())[0].records
    }

    static func folder(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + name)) }
        return path
    }

    @Test func wellFormedFileEncodesFeaturesAndLabels() throws {
        let data = try Self.parse("id,age,chol,smoker,disease\n1,40,200,never,yes\n2,60,NA,current,no\n3,50,0,,no\n")
        #expect(data.dimension == 5 && data.count == 3)
        #expect(data.labels == [1, 0, 0])
        #expect(Array(data.features[0..<5]) == [40, 200, 1, 0, 0])
        #expect(data.features[6].isNaN && Array(data.features[7..<10]) == [0, 0, 1])
        #expect(data.features[11].isNaN && data.features[12...14].allSatisfy(\.isNaN))
        let schema = try Self.schema()
        #expect(schema.encodedFeatureNames == ["age", "chol", "smoker=never", "smoker=former", "smoker=current", "chol_missing", "smoker_missing"])
        #expect(CSVDataset.indicatorColumns(schema) == [1, 2])
    }

    @Test func byteOrderMarkCRLFAndQuotedFieldsAreRead() throws {
        let data = try Self.parse("\u{FEFF}id,age,chol,smoker,disease\r\n\"a, \"\"b\"\"\",40,\"200\",never,yes\r\n\"line\nbreak\",41,201,former,no\r\n")
        #expect(data.count == 2)
        #expect(Array(data.features[0..<5]) == [40, 200, 1, 0, 0])
        #expect(Array(data.features[5..<10]) == [41, 201, 0, 1, 0])
    }

    @Test func wrongColumnCount() {
        #expect(throws: DataFileError.wrongFieldCount(file: "site.csv", line: 3, expected: 5, found: 4)) {
            try Self.parse("id,age,chol,smoker,disease\n1,40,200,never,yes\n2,60,200,no\n")
        }
    }

    @Test func nonNumericValue() {
        #expect(throws: DataFileError.notANumber(file: "site.csv", line: 2, column: 2, name: "age", value: "forty")) {
            try Self.parse("id,age,chol,smoker,disease\n1,forty,200,never,yes\n")
        }
    }

    @Test func outOfRangeValue() {
        #expect(throws: DataFileError.outOfRange(file: "site.csv", line: 2, column: 3, name: "chol", value: 6.5, range: 100...600)) {
            try Self.parse("id,age,chol,smoker,disease\n1,40,6.5,never,yes\n")
        }
    }

    @Test func outOfRangeIsClampedWhenTheSchemaSaysSo() throws {
        let schema = try Self.schema(Self.schemaJSON.replacingOccurrences(of: "\"ignore\"", with: "\"out_of_range\": \"clamp\", \"ignore\""))
        let data = try CSVDataset.parse("id,age,chol,smoker,disease\n1,95,700,never,yes\n", file: "s.csv", schema: schema)[0].records
        let scaled = CSVDataset.scaledToPublicRanges(data, ranges: CSVDataset.encodedRanges(schema))
        #expect(scaled.features[0] == 1 && scaled.features[1] == 1)
    }

    @Test func unknownCategory() {
        #expect(throws: DataFileError.unknownCategory(file: "site.csv", line: 2, column: 4, name: "smoker", value: "sometimes")) {
            try Self.parse("id,age,chol,smoker,disease\n1,40,200,sometimes,yes\n")
        }
        #expect(throws: DataFileError.unknownCategory(file: "site.csv", line: 2, column: 5, name: "disease", value: "maybe")) {
            try Self.parse("id,age,chol,smoker,disease\n1,40,200,never,maybe\n")
        }
    }

    @Test func missingLabel() {
        #expect(throws: DataFileError.missingLabel(file: "site.csv", line: 3, column: 5)) {
            try Self.parse("id,age,chol,smoker,disease\n1,40,200,never,yes\n2,40,200,never,NA\n")
        }
    }

    @Test func missingRequiredFeature() {
        #expect(throws: DataFileError.missingValue(file: "site.csv", line: 2, column: 2, name: "age")) {
            try Self.parse("id,age,chol,smoker,disease\n1,,200,never,yes\n")
        }
    }

    @Test func emptyFileAndHeaderOnly() {
        #expect(throws: DataFileError.emptyFile(file: "site.csv")) { try Self.parse("") }
        #expect(throws: DataFileError.emptyFile(file: "site.csv")) { try Self.parse("\n\r\n") }
        #expect(throws: DataFileError.noRecords(file: "site.csv")) { try Self.parse("id,age,chol,smoker,disease\n") }
    }

    @Test func duplicateUndeclaredAndMissingHeaders() {
        #expect(throws: DataFileError.duplicateHeader(file: "site.csv", column: 3, name: "age")) {
            try Self.parse("id,age,age,smoker,disease\n1,40,200,never,yes\n")
        }
        #expect(throws: DataFileError.undeclaredColumn(file: "site.csv", column: 6, name: "bmi")) {
            try Self.parse("id,age,chol,smoker,disease,bmi\n1,40,200,never,yes,22\n")
        }
        #expect(throws: DataFileError.missingColumn(file: "site.csv", name: "smoker")) {
            try Self.parse("id,age,chol,disease\n1,40,200,yes\n")
        }
    }

    @Test func malformedQuotes() {
        #expect(throws: DataFileError.badQuoting(file: "site.csv", line: 2, column: 1)) {
            try Self.parse("id,age,chol,smoker,disease\n\"1,40,200,never,yes\n")
        }
        #expect(throws: DataFileError.badQuoting(file: "site.csv", line: 2, column: 2)) {
            try Self.parse("id,age,chol,smoker,disease\n1,\"40\"x,200,never,yes\n")
        }
    }

    @Test func schemaErrorsNameTheField() {
        #expect(throws: DataFileError.invalidSchema(file: "schema.json", field: "features[0].range", reason: "must be [low, high] with low < high")) {
            try Self.schema(Self.schemaJSON.replacingOccurrences(of: "[18, 90]", with: "[90, 18]"))
        }
        #expect(throws: DataFileError.invalidSchema(file: "schema.json", field: "features[2].type", reason: "must be \"numeric\" or \"categorical\", got \"category\"")) {
            try Self.schema(Self.schemaJSON.replacingOccurrences(of: "\"categorical\"", with: "\"category\""))
        }
        do {
            _ = try Self.schema(Self.schemaJSON.replacingOccurrences(of: "\"ignore\"", with: "\"ignored\""))
            Issue.record("a misspelt field was accepted")
        } catch let DataFileError.invalidSchema(_, field, _) {
            #expect(field == "ignored")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aPrivateRunNeedsEveryPublicRange() throws {
        let folder = try Self.folder(["a.csv": "id,age,chol,smoker,disease\n1,40,200,never,yes\n2,50,300,never,no\n"])
        let noRange = try Self.schema(Self.schemaJSON.replacingOccurrences(of: ", \"range\": [18, 90]", with: ""))
        #expect(throws: DataFileError.missingPublicRanges(features: ["age"])) {
            try CSVDataset.clients(at: folder, schema: noRange, seed: 1, preprocessing: .publicRanges)
        }
        // Without privacy the site's own statistics may be used instead.
        let clients = try CSVDataset.clients(at: folder, schema: noRange, seed: 1, testFraction: 0.5, preprocessing: .siteImputation)
        #expect(clients.count == 1 && clients[0].featureCount == 7)
    }

    @Test func oneFilePerSiteOrOneFileWithASiteColumn() throws {
        var rows = "id,age,chol,smoker,disease\n"
        for index in 0..<20 { rows += "\(index),\(30 + index),\(150 + 5 * index),never,\(index % 2 == 0 ? "yes" : "no")\n" }
        let folder = try Self.folder(["b-site.csv": rows, "a-site.csv": rows, "notes.txt": "not data"])
        let clients = try CSVDataset.clients(at: folder, schema: Self.schema(), seed: 3, preprocessing: .publicRanges)
        #expect(clients.map(\.name) == ["a-site", "b-site"])
        #expect(clients.map { $0.trainingCount + $0.testCount } == [20, 20])
        var combined = "site,id,age,chol,smoker,disease\n"
        for (index, line) in rows.split(separator: "\n").dropFirst().enumerated() { combined += (index < 12 ? "north," : "south,") + line + "\n" }
        let file = try Self.folder(["all.csv": combined]) + "/all.csv"
        let schema = try Self.schema(Self.schemaJSON.replacingOccurrences(of: "\"ignore\"", with: "\"site_column\": \"site\", \"ignore\""))
        let sites = try CSVDataset.clients(at: file, schema: schema, seed: 3, preprocessing: .publicRanges)
        #expect(sites.map(\.name) == ["north", "south"])
        #expect(sites.map { $0.trainingCount + $0.testCount } == [12, 8])
    }

    /// The committed schema of the bundled data agrees with the loader's documented constants.
    @Test func heartDiseaseSchemaMatchesItsPublicRanges() throws {
        let schema = try HeartDiseaseFile.schema()
        #expect(schema.features.map(\.name) == HeartDiseaseFile.attributeNames)
        #expect(CSVDataset.encodedRanges(schema) == HeartDiseaseFile.publicRanges)
        #expect(CSVDataset.indicatorColumns(schema) == HeartDiseaseFile.optionalAttributes)
        #expect(schema.encodedFeatureNames == HeartDisease.featureNames)
    }
}
