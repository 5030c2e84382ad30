import Foundation

extension BudgetReport {
    /// ε after each committed spend of a ledger, recomputed through any accountant (e.g. the
    /// PLD accountant, whose ε is tighter than the RDP accountant the ledger enforces its
    /// budget with). The ledger's neighbouring relation is used; `accountant` must be fresh.
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
        var header = contents
        header.entries = []
        try self.init(ledger: header, title: title)
        series = [Series(label: "spent", points: points)]
        labels = contents.entries.map { $0.label ?? $0.event.description }
        accountantDescription = type(of: accountant).name == PLDAccountant.name
            ? "PLD accountant, upper estimate; the ledger enforces its budget with the RDP accountant"
            : "RDP accountant, tight conversion"
    }
}
