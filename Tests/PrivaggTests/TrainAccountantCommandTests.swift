import Foundation
import Testing

/// `privagg train --accountant` and `privagg report` on the ledgers it writes (issue 16).
@Suite("train --accountant")
struct TrainAccountantCommandTests {
    private static func object(_ run: PrivaggRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any], "\(run.standardError)")
    }

    @Test func pldTrainingWritesPLDLedgersAndTheReportSaysSo() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-train-pld-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledgers = folder.appendingPathComponent("ledgers").path
        let common = ["train", "--clients", "2", "--rounds", "3", "--aggregator", "plain", "--seed", "1", "--ledger-dir", ledgers]
        let train = try await runPrivagg(common + ["--accountant", "pld", "--format", "json"])
        #expect(train.status == 0, "\(train.standardError)")
        let report = try Self.object(train)
        #expect(report["accountant"] as? String == "pld")
        let epsilon = try #require(report["epsilon"] as? Double)

        let ledger = ledgers + "/cleveland.ledger"
        let governing = try Self.object(try await runPrivagg(["report", ledger, "--format", "json"]))
        #expect(governing["governing_accountant"] as? String == "pld" && governing["accountant"] as? String == "pld")
        let points = try #require(((governing["series"] as? [[String: Any]])?.first?["points"]) as? [[String: Any]])
        #expect(points.count == 3)
        #expect(abs((points.last?["epsilon"] as? Double ?? 0) - epsilon) < 1e-12)
        let recomputed = try await runPrivagg(["report", ledger, "--accountant", "rdp"])
        #expect(recomputed.status == 0)
        #expect(recomputed.standardOutput.contains("RDP accountant, tight conversion; the ledger enforces its budget with the PLD accountant"))

        // Reopening those ledgers under the default accountant is refused before training.
        let again = try await runPrivagg(common)
        #expect(again.status != 0)
        #expect(again.standardError.contains("enforces its budget with the pld accountant"), "\(again.standardError)")
        let after = try Self.object(try await runPrivagg(["report", ledger, "--format", "json"]))
        #expect((((after["series"] as? [[String: Any]])?.first?["points"]) as? [[String: Any]])?.count == 3)
    }

    @Test func textOutputNamesTheAccountantAndRDPStaysTheDefault() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-train-rdp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["train", "--clients", "2", "--rounds", "2", "--aggregator", "plain", "--seed", "1"]
        let rdp = try await runPrivagg(common + ["--ledger-dir", folder.appendingPathComponent("rdp").path])
        #expect(rdp.status == 0 && rdp.standardOutput.contains("(record level, largest over the sites; RDP accountant)"), "\(rdp.standardError)")
        let header = try String(contentsOfFile: folder.appendingPathComponent("rdp/cleveland.ledger").path, encoding: .utf8)
        #expect(header.contains("\"version\":1") && !header.contains("\"accountant\""))
        let pld = try await runPrivagg(common + ["--ledger-dir", folder.appendingPathComponent("pld").path, "--accountant", "pld"])
        #expect(pld.status == 0 && pld.standardOutput.contains("PLD accountant)"), "\(pld.standardError)")
        let none = try await runPrivagg(["train", "--privacy", "none", "--accountant", "pld", "--rounds", "1"])
        #expect(none.status != 0 && none.standardError.contains("--accountant has no effect with --privacy none"))
        let unknown = try await runPrivagg(common + ["--accountant", "moments"])
        #expect(unknown.status != 0 && unknown.standardError.contains("moments"))
    }
}
