import Foundation
import Testing

/// `privagg train --privacy distributed` (issue 17).
@Suite("train --privacy distributed")
struct TrainDistributedCommandTests {
    @Test func shortRunReportsBothEpsilonsPerRoundAndAtTheEnd() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-train-ddp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let train = try await runPrivagg([
            "train", "--privacy", "distributed", "--mechanism", "skellam", "--clients", "3", "--rounds", "2", "--seed", "1",
            "--epsilon-budget", "100", "--output", folder.path, "--format", "json",
        ])
        #expect(train.status == 0, "\(train.standardError)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(train.standardOutput.utf8)) as? [String: Any])
        #expect(report["privacy"] as? String == "distributed-skellam-16bit")
        #expect(report["aggregator"] as? String == "skellam+secagg")
        let epsilon = try #require(report["epsilon"] as? Double)
        let central = try #require(report["central_gaussian_epsilon"] as? Double)
        #expect(central > 0 && central < epsilon)
        let rounds = try #require(report["rounds"] as? [[String: Any]])
        #expect(rounds.count == 2 && rounds.allSatisfy { $0["central_gaussian_epsilon"] is Double })
        let markdown = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("ε of a central Gaussian with the same total noise"))
        #expect(markdown.contains("| round | accuracy | loss | ε | central-Gaussian ε |"))
    }

    @Test func refusesOtherAggregatorsAndStrayOptions() async throws {
        for aggregator in ["plain", "paillier", "paillier-threshold"] {
            let run = try await runPrivagg(["train", "--privacy", "distributed", "--mechanism", "ddg", "--aggregator", aggregator, "--rounds", "1"])
            #expect(run.status != 0)
            #expect(run.standardError.contains("--privacy distributed needs --aggregator secagg or secagg+"), "\(run.standardError)")
        }
        let noMechanism = try await runPrivagg(["train", "--privacy", "distributed", "--rounds", "1"])
        #expect(noMechanism.status != 0 && noMechanism.standardError.contains("--privacy distributed needs --mechanism ddg or skellam"))
        let strayBits = try await runPrivagg(["train", "--privacy", "central", "--bits", "12", "--rounds", "1"])
        #expect(strayBits.status != 0 && strayBits.standardError.contains("--bits applies to --privacy distributed only"))
        let strayMechanism = try await runPrivagg(["train", "--mechanism", "ddg", "--rounds", "1"])
        #expect(strayMechanism.status != 0 && strayMechanism.standardError.contains("--mechanism applies to --privacy distributed only"))
        let badBits = try await runPrivagg(["train", "--privacy", "distributed", "--mechanism", "ddg", "--bits", "7", "--rounds", "1"])
        #expect(badBits.status != 0 && badBits.standardError.contains("--bits must be in 8...62, got 7"))
    }
}
