import Foundation
import Testing

@Suite("privagg train, demo and bench overhead")
struct TrainCommandTests {
    @Test(arguments: [
        ["train", "--aggregator", "bogus"],
        ["train", "--privacy", "maybe"],
        ["train", "--dataset", "mnist"],
        ["train", "--clients", "5"],
        ["train", "--rounds", "0"],
        ["train", "--delta", "2"],
        ["train", "--epsilon-budget", "-1"],
        ["train", "--format", "xml"],
        ["train", "--sampling-rate", "0"],
        ["train", "--model", "transformer"],
        ["train", "--model", "mlp", "--hidden-units", "0"],
        ["train", "--hidden-units", "100000"],
        ["bench", "overhead", "--clients", "1", "--dimension", "10"],
        ["bench", "overhead", "--clients", "3"],
        ["bench", "overhead", "--clients", "4", "--dimension", "10000000000000"],
        ["bench", "overhead", "--clients", "1000", "--dimension", "1000000"],
        ["train", "--dataset", "synthetic", "--dimension", "100000000000"],
        ["train", "--dataset", "synthetic", "--clients", "1000", "--records-per-client", "100000", "--dimension", "10"],
        ["train", "--dataset", "synthetic", "--clients", "100000"],
        ["demo", "--bogus"],
    ])
    func badFlagsFailWithAMessageOnStandardError(arguments: [String]) async throws {
        let run = try await runPrivagg(arguments)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }

    @Test func trainPrintsJSONWithTheRequiredFields() async throws {
        let run = try await runPrivagg(["train", "--rounds", "3", "--aggregator", "secagg", "--privacy", "dp-sgd", "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["aggregator"] as? String == "secagg")
        #expect(object["privacy"] as? String == "dp-sgd")
        #expect((object["rounds"] as? [Any])?.count == 3)
        #expect((object["epsilon"] as? Double ?? 0) > 0)
    }

    /// Without --seed the noise and sampling come from the CSPRNG (two runs differ, though the
    /// split is the same); with --seed a run is reproducible, and the report says which.
    @Test func noiseIsUnpredictableUnlessASeedIsAskedFor() async throws {
        func losses(_ extra: [String]) async throws -> (losses: [Double], settings: [String: Any]) {
            let run = try await runPrivagg(["train", "--rounds", "2", "--aggregator", "plain", "--format", "json"] + extra)
            #expect(run.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
            let rounds = try #require(object["rounds"] as? [[String: Any]])
            return (rounds.compactMap { $0["loss"] as? Double }, try #require(object["settings"] as? [String: Any]))
        }
        let (first, settings) = try await losses([]), (second, _) = try await losses([])
        #expect(first.count == 2 && first != second)
        #expect(settings["seed"] == nil && settings["split_seed"] as? Int == 7)
        let (seeded, seededSettings) = try await losses(["--seed", "11"]), (again, _) = try await losses(["--seed", "11"])
        #expect(seeded == again)
        #expect(seededSettings["seed"] as? Int == 11)
    }

    @Test func trainsTheOneHiddenLayerModel() async throws {
        let run = try await runPrivagg(["train", "--rounds", "3", "--model", "mlp", "--hidden-units", "4", "--aggregator", "secagg+", "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect((object["settings"] as? [String: Any])?["model"] as? String == "mlp-4")
        #expect((object["rounds"] as? [Any])?.count == 3)
    }

    @Test func trainWithPaillierAggregation() async throws {
        let run = try await runPrivagg(["train", "--rounds", "2", "--aggregator", "paillier", "--privacy", "none", "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["aggregator"] as? String == "paillier")
        #expect((object["final_accuracy"] as? Double ?? 0) > 0.7)
        // No privacy means no finite ε: null, not 0.
        #expect(object["epsilon"] is NSNull)
        #expect((object["rounds"] as? [[String: Any]])?.allSatisfy { $0["epsilon"] is NSNull } == true)
    }

    @Test func trainStopsAtTheBudgetAndSaysSo() async throws {
        let run = try await runPrivagg(["train", "--rounds", "30", "--epsilon-budget", "1", "--aggregator", "plain"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("privacy budget reached"))
    }

    @Test func demoWritesItsReport() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await runPrivagg(["demo", "--output", folder.path])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("Goal"))
        for name in ["report.md", "report.json", "accuracy.svg", "epsilon.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), "missing \(name)")
        }
        let data = try Data(contentsOf: folder.appendingPathComponent("report.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((object["final_accuracy"] as? Double ?? 0) >= 0.75)
        #expect((object["epsilon"] as? Double ?? 9) <= 3)
        // The sites' ledgers sit in the report folder, readable by `privagg report`...
        let ledger = folder.appendingPathComponent("ledgers/cleveland.ledger").path
        #expect((object["ledgers"] as? [String])?.contains(ledger) == true)
        let report = try await runPrivagg(["report", ledger, "--format", "json"])
        #expect(report.status == 0 && report.standardOutput.contains("\"epsilon\""))
        // ...and a second demo into the same folder is refused: it never replaces ledgers.
        let before = try Data(contentsOf: URL(fileURLWithPath: ledger))
        let again = try await runPrivagg(["demo", "--output", folder.path])
        #expect(again.status != 0 && again.standardOutput.isEmpty && again.standardError.contains("already holds privacy ledgers"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledger)) == before)
    }

    @Test func trainKeepsItsLedgersAndLaterRunsSpendFromThem() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = ["train", "--aggregator", "plain", "--rounds", "20", "--epsilon-budget", "3", "--output", folder.path]
        let first = try await runPrivagg(arguments)
        #expect(first.status == 0)
        #expect(first.standardOutput.contains("Privacy ledgers in \(folder.path)/ledgers/"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("ledgers/va.ledger").path))
        // 20 rounds spent ε ≈ 2.2 of 3: the next run gets only what is left of the budget.
        let second = try await runPrivagg(arguments)
        #expect(second.status == 0)
        #expect(second.standardOutput.contains("privacy budget reached"))
        // A different budget for the same ledgers is refused, with nothing on stdout.
        let mismatch = try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "2", "--epsilon-budget", "5", "--ledger-dir", folder.appendingPathComponent("ledgers").path])
        #expect(mismatch.status != 0 && mismatch.standardOutput.isEmpty && mismatch.standardError.contains("existing ledger"))
    }

    @Test func unwritableOutputFailsBeforeTraining() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        for command in [["train", "--rounds", "2"], ["demo"]] {
            let run = try await runPrivagg(command + ["--output", file.appendingPathComponent("report").path])
            #expect(run.status != 0 && run.standardOutput.isEmpty, "\(command)")
            #expect(run.standardError.contains("cannot create --output folder") && !run.standardError.contains("NSCocoaErrorDomain"), "\(command): \(run.standardError)")
        }
        let report = try await runPrivagg(["report", "/dev/null/x", "--output", file.appendingPathComponent("x").path])
        #expect(report.status != 0 && !report.standardError.contains("NSCocoaErrorDomain"))
    }

    @Test func benchOverheadAsJSON() async throws {
        let run = try await runPrivagg(["bench", "overhead", "--clients", "5", "--dimension", "100", "--format", "json"])
        #expect(run.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [[String: Any]])
        #expect(rows.compactMap { $0["aggregator"] as? String } == ["plain", "secagg+", "paillier"])
        #expect(rows.allSatisfy { $0["seconds_per_round"] != nil && $0["upload_bytes_per_client"] != nil })
        #expect(run.standardError.contains("timing paillier, round 1/1"))
    }
}

/// A diverging run (learning rate 1e308) used to finish with loss "nan" and exit 0 under
/// the plain aggregator (issue 13, item 7): now every aggregator stops it with a message.
@Suite("privagg train refuses a diverging run")
struct DivergingTrainCommandTests {
    @Test(arguments: [["--privacy", "none"], ["--privacy", "dp-sgd"], ["--privacy", "local"], ["--privacy", "central"]])
    func plainAggregatorRefusesNaN(privacy: [String]) async throws {
        let run = try await runPrivagg(["train", "--aggregator", "plain", "--learning-rate", "1e308", "--rounds", "3", "--seed", "1"] + privacy)
        #expect(run.status != 0)
        #expect(!run.standardOutput.contains("nan"))
        #expect(run.standardError.contains("NaN or infinity") || run.standardError.contains("non-finite value"),
                "stderr: \(run.standardError)")
        #expect(run.standardError.contains("lower the learning rate"), "stderr: \(run.standardError)")
    }
}
