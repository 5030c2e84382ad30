@testable import FedAvg
import Foundation
import PrivAggTools
import Testing

@Suite("Demo")
struct DemoTests {
    /// The README's `privagg demo --seed 7` figures, reproduced exactly: a change to the
    /// training, the noise, the sampling or the accounting moves at least one of them. The
    /// second run with the same seed must repeat the first round by round.
    @Test func demoMeetsTheGoalAndWritesItsReport() async throws {
        var configuration = Demo.Configuration()
        configuration.seed = 7
        configuration.overheadRounds = 1
        let report = try await Demo.run(configuration)
        #expect(abs(report.finalAccuracy - 0.870) < 5e-4, "accuracy \(report.finalAccuracy)")
        #expect(abs((report.baselineAccuracy ?? 0) - 0.881) < 5e-4, "baseline \(String(describing: report.baselineAccuracy))")
        #expect(abs(report.epsilon - 2.72) < 5e-3, "ε \(report.epsilon)")
        #expect(report.rounds.count == 30)
        #expect(report.finalAccuracy >= Demo.accuracyGoal)
        #expect(report.goalMet == true)
        let again = try await Demo.run(configuration)
        #expect(again.rounds.map(\.accuracy) == report.rounds.map(\.accuracy))
        #expect(again.rounds.map(\.loss) == report.rounds.map(\.loss))
        #expect(again.rounds.map(\.epsilon) == report.rounds.map(\.epsilon))
        #expect(again.finalAccuracy == report.finalAccuracy && again.epsilon == report.epsilon)
        #expect(report.sites.map(\.name) == ["cleveland", "hungarian", "switzerland", "va"])
        #expect(report.overhead.map(\.aggregator) == ["plain", "secagg", "paillier"])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedavg-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ReportWriter.write(report, to: folder)
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/report.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["final_accuracy", "baseline_accuracy", "epsilon", "delta", "epsilon_budget", "aggregator", "sites", "rounds", "overhead"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let round = try #require((object["rounds"] as? [[String: Any]])?.first)
        for key in ["round", "accuracy", "epsilon", "upload_bytes", "crypto_seconds"] { #expect(round[key] != nil, "missing rounds.\(key)") }
        // The baseline has no privacy: its ε is unbounded, written as null (never 0).
        let baselineRound = try #require((object["baseline_rounds"] as? [[String: Any]])?.first)
        #expect(baselineRound["epsilon"] is NSNull)
        let decoded = try JSONDecoder().decode(ExperimentReport.self, from: data)
        #expect(decoded.baselineRounds?.allSatisfy { $0.epsilon == .infinity } == true)
        #expect(decoded.epsilon == report.epsilon && decoded.rounds.count == report.rounds.count)
        let site = try #require((object["sites"] as? [[String: Any]])?.first)
        for key in ["name", "train_size", "test_size", "accuracy"] { #expect(site[key] != nil, "missing sites.\(key)") }
        let row = try #require((object["overhead"] as? [[String: Any]])?.first)
        for key in ["aggregator", "seconds_per_round", "upload_bytes_per_client"] { #expect(row[key] != nil, "missing overhead.\(key)") }
        let svg = try String(contentsOfFile: folder + "/accuracy.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline"))
        #expect(try String(contentsOfFile: folder + "/report.md", encoding: .utf8).contains("| cleveland |"))
    }
}
