import Foundation
import PrivacyAccounting
import Testing

@Suite("privagg budget, calibrate and report")
struct AccountingCommandTests {
    static func json(_ run: PrivaggRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
    }

    /// TF Privacy's MNIST tutorial: q = 150/60000, σ = 1.3, 6000 steps, δ = 1e-5 → ε = 0.7242234026, order 19.
    @Test func budgetAsJSONGivesEpsilonDeltaAndOrder() async throws {
        let run = try await runPrivagg(["budget", "--sampling-rate", "0.0025", "--noise-multiplier", "1.3", "--steps", "6000",
                                  "--delta", "1e-5", "--format", "json"])
        #expect(run.status == 0)
        let object = try Self.json(run)
        let epsilon = try #require(object["epsilon"] as? Double)
        #expect(abs(epsilon / 0.7242234026 - 1) < 1e-6)
        #expect(object["delta"] as? Double == 1e-5)
        #expect(object["optimal_order"] as? Double == 19)
    }

    @Test func budgetTextAndMarkdownNameEpsilon() async throws {
        let text = try await runPrivagg(["budget", "--sampling-rate", "0.01", "--noise-multiplier", "4", "--steps", "10000", "--delta", "1e-5"])
        #expect(text.status == 0 && text.standardOutput.hasPrefix("ε = 1.03549 at δ = 1e-05"))
        let markdown = try await runPrivagg(["budget", "--sampling-rate", "0.01", "--noise-multiplier", "4", "--steps", "10000",
                                       "--delta", "1e-5", "--format", "markdown", "--conversion", "classic"])
        #expect(markdown.status == 0 && markdown.standardOutput.contains("| 1.25857 | 20 | classic |"))
    }

    /// Parameters the user typed come back exactly, never rounded into a different value.
    @Test func budgetTextEchoesParametersExactly() async throws {
        let run = try await runPrivagg(["budget", "--sampling-rate", "0.0123456789", "--noise-multiplier", "1.25", "--steps", "10",
                                  "--delta", "0.9999999"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("δ = 0.9999999"))
        #expect(run.standardOutput.contains("q = 0.0123456789, σ = 1.25,"))
    }

    @Test(arguments: [
        ["--sampling-rate", "0", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5"],
        ["--sampling-rate", "1.5", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5"],
        ["--sampling-rate", "nan", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5"],
        ["--sampling-rate", "0.1", "--noise-multiplier", "0", "--steps", "10", "--delta", "1e-5"],
        ["--sampling-rate", "0.1", "--noise-multiplier=-1", "--steps", "10", "--delta", "1e-5"],
        ["--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps=-10", "--delta", "1e-5"],
        ["--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "1"],
        ["--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "0"],
        ["--sampling-rate", "0.1", "--noise-multiplier", "inf", "--steps", "10", "--delta", "1e-5"],
    ])
    func budgetRejectsInvalidArgumentsOnStandardError(arguments: [String]) async throws {
        let run = try await runPrivagg(["budget"] + arguments)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.contains("must be"))
    }

    @Test func calibrateFindsTheNoiseMultiplier() async throws {
        let run = try await runPrivagg(["calibrate", "--target-epsilon", "1", "--delta", "1e-5", "--sampling-rate", "0.01",
                                  "--steps", "10000", "--format", "json"])
        #expect(run.status == 0)
        let object = try Self.json(run)
        let sigma = try #require(object["noise_multiplier"] as? Double)
        let epsilon = try #require(object["epsilon"] as? Double)
        #expect(epsilon <= 1 && epsilon >= 0.99)
        #expect(sigma > 4 && sigma < 4.3)
        let bad = try await runPrivagg(["calibrate", "--target-epsilon", "-1", "--delta", "1e-5", "--sampling-rate", "0.01", "--steps", "10"])
        #expect(bad.status != 0 && bad.standardOutput.isEmpty && !bad.standardError.isEmpty)
    }

    @Test func reportRendersALedgerInEveryFormat() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.jsonl").path
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 2, delta: 1e-5))
        try await ledger.spend(.dpSGD(samplingRate: 0.01, noiseMultiplier: 2, steps: 100), label: "epoch 1")
        try await ledger.spend(.dpSGD(samplingRate: 0.01, noiseMultiplier: 2, steps: 100), label: "epoch 2")

        let markdown = try await runPrivagg(["report", path])
        #expect(markdown.status == 0 && markdown.standardOutput.contains("| 2 | epoch 2 |"))
        let csv = try await runPrivagg(["report", path, "--format", "csv"])
        #expect(csv.standardOutput.split(separator: "\n").count == 3)
        let json = try Self.json(try await runPrivagg(["report", path, "--format", "json"]))
        #expect(json["budget_epsilon"] as? Double == 2)
        let svgPath = directory.appendingPathComponent("plot.svg").path
        let svg = try await runPrivagg(["report", path, "--format", "svg", "--output", svgPath])
        #expect(svg.status == 0 && svg.standardOutput.isEmpty)
        #expect(try String(contentsOfFile: svgPath, encoding: .utf8).hasPrefix("<svg"))
        let missing = try await runPrivagg(["report", directory.appendingPathComponent("none").path])
        #expect(missing.status != 0 && missing.standardOutput.isEmpty && !missing.standardError.isEmpty)
        let folder = try await runPrivagg(["report", directory.path])
        #expect(folder.status != 0 && folder.standardOutput.isEmpty && folder.standardError.contains("is a folder"))
    }
}
