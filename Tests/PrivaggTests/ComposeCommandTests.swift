import Foundation
import PrivacyAccounting
import Testing

/// `privagg compose` and `privagg budget --accountant / --epsilon`.
@Suite("privagg compose and budget --accountant")
struct ComposeCommandTests {
    /// The README's example: a Gaussian sum query, a Laplace count, randomized response, then
    /// 1000 steps of DP-SGD, under replace-special (randomized response needs a replace relation).
    static let example = """
        {"type": "composed", "events": [
          {"type": "gaussian", "noise_multiplier": 5},
          {"type": "laplace", "scale": 10, "sensitivity": 1},
          {"type": "randomized_response", "noise_parameter": 0.5, "buckets": 4},
          {"type": "self_composed", "count": 1000, "event":
            {"type": "poisson_sampled", "sampling_rate": 0.01, "event": {"type": "gaussian", "noise_multiplier": 1.1}}}
        ]}
        """

    static func withExample<T>(_ body: (String) async throws -> T) async throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-events-\(UUID().uuidString).json").path
        try Data(example.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    static func json(_ run: PrivaggRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
    }

    @Test func composeExampleGivesBothAccountantsAndPLDIsTighter() async throws {
        try await Self.withExample { path in
            let run = try await runPrivagg(["compose", path, "--delta", "1e-5", "--neighboring", "replace-special", "--format", "json"])
            #expect(run.status == 0, "\(run.standardError)")
            let object = try Self.json(run)
            let rdp = try #require(object["rdp"] as? [String: Any]), pld = try #require(object["pld"] as? [String: Any])
            #expect(rdp["accountant"] as? String == "rdp" && pld["accountant"] as? String == "pld")
            let rdpEpsilon = try #require(rdp["epsilon"] as? Double), pldEpsilon = try #require(pld["epsilon"] as? Double)
            let lower = try #require(pld["epsilon_lower"] as? Double), upper = try #require(pld["epsilon_upper"] as? Double)
            #expect(upper == pldEpsilon && lower <= upper && upper < rdpEpsilon)
            #expect(pld["delta"] as? Double == 1e-5)
            // The same event through the library gives the same numbers.
            let event = try JSONDecoder().decode(PrivacyEvent.self, from: Data(Self.example.utf8))
            let library = try PLDAccountant(neighboringRelation: .replaceSpecial).composing(event).epsilon(delta: 1e-5)
            #expect(library.epsilon == pldEpsilon)

            let text = try await runPrivagg(["compose", path, "--delta", "1e-5", "--neighboring", "replace-special"])
            #expect(text.status == 0 && text.standardOutput.contains("PLD: ε ∈ [") && text.standardOutput.contains("Tighter: PLD"))
            let single = try Self.json(try await runPrivagg(["compose", path, "--epsilon", "2", "--neighboring", "replace-special",
                                                       "--accountant", "pld", "--format", "json"]))
            #expect(single["accountant"] as? String == "pld" && single["epsilon"] as? Double == 2)
            #expect(try #require(single["delta_lower"] as? Double) <= (try #require(single["delta"] as? Double)))
        }
    }

    @Test func composeRefusesUnsupportedEventsNamingThem() async throws {
        try await Self.withExample { path in
            let run = try await runPrivagg(["compose", path, "--delta", "1e-5"])
            #expect(run.status != 0 && run.standardOutput.isEmpty)
            #expect(run.standardError.contains("cannot account for randomized_response(p=0.5, k=4)"))
            let both = try await runPrivagg(["compose", path, "--delta", "1e-5", "--epsilon", "1"])
            #expect(both.status != 0 && both.standardError.contains("not both"))
        }
    }

    @Test func budgetWithAccountantsAndEpsilonQueries() async throws {
        let arguments = ["budget", "--sampling-rate", "0.01", "--noise-multiplier", "2", "--steps", "1000"]
        let both = try Self.json(try await runPrivagg(arguments + ["--delta", "1e-5", "--accountant", "both", "--format", "json"]))
        let rdp = try #require(both["rdp"] as? [String: Any]), pld = try #require(both["pld"] as? [String: Any])
        #expect(try #require(pld["epsilon"] as? Double) < (try #require(rdp["epsilon"] as? Double)))
        let onlyPLD = try Self.json(try await runPrivagg(arguments + ["--delta", "1e-5", "--accountant", "pld", "--format", "json"]))
        #expect(onlyPLD["accountant"] as? String == "pld" && onlyPLD["epsilon"] as? Double == pld["epsilon"] as? Double)
        let legacy = try Self.json(try await runPrivagg(arguments + ["--delta", "1e-5", "--format", "json"]))
        #expect(legacy["optimal_order"] != nil && legacy["accountant"] == nil && legacy["epsilon"] as? Double == rdp["epsilon"] as? Double)
        let delta = try await runPrivagg(arguments + ["--epsilon", "1"])
        #expect(delta.status == 0 && delta.standardOutput.contains("RDP: δ = ") && delta.standardOutput.contains("PLD: δ ∈ ["))
        // Without --accountant a step the PLD refuses still gets today's RDP answer (note on stderr);
        // asked for by name, the refusal is an error.
        let tiny = ["budget", "--sampling-rate", "1", "--noise-multiplier", "0.001", "--steps", "1", "--delta", "1e-5"]
        let fallback = try await runPrivagg(tiny)
        #expect(fallback.status == 0 && fallback.standardOutput.hasPrefix("ε = ") && fallback.standardError.contains("PLD not shown"))
        let refused = try await runPrivagg(tiny + ["--accountant", "pld"])
        #expect(refused.status != 0 && refused.standardOutput.isEmpty && refused.standardError.contains("2^25 grid points"))
        let neither = try await runPrivagg(arguments)
        #expect(neither.status != 0 && neither.standardError.contains("--delta"))
    }

    @Test func calibrateThroughThePLDAccountantAndCalibrateSteps() async throws {
        let base = ["calibrate", "--target-epsilon", "1", "--delta", "1e-5", "--sampling-rate", "0.01", "--format", "json"]
        let rdp = try Self.json(try await runPrivagg(base + ["--steps", "300"]))
        let pld = try Self.json(try await runPrivagg(base + ["--steps", "300", "--accountant", "pld"]))
        #expect(pld["accountant"] as? String == "pld")
        #expect(try #require(pld["noise_multiplier"] as? Double) < (try #require(rdp["noise_multiplier"] as? Double)))
        #expect(try #require(pld["epsilon"] as? Double) <= 1)
        let steps = try Self.json(try await runPrivagg(base + ["--noise-multiplier", "1", "--accountant", "pld"]))
        let count = try #require(steps["steps"] as? Int)
        #expect(count > 100)
        let check = try PLDAccountant().composing(.dpSGD(samplingRate: 0.01, noiseMultiplier: 1, steps: count + 1)).epsilon(delta: 1e-5)
        #expect(check.epsilon > 1)
        let both = try await runPrivagg(base + ["--noise-multiplier", "1", "--steps", "10"])
        #expect(both.status != 0 && both.standardError.contains("not both"))
    }

    @Test func reportRecomputesALedgerWithThePLDAccountant() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-pld-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ledger.jsonl").path
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 2, delta: 1e-5))
        try await ledger.spend(.dpSGD(samplingRate: 0.01, noiseMultiplier: 2, steps: 100), label: "epoch 1")
        try await ledger.spend(.dpSGD(samplingRate: 0.01, noiseMultiplier: 2, steps: 100), label: "epoch 2")
        let rdp = try await runPrivagg(["report", path, "--format", "json"])
        let pld = try await runPrivagg(["report", path, "--format", "json", "--accountant", "pld"])
        #expect(rdp.status == 0 && pld.status == 0, "\(pld.standardError)")
        func last(_ run: PrivaggRun) throws -> Double {
            let object = try Self.json(run)
            let series = try #require((object["series"] as? [[String: Any]])?.first)
            let points = try #require(series["points"] as? [[String: Any]])
            #expect(points.count == 2)
            return try #require(points.last?["epsilon"] as? Double)
        }
        let expected = try PLDAccountant().composing(.dpSGD(samplingRate: 0.01, noiseMultiplier: 2, steps: 100), count: 2).epsilon(delta: 1e-5)
        #expect(abs(try last(pld) - expected.epsilon) < 1e-9)
        #expect(try last(pld) < (try last(rdp)))
        let markdown = try await runPrivagg(["report", path, "--accountant", "pld"])
        #expect(markdown.standardOutput.contains("PLD accountant, upper estimate"))
    }
}
