import Foundation

extension PrivacyLedger {
    /// A ledger opened by ``openOrCreate(at:budget:accountant:)``.
    public struct Opened: Sendable {
        /// The open ledger (it holds the file's lock).
        public let ledger: PrivacyLedger
        /// Whether this call created the file (false: an earlier run's ledger was reopened).
        public let created: Bool
    }

    /// Creates the ledger at `path`, or reopens the one an earlier run left there, so that
    /// its spends count against this run: a budget belongs to a data set, not to a run.
    ///
    /// A reopened ledger must have the budget and the accountant asked for: a budget set for
    /// one accountant is never silently enforced by another, and a run never quietly adopts
    /// a budget it was not given. Creation is atomic and never overwrites, so two runs
    /// racing to create the file end with one creator and one opener (refused while the
    /// creator holds the lock).
    ///
    /// - Parameters:
    ///   - path: The ledger file.
    ///   - budget: The (ε, δ) budget this run was given.
    ///   - accountant: The accountant this run was given.
    /// - Returns: The open ledger and whether it was created.
    /// - Throws: ``PrivacyAccountingError/ledgerSettingsMismatch(path:setting:found:requested:)``
    ///   when an existing ledger has another budget or accountant; otherwise what
    ///   ``init(creatingAt:budget:neighboringRelation:accountant:)`` and
    ///   ``init(openingAt:)`` throw (``PrivacyAccountingError/ledgerInUse(path:)`` while
    ///   another open ledger holds the file).
    public static func openOrCreate(at path: String, budget: Budget, accountant: AccountantKind) throws -> Opened {
        let existing: PrivacyLedger
        do {
            return Opened(ledger: try PrivacyLedger(creatingAt: path, budget: budget, accountant: accountant), created: true)
        } catch PrivacyAccountingError.ledgerIO(_, _, let code) where code == EEXIST {
            existing = try PrivacyLedger(openingAt: path)
        }
        guard existing.budget == budget else {
            throw PrivacyAccountingError.ledgerSettingsMismatch(
                path: path, setting: .budget,
                found: "ε = \(existing.budget.epsilon), δ = \(existing.budget.delta)",
                requested: "ε = \(budget.epsilon), δ = \(budget.delta)")
        }
        guard existing.accountantKind == accountant else {
            throw PrivacyAccountingError.ledgerSettingsMismatch(
                path: path, setting: .accountant, found: existing.accountantKind.rawValue, requested: accountant.rawValue)
        }
        return Opened(ledger: existing, created: false)
    }
}
