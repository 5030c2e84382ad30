import Foundation
import Testing
@testable import PrivacyAccounting

/// A scratch folder removed when the test that made it ends (each test runs on its own suite
/// instance), so ledger tests leave nothing in the system's temporary directory.
final class ScratchFolder: Sendable {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-ledger-\(UUID().uuidString)")

    init() { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// A path for `name` in its own subfolder (several ledgers per test stay apart).
    func path(_ name: String) -> String {
        let folder = url.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name).path
    }
}

@Suite final class LedgerTests: Sendable {
    let scratch = ScratchFolder()

    static let step = PrivacyEvent.dpSGD(samplingRate: 0.01, noiseMultiplier: 1.1, steps: 100)

    @Test func reopeningRecoversEveryCommittedSpend() async throws {
        let path = scratch.path("ledger.jsonl")
        var ledger: PrivacyLedger? = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 5, delta: 1e-5))
        try await ledger!.spend(Self.step, label: "epoch 1")
        try await ledger!.spend(.laplace(scale: 10, sensitivity: 1), label: "count")
        let after = try await ledger!.spend(Self.step, label: "epoch 2")
        let entries = await ledger!.entries
        // While the first ledger is open, its file is locked against a second one.
        #expect(accountingError { _ = try PrivacyLedger(openingAt: path) }?.caseName == "ledgerInUse")
        ledger = nil
        let reopened = try PrivacyLedger(openingAt: path)
        #expect(await reopened.entries == entries)
        #expect(await reopened.spent == after)
        #expect(reopened.budget == PrivacyLedger.Budget(epsilon: 5, delta: 1e-5))
        #expect(await reopened.entries.map(\.label) == ["epoch 1", "count", "epoch 2"])
        #expect(accountingError { _ = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 1, delta: 1e-5)) }?.caseName == "ledgerIO")
    }

    @Test func spendBeyondTheBudgetIsRefusedAndWritesNothing() async throws {
        let path = scratch.path("ledger.jsonl")
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 1, delta: 1e-5))
        try await ledger.spend(.gaussian(noiseMultiplier: 10))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(await accountingError { try await ledger.spend(.gaussian(noiseMultiplier: 1)) }?.caseName == "budgetExceeded")
        do {
            try await ledger.spend(.gaussian(noiseMultiplier: 1))
        } catch PrivacyAccountingError.budgetExceeded(_, let requested, let budget, _) {
            #expect(requested > budget)
        }
        #expect(await accountingError { try await ledger.spend(.nonPrivate) }?.caseName == "budgetExceeded")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(await ledger.entries.count == 1)
    }

    /// Cut the file at every byte offset inside its last record: every cut must reopen to the
    /// history without that record, and the next spend must replace the torn bytes cleanly.
    @Test func tornLastRecordIsIgnoredAtEveryByteOffset() async throws {
        let path = scratch.path("ledger.jsonl")
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 10, delta: 1e-5))
        try await ledger.spend(.gaussian(noiseMultiplier: 20))
        let committedLength = try Data(contentsOf: URL(fileURLWithPath: path)).count
        try await ledger.spend(.gaussian(noiseMultiplier: 30))
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let firstOnly = try LedgerFile.read(path: path).entries.prefix(1)
        let cutPath = scratch.path("cut.jsonl")
        for cut in committedLength..<full.count {
            try full.prefix(cut).write(to: URL(fileURLWithPath: cutPath))
            let contents = try LedgerFile.read(path: cutPath)
            #expect(contents.entries[...] == firstOnly, "cut at \(cut)")
            #expect(contents.validLength == committedLength)
            #expect(contents.hadTornRecord == (cut > committedLength))
        }
        // The next append cuts the torn bytes away (checked at the two ends of the range).
        for cut in [committedLength + 1, full.count - 1] {
            try full.prefix(cut).write(to: URL(fileURLWithPath: cutPath))
            let recovered = try PrivacyLedger(openingAt: cutPath)
            try await recovered.spend(.gaussian(noiseMultiplier: 40))
            let again = try LedgerFile.read(path: cutPath)
            #expect(again.entries.count == 2 && !again.hadTornRecord)
            #expect(again.entries[1].event == .gaussian(noiseMultiplier: 40))
        }
    }

    @Test func corruptMiddleRecordIsATypedError() async throws {
        let path = scratch.path("ledger.jsonl")
        var ledger: PrivacyLedger? = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 10, delta: 1e-5))
        try await ledger!.spend(.gaussian(noiseMultiplier: 20))
        try await ledger!.spend(.gaussian(noiseMultiplier: 30))
        ledger = nil
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let firstNewline = try #require(bytes.firstIndex(of: 0x0A))
        let target = try #require(bytes[(firstNewline + 1)...].firstIndex(of: UInt8(ascii: "2")))  // σ = 20
        bytes[target] = UInt8(ascii: "1")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(accountingError { _ = try PrivacyLedger(openingAt: path) }?.caseName == "corruptLedger")
        do {
            _ = try PrivacyLedger(openingAt: path)
        } catch PrivacyAccountingError.corruptLedger(_, let offset, let reason) {
            #expect(offset == firstNewline + 1)
            #expect(reason.contains("checksum"))
        }
    }

    /// A header with a valid checksum but an impossible budget is corrupt, not a budget.
    @Test(arguments: [(-1.0, 1e-5), (1.0, 0.0), (1.0, 2.0), (1.0, -1e-5)])
    func checksummedButImpossibleBudgetIsCorrupt(epsilon: Double, delta: Double) throws {
        let path = scratch.path("forged.jsonl")
        let header = LedgerFile.Header(epsilon: epsilon, delta: delta, neighboringRelation: .addOrRemoveOne)
        try Data(try LedgerFile.encodeRecord(header)).write(to: URL(fileURLWithPath: path))
        #expect(accountingError { _ = try LedgerFile.read(path: path) }?.caseName == "corruptLedger")
        #expect(accountingError { _ = try PrivacyLedger(openingAt: path) }?.caseName == "corruptLedger")
    }

    /// 40 concurrent spends of an event of which exactly k fit: exactly k commit.
    @Test func concurrentSpendsNeverOvershoot() async throws {
        let path = scratch.path("ledger.jsonl")
        let event = PrivacyEvent.gaussian(noiseMultiplier: 5)
        // The largest k with ε(k events) ≤ budget, for budget chosen between k = 7 and 8.
        var accountant = RDPAccountant()
        try accountant.compose(event, count: 7)
        let seven = try accountant.epsilon(delta: 1e-5).epsilon
        try accountant.compose(event)
        let eight = try accountant.epsilon(delta: 1e-5).epsilon
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: (seven + eight) / 2, delta: 1e-5))
        let successes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    do {
                        try await ledger.spend(event)
                        return true
                    } catch PrivacyAccountingError.budgetExceeded {
                        return false  // the only acceptable refusal
                    } catch {
                        Issue.record("a concurrent spend failed with \(error), not budgetExceeded")
                        return false
                    }
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(successes == 7)
        #expect(await ledger.spent.epsilon <= (seven + eight) / 2)
        #expect(try LedgerFile.read(path: path).entries.count == 7)
    }

    /// Many creators racing for one path (two runs starting on the same ledger folder):
    /// exactly one creates it, the others are told it exists, and nobody's file is replaced,
    /// so the winner's lock and spends stay on the file everyone reads.
    @Test func racingCreatorsNeverReplaceEachOther() async throws {
        let path = scratch.path("raced.ledger")
        let outcomes = await withTaskGroup(of: (PrivacyLedger?, Int32?).self) { group in
            for _ in 0..<16 {
                group.addTask {
                    do { return (try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 1, delta: 1e-5)), nil) } catch let error {
                        if case PrivacyAccountingError.ledgerIO(_, _, let code) = error { return (nil, code) }
                        return (nil, -1)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let winners = outcomes.compactMap(\.0)
        #expect(winners.count == 1)
        #expect(outcomes.filter { $0.1 != nil }.allSatisfy { $0.1 == EEXIST })
        let winner = try #require(winners.first)
        try await winner.spend(.gaussian(noiseMultiplier: 10), label: "only")
        // The file at the path is the locked one: a second opener is refused, the spend is there.
        #expect(accountingError { _ = try PrivacyLedger(openingAt: path) }?.caseName == "ledgerInUse")
        #expect(try LedgerFile.read(path: path).entries.map(\.label) == ["only"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
        #expect(leftovers == ["raced.ledger"])
    }
}
