import Foundation
import Testing
@testable import PrivacyAccounting

/// Ledgers that record which accountant governs their budget (issue 16): version-1 files
/// (written before the field existed) open as RDP, PLD ledgers check every spend with the
/// PLD upper estimate, and unknown versions or accountants fail closed.
@Suite("Ledger accountant")
final class LedgerAccountantTests: Sendable {
    let scratch = ScratchFolder()

    /// A ledger written by PrivAgg before headers named an accountant (main at 0b7c905:
    /// `privagg train --clients 2 --rounds 3 --seed 1 --aggregator plain`), copied so that
    /// opening it (which locks and may append) leaves the fixture alone.
    private func versionOneLedger() throws -> String {
        let url = try #require(Bundle.module.url(forResource: "ledger-v1-rdp", withExtension: "ledger", subdirectory: "Golden"))
        let path = scratch.path("old.ledger")
        try FileManager.default.copyItem(atPath: url.path, toPath: path)
        return path
    }

    private static let step = PrivacyEvent.dpSGD(samplingRate: 0.1, noiseMultiplier: 3, steps: 10)

    @Test func versionOneLedgerOpensAsRDPAndKeepsItsHistory() async throws {
        let path = try versionOneLedger()
        let contents = try LedgerFile.read(path: path)
        #expect(contents.header.version == 1 && contents.header.accountant == .rdp)
        #expect(contents.entries.count == 3)
        let ledger = try PrivacyLedger(openingAt: path)
        #expect(ledger.accountantKind == .rdp)
        // The RDP composition of its spends, as the old code recorded after each one.
        let recorded = try #require(contents.entries.last?.epsilonAfter)
        #expect(abs(await ledger.spent.epsilon - recorded) < 1e-12)
        let expected = try RDPAccountant().composing(Self.step, count: 3).epsilon(delta: 1e-5).epsilon
        #expect(abs(await ledger.spent.epsilon - expected) < 1e-9)
        // It keeps spending under RDP, and stays a version-1 file.
        let after = try await ledger.spend(Self.step, label: "round 4")
        let four = try RDPAccountant().composing(Self.step, count: 4).epsilon(delta: 1e-5).epsilon
        #expect(abs(after.epsilon - four) < 1e-9)
        #expect(try LedgerFile.read(path: path).header.version == 1)
        let report = try BudgetReport(ledger: try LedgerFile.read(path: path))
        #expect(report.governingAccountant == .rdp && report.accountant == .rdp)
        #expect(report.markdown().contains("RDP accountant, tight conversion; it governs this ledger's budget"))
    }

    @Test func rdpLedgersAreStillWrittenByteForByteAsVersionOne() throws {
        let old = try versionOneLedger()
        let oldHeader = try Data(contentsOf: URL(fileURLWithPath: old)).prefix { $0 != 0x0A }
        let path = scratch.path("new.ledger")
        _ = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 3, delta: 1e-5))
        let newHeader = try Data(contentsOf: URL(fileURLWithPath: path)).prefix { $0 != 0x0A }
        #expect(newHeader == oldHeader)
    }

    @Test func pldLedgerRecordsItsAccountantAndReopensWithIt() async throws {
        let path = scratch.path("pld.ledger")
        var ledger: PrivacyLedger? = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 5, delta: 1e-5), accountant: .pld)
        #expect(ledger?.accountantKind == .pld)
        try await ledger?.spend(Self.step, label: "round 1")
        try await ledger?.spend(.gaussian(noiseMultiplier: 20), label: "a query")
        let header = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)).prefix { $0 != 0x0A }, as: UTF8.self)
        #expect(header.contains("\"accountant\":\"pld\"") && header.contains("\"version\":2"))
        let expected = try PLDAccountant().composing(Self.step).composing(.gaussian(noiseMultiplier: 20)).epsilon(delta: 1e-5)
        let spent = try #require(await ledger?.spent)
        #expect(abs(spent.epsilon - expected.epsilon) < 1e-12)
        #expect(spent.epsilonLower == expected.epsilonLower)
        let contents = try LedgerFile.read(path: path)
        #expect(contents.header.accountant == .pld && contents.entries.map(\.epsilonAfter).last == spent.epsilon)
        // Reopened (once the first ledger has let go of its lock), it composes with PLD again.
        ledger = nil
        let reopened = try PrivacyLedger(openingAt: path)
        #expect(reopened.accountantKind == .pld)
        #expect(abs(await reopened.spent.epsilon - expected.epsilon) < 1e-12)
    }

    @Test func pldLedgerAdmitsSpendsAnRDPLedgerRefuses() async throws {
        // The budget is exactly what 20 spends cost by PLD, composed one at a time as the ledger does.
        var accountant = try PLDAccountant()
        for _ in 1...20 { try accountant.compose(Self.step) }
        let budget = PrivacyLedger.Budget(epsilon: try accountant.epsilon(delta: 1e-5).epsilon, delta: 1e-5)
        let tight = try PrivacyLedger(creatingAt: scratch.path("pld.ledger"), budget: budget, accountant: .pld)
        let moments = try PrivacyLedger(creatingAt: scratch.path("rdp.ledger"), budget: budget)
        for round in 1...20 { try await tight.spend(Self.step, label: "round \(round)") }
        #expect(await tight.spent.epsilon == budget.epsilon)
        var refusal: PrivacyAccountingError?
        for round in 1...20 {
            do { try await moments.spend(Self.step, label: "round \(round)") } catch let error as PrivacyAccountingError {
                refusal = error
                break
            }
        }
        let paid = await moments.entries.count
        guard case .budgetExceeded(_, let requested, let limit, _)? = refusal else {
            Issue.record("expected budgetExceeded from the RDP ledger, got \(String(describing: refusal))")
            return
        }
        // RDP stops it short of the 20 spends the PLD ledger paid for, exactly where its own ε crosses.
        #expect(paid < 20 && limit == budget.epsilon)
        let next = try RDPAccountant().composing(Self.step, count: paid + 1).epsilon(delta: 1e-5).epsilon
        #expect(abs(requested - next) < 1e-9 && next > budget.epsilon)
        #expect(try RDPAccountant().composing(Self.step, count: paid).epsilon(delta: 1e-5).epsilon <= budget.epsilon)
    }

    @Test func pldLedgerChecksItsUpperEstimateNotTheLowerBound() async throws {
        // Two spends compose one at a time (FFT self-composition of count 2 differs in the last digits).
        let after = try PLDAccountant().composing(Self.step).composing(Self.step).epsilon(delta: 1e-5)
        let lower = try #require(after.epsilonLower)
        try #require(lower < after.epsilon)
        let ledger = try PrivacyLedger(
            creatingAt: scratch.path("pld.ledger"), budget: .init(epsilon: (lower + after.epsilon) / 2, delta: 1e-5), accountant: .pld)
        try await ledger.spend(Self.step)
        let projected = try await ledger.projected(Self.step)
        #expect(projected.epsilon == after.epsilon)
        let refusal = try await #require(throws: PrivacyAccountingError.self) { try await ledger.spend(Self.step) }
        guard case .budgetExceeded(_, let requested, _, _) = refusal else {
            Issue.record("expected budgetExceeded, got \(refusal)")
            return
        }
        #expect(requested == after.epsilon)
        #expect(await ledger.entries.count == 1)
        #expect(try LedgerFile.read(path: ledger.path).entries.count == 1)
    }

    /// A header as a damaged or future file might hold it.
    private struct RawHeader: Encodable {
        var kind = "header"
        var version: Int
        var epsilon = 3.0
        var delta = 1e-5
        var neighboring_relation = "add_or_remove_one"
        var accountant: String?
    }

    @Test(arguments: [
        (2, "moments", "unknown accountant \"moments\""),
        (2, "PLD", "unknown accountant \"PLD\""),
        (2, nil, "must name its accountant"),
        (1, "pld", "version-1 ledger header has no accountant field"),
        (1, "rdp", "version-1 ledger header has no accountant field"),
        (3, "pld", "version 3 is not supported"),
        (0, nil, "version 0 is not supported"),
    ] as [(Int, String?, String)])
    func unknownVersionsAndAccountantsFailClosed(version: Int, accountant: String?, reason expected: String) throws {
        let path = scratch.path("odd.ledger")
        var bytes = try LedgerFile.encodeRecord(RawHeader(version: version, accountant: accountant))
        bytes += try LedgerFile.encodeRecord(LedgerFile.Entry(sequence: 1, event: Self.step, label: nil, time: 0, epsilonAfter: 1))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        func check(_ error: PrivacyAccountingError) {
            guard case .corruptLedger(let where_, 0, let reason) = error, where_ == path else {
                Issue.record("expected corruptLedger at byte 0, got \(error)")
                return
            }
            #expect(reason.contains(expected), "\(reason)")
        }
        check(try #require(throws: PrivacyAccountingError.self) { try LedgerFile.read(path: path) })
        check(try #require(throws: PrivacyAccountingError.self) { try PrivacyLedger(openingAt: path) })
        // Still recognized as a ledger, so no command writes over it.
        #expect(try LedgerFile.isLedger(path: path))
        // Nothing was changed.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(bytes))
    }

    @Test func reportSaysWhichAccountantGoverns() async throws {
        let path = scratch.path("pld.ledger")
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 5, delta: 1e-5), accountant: .pld)
        try await ledger.spend(Self.step, label: "round 1")
        try await ledger.spend(Self.step, label: "round 2")
        let contents = try LedgerFile.read(path: path)
        let governing = try BudgetReport(ledger: contents)
        #expect(governing.accountant == .pld && governing.governingAccountant == .pld)
        #expect(governing.series.first?.points.last?.epsilon == contents.entries.last?.epsilonAfter)
        #expect(governing.markdown().contains("PLD accountant, upper estimate; it governs this ledger's budget"))
        let json = try governing.json()
        #expect(json.contains("\"governing_accountant\" : \"pld\"") && json.contains("\"accountant\" : \"pld\""))
        let recomputed = try BudgetReport(ledger: contents, accountant: try RDPAccountant())
        #expect(recomputed.accountant == .rdp && recomputed.governingAccountant == .pld)
        #expect(recomputed.markdown().contains("RDP accountant, tight conversion; the ledger enforces its budget with the PLD accountant"))
        let rdp = try RDPAccountant().composing(Self.step, count: 2).epsilon(delta: 1e-5).epsilon
        #expect(abs((recomputed.series.first?.points.last?.epsilon ?? 0) - rdp) < 1e-9)
    }
}
