import Foundation
import Testing

/// `privagg train --dataset csv` and `privagg experiment` end to end, on the example data.
@Suite("CSV data and experiments on the command line")
struct CSVAndExperimentCommandTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/csv-clinic").path

    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-csv-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func privateTrainingOnTheExampleCSVWritesItsReport() async throws {
        let output = try Self.folder() + "/run"
        let run = try await runPrivagg(["train", "--dataset", "csv", "--data", Self.examples, "--privacy", "dp-sgd", "--rounds", "3",
                                  "--seed", "1", "--output", output])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("east") && run.standardOutput.contains("north") && run.standardOutput.contains("south"))
        #expect(FileManager.default.fileExists(atPath: output + "/accuracy.svg"))
    }

    @Test func aPrivateRunWithoutPublicRangesIsRefusedWithTheReason() async throws {
        let folder = try Self.folder()
        for site in ["east", "north"] {
            try FileManager.default.copyItem(atPath: Self.examples + "/\(site).csv", toPath: folder + "/\(site).csv")
        }
        let schema = try String(contentsOfFile: Self.examples + "/schema.json", encoding: .utf8)
            .replacingOccurrences(of: #", "range": [15, 55]"#, with: "")
        try Data(schema.utf8).write(to: URL(fileURLWithPath: folder + "/schema.json"))
        let run = try await runPrivagg(["train", "--dataset", "csv", "--data", folder, "--privacy", "dp-sgd", "--rounds", "2"])
        #expect(run.status != 0 && run.standardOutput.isEmpty)
        #expect(run.standardError.contains("needs a public range") && run.standardError.contains("Missing for: bmi"))
        // Without privacy the same data trains (imputation and standardization from the sites).
        let plain = try await runPrivagg(["train", "--dataset", "csv", "--data", folder, "--privacy", "none", "--aggregator", "plain", "--rounds", "2"])
        #expect(plain.status == 0, "\(plain.standardError)")
    }

    @Test func aBadRowNamesFileLineAndColumn() async throws {
        let folder = try Self.folder()
        try FileManager.default.copyItem(atPath: Self.examples + "/schema.json", toPath: folder + "/schema.json")
        try Data("patient_id,age,bmi,systolic_bp,smoker,diabetes\nx1,40,22,130,never,yes\nx2,41,abc,130,never,no\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/a.csv"))
        let run = try await runPrivagg(["train", "--dataset", "csv", "--data", folder, "--privacy", "none", "--aggregator", "plain"])
        #expect(run.status != 0)
        #expect(run.standardError.contains(#"a.csv:3: column 3 (bmi): "abc" is not a number"#))
    }

    @Test func dataOptionsNeedTheCSVDataset() async throws {
        let run = try await runPrivagg(["train", "--data", Self.examples])
        #expect(run.status != 0 && run.standardError.contains("--data and --schema apply to --dataset csv only"))
        let missing = try await runPrivagg(["train", "--dataset", "csv"])
        #expect(missing.status != 0 && missing.standardError.contains("--dataset csv needs --data"))
    }

    @Test func experimentWritesTablesAndPlotsAndARerunSkipsEverything() async throws {
        let folder = try Self.folder()
        let config = """
            {"dataset": {"name": "csv", "data": "\(Self.examples)"}, "rounds": 2, "seeds": [1, 2],
             "privacy": ["none"], "aggregators": ["plain"]}
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/grid.json"))
        let first = try await runPrivagg(["experiment", folder + "/grid.json", "--output", folder + "/out"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("| none/plain/logistic | 2 |"))
        for name in ["results.csv", "summary.md", "summary.csv", "summary.tex", "accuracy_vs_epsilon.svg", "accuracy_per_round.svg", "per_site_accuracy.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/out/" + name), "\(name)")
        }
        let again = try await runPrivagg(["experiment", folder + "/grid.json", "--output", folder + "/out"])
        #expect(again.status == 0 && again.standardError.components(separatedBy: "already in results.csv, skipped").count == 3)
        let bad = try await runPrivagg(["experiment", folder + "/grid.json".replacingOccurrences(of: "grid", with: "missing")])
        #expect(bad.status != 0 && bad.standardError.contains("experiment configuration: $:"))
    }
}

/// `report --format svg --output` writes the SVG (and PNG) but never over a ledger.
@Suite("Ledger plot output")
struct LedgerPlotOutputTests {
    @Test func svgOutputNeverReplacesALedger() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-svg-\(UUID().uuidString)").path
        let run = try await runPrivagg(["train", "--rounds", "1", "--aggregator", "plain", "--seed", "1", "--output", folder])
        #expect(run.status == 0, "\(run.standardError)")
        let ledger = folder + "/ledgers/cleveland.ledger"
        let before = try Data(contentsOf: URL(fileURLWithPath: ledger))
        let refused = try await runPrivagg(["report", ledger, "--format", "svg", "--output", ledger])
        #expect(refused.status != 0 && refused.standardError.contains("it is a privacy ledger"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger)) == before)
        let plot = try await runPrivagg(["report", ledger, "--format", "svg", "--output", folder + "/budget.svg"])
        #expect(plot.status == 0)
        #expect(try String(contentsOfFile: folder + "/budget.svg", encoding: .utf8).contains("budget ε = 3"))
    }
}
