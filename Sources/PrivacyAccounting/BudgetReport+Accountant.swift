import Foundation

extension BudgetReport {
    /// ε after each committed spend of a ledger, recomputed through any accountant (e.g. the
    /// PLD accountant on a ledger whose budget the RDP accountant governs, or the other way
    /// round). The ledger's neighbouring relation is used; `accountant` must be fresh. The
    /// report names both the accountant used and the one that governs the ledger's budget.
    ///
    /// - Parameters:
    ///   - contents: The ledger's header and committed entries.
    ///   - title: The report's title.
    ///   - accountant: A fresh accountant of the ledger's neighbouring relation.
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` if the accountant's
    ///   relation differs from the ledger's, or the accountant's errors (e.g. an event it
    ///   cannot account for, named).
    public init(ledger contents: LedgerFile.Contents, title: String = "Privacy ledger", accountant: some PrivacyAccountant) throws {
        guard accountant.neighboringRelation == contents.header.neighboringRelation else {
            throw PrivacyAccountingError.invalidParameter(
                name: "neighboring_relation",
                reason: "the ledger uses \(contents.header.neighboringRelation.rawValue), the accountant \(accountant.neighboringRelation.rawValue)")
        }
        var accountant = accountant
        var points = [Point]()
        for entry in contents.entries {
            try accountant.compose(entry.event, count: 1)
            let guarantee = try accountant.epsilon(delta: contents.header.delta)
            points.append(Point(step: entry.sequence, epsilon: guarantee.epsilon, optimalOrder: guarantee.optimalOrder))
        }
        self.init(ledgerHeaderOf: contents, title: title)
        series = [Series(label: "spent", points: points)]
        let name = type(of: accountant).name
        self.accountant = AccountantKind(rawValue: name)
        if self.accountant == nil { otherAccountantName = name }
    }
}
