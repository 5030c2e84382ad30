import Foundation
@testable import PrivacyAccounting
import PrivAggTools
import Testing

/// `PrivacyLedger.openOrCreate` (shared by `train`, the federation's sites and coordinator,
/// and the Flower site) and `close()`.
@Suite final class LedgerOpenOrCreateTests: Sendable {
    let scratch = ScratchFolder()
    let budget = PrivacyLedger.Budget(epsilon: 4, delta: 1e-5)

    @Test func aSecondRunReopensTheLedgerAndItsSpends() async throws {
        let path = scratch.path("site.ledger")
        let first = try PrivacyLedger.openOrCreate(at: path, budget: budget, accountant: .rdp)
        #expect(first.created)
        try await first.ledger.spend(.gaussian(noiseMultiplier: 2))
        let spent = await first.ledger.spent.epsilon
        await first.ledger.close()
        let second = try PrivacyLedger.openOrCreate(at: path, budget: budget, accountant: .rdp)
        #expect(!second.created)
        #expect(await second.ledger.spent.epsilon == spent)
        #expect(await second.ledger.entries.count == 1)
    }

    @Test func anotherBudgetIsRefusedNamingBoth() throws {
        let path = scratch.path("budget.ledger")
        _ = try PrivacyLedger(creatingAt: path, budget: budget, accountant: .rdp)
        let asked = PrivacyLedger.Budget(epsilon: 8, delta: 1e-5)
        let error = accountingError { _ = try PrivacyLedger.openOrCreate(at: path, budget: asked, accountant: .rdp) }
        #expect(error == .ledgerSettingsMismatch(path: path, setting: .budget, found: "ε = 4.0, δ = 1e-05", requested: "ε = 8.0, δ = 1e-05"))
        #expect(error?.description.contains("has budget ε = 4.0") == true)
    }

    @Test func anotherAccountantIsRefusedWithTheHint() throws {
        let path = scratch.path("accountant.ledger")
        _ = try PrivacyLedger(creatingAt: path, budget: budget, accountant: .pld)
        let error = accountingError { _ = try PrivacyLedger.openOrCreate(at: path, budget: budget, accountant: .rdp) }
        #expect(error == .ledgerSettingsMismatch(path: path, setting: .accountant, found: "pld", requested: "rdp"))
        #expect(error?.description.contains("enforces its budget with the pld accountant; this run asks for rdp (use --accountant pld") == true)
    }

    @Test func aHeldLedgerIsStillRefusedAsInUse() throws {
        let path = scratch.path("held.ledger")
        let held = try PrivacyLedger(creatingAt: path, budget: budget)
        #expect(throws: PrivacyAccountingError.ledgerInUse(path: path)) { _ = try PrivacyLedger.openOrCreate(at: path, budget: self.budget, accountant: .rdp) }
        _ = held
    }

    @Test func closeReleasesTheLockAtOnceAndRefusesLaterSpends() async throws {
        let path = scratch.path("closed.ledger")
        // Kept referenced: only close(), not deinitialization, can release the lock here.
        let ledger = try PrivacyLedger(creatingAt: path, budget: budget)
        try await ledger.spend(.gaussian(noiseMultiplier: 3))
        #expect(LedgerFile.isInUse(path: path))
        await ledger.close()
        #expect(!LedgerFile.isInUse(path: path))
        let error = await accountingError { try await ledger.spend(.gaussian(noiseMultiplier: 3)) }
        #expect(error == .ledgerClosed(path: path))
        #expect(await ledger.entries.count == 1)
        let reopened = try PrivacyLedger(openingAt: path)
        #expect(await reopened.entries.count == 1)
    }
}
