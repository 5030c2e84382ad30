import Foundation

/// A privacy budget and the durable, append-only record of what has been spent against it
/// (a privacy filter): ``spend(_:label:)`` commits an event only if the composition of
/// everything spent so far plus the event stays within the budget (ε at the budget's δ, by
/// the RDP accountant), and acknowledges it only after the record is fsync'd.
///
/// An actor, so concurrent spends are serialized and can never jointly overshoot. While open,
/// a ledger holds an exclusive `flock` on its file: a second ledger on the same file (in this
/// process or another) is refused with ``PrivacyAccountingError/ledgerInUse(path:)`` rather
/// than allowed to spend the same budget twice. Every write (creation and spends) happens
/// under that lock; nothing in PrivAgg deletes, truncates (beyond a torn, never acknowledged
/// last record) or replaces a ledger. Reading for reports needs no lock.
public actor PrivacyLedger {
    /// A privacy budget (ε, δ).
    public struct Budget: Hashable, Sendable, Codable {
        /// Total ε allowed.
        public var epsilon: Double
        /// The δ at which ε is measured.
        public var delta: Double

        /// A budget; validated by the ledger.
        public init(epsilon: Double, delta: Double) {
            self.epsilon = epsilon
            self.delta = delta
        }
    }

    /// The file backing the ledger.
    public nonisolated let path: String
    /// The budget recorded in the file's header.
    public nonisolated let budget: Budget
    /// The neighbouring relation every spend is accounted under.
    public nonisolated let neighboringRelation: RDPAccountant.NeighboringRelation

    /// Committed spends, in order.
    public private(set) var entries: [LedgerFile.Entry]
    private var accountant: RDPAccountant
    private var validLength: Int
    private let lock: LedgerFile.Lock

    /// Creates a new ledger file at `path` with `budget` (fails if the file exists).
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for a bad budget,
    ///   ``PrivacyAccountingError/ledgerIO(path:operation:errno:)`` on I/O failure (`EEXIST`
    ///   if the file exists: it is never replaced); stale temporary files of killed
    ///   creations of this ledger are removed first.
    public init(creatingAt path: String, budget: Budget, neighboringRelation: RDPAccountant.NeighboringRelation = .addOrRemoveOne) throws {
        guard budget.epsilon.isFinite, budget.epsilon >= 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "epsilon", reason: "budget must be finite and >= 0, got \(budget.epsilon)")
        }
        guard budget.delta.isFinite, budget.delta > 0, budget.delta < 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "delta", reason: "budget must be in (0, 1), got \(budget.delta)")
        }
        let header = LedgerFile.Header(epsilon: budget.epsilon, delta: budget.delta, neighboringRelation: neighboringRelation)
        try LedgerFile.create(path: path, header: header)
        lock = try LedgerFile.Lock(path: path)
        self.path = path
        self.budget = budget
        self.neighboringRelation = neighboringRelation
        entries = []
        accountant = try RDPAccountant(neighboringRelation: neighboringRelation)
        validLength = try LedgerFile.read(path: path).validLength
    }

    /// Opens an existing ledger, recovering every committed spend; a torn last record is
    /// ignored (and cut off by the next spend).
    ///
    /// - Throws: ``PrivacyAccountingError/corruptLedger(path:offset:reason:)`` if a complete
    ///   record is damaged or a recorded event cannot be accounted for;
    ///   ``PrivacyAccountingError/ledgerInUse(path:)`` if another open ledger holds the file;
    ///   ``PrivacyAccountingError/ledgerIO(path:operation:errno:)`` on I/O failure.
    public init(openingAt path: String) throws {
        lock = try LedgerFile.Lock(path: path)
        // Leftovers of creations killed before they finished (see the cleaning rule there).
        LedgerFile.removeStaleTemporaryFiles(of: path)
        let contents = try LedgerFile.read(path: path)
        self.path = path
        budget = Budget(epsilon: contents.header.epsilon, delta: contents.header.delta)
        neighboringRelation = contents.header.neighboringRelation
        var accountant = try RDPAccountant(neighboringRelation: contents.header.neighboringRelation)
        for entry in contents.entries {
            do {
                try accountant.compose(entry.event)
            } catch {
                throw PrivacyAccountingError.corruptLedger(path: path, offset: 0, reason: "spend \(entry.sequence): \(error)")
            }
        }
        self.accountant = accountant
        entries = contents.entries
        validLength = contents.validLength
    }

    /// ε spent so far at the budget's δ, with the optimal order.
    public var spent: PrivacyGuarantee {
        // δ was validated at creation, so the conversion cannot fail.
        (try? accountant.epsilon(delta: budget.delta)) ?? PrivacyGuarantee(epsilon: .infinity, delta: budget.delta, optimalOrder: nil)
    }

    /// ε left before the budget is exhausted (never negative).
    public var remainingEpsilon: Double { max(0, budget.epsilon - spent.epsilon) }

    /// The guarantee the ledger would be at after spending `event`, without spending it.
    public func projected(_ event: PrivacyEvent) throws -> PrivacyGuarantee {
        try accountant.composing(event).epsilon(delta: budget.delta)
    }

    /// Commits `event` if it fits in the budget; returns the guarantee after the spend.
    ///
    /// - Throws: ``PrivacyAccountingError/budgetExceeded(spentEpsilon:requestedEpsilon:budgetEpsilon:delta:)``
    ///   (nothing written) if ε would exceed the budget; errors of the accountant for invalid
    ///   or unsupported events; ``PrivacyAccountingError/ledgerIO(path:operation:errno:)`` if
    ///   the record could not be made durable (then the spend is not committed in memory either).
    @discardableResult
    public func spend(_ event: PrivacyEvent, label: String? = nil) throws -> PrivacyGuarantee {
        let next = try accountant.composing(event)
        let after = try next.epsilon(delta: budget.delta)
        guard after.epsilon <= budget.epsilon else {
            throw PrivacyAccountingError.budgetExceeded(
                spentEpsilon: spent.epsilon, requestedEpsilon: after.epsilon, budgetEpsilon: budget.epsilon, delta: budget.delta)
        }
        let entry = LedgerFile.Entry(
            sequence: entries.count + 1, event: event, label: label,
            time: Date().timeIntervalSince1970, epsilonAfter: after.epsilon)
        let record = try LedgerFile.encodeRecord(entry)
        try lock.append(record, at: validLength, path: path)
        validLength += record.count
        entries.append(entry)
        accountant = next
        return after
    }
}
