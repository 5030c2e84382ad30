import Foundation

/// A privacy budget and the durable, append-only record of what has been spent against it
/// (a privacy filter): ``spend(_:label:)`` commits an event only if the composition of
/// everything spent so far plus the event stays within the budget (ε at the budget's δ, by
/// the accountant recorded in the ledger's header: RDP, or the PLD accountant's upper
/// estimate), and acknowledges it only after the record is fsync'd.
///
/// The accountant holds the composition of every committed spend, so a spend composes only
/// its own event onto it (for PLD: one convolution, not the whole history again).
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
    /// The accountant that governs the budget (recorded in the header; RDP for ledgers
    /// written before ledgers recorded it).
    public nonisolated let accountantKind: AccountantKind

    /// Committed spends, in order.
    public private(set) var entries: [LedgerFile.Entry]
    /// The composition of every committed spend.
    private var accountant: any PrivacyAccountant
    /// ε spent so far at the budget's δ, kept with the composition it belongs to.
    private var spentGuarantee: PrivacyGuarantee
    /// The last ``projected(_:)`` answer: the round loop asks before it spends the same
    /// event, and the spend then reuses the composition instead of recomputing it.
    private var lastProjection: (event: PrivacyEvent, accountant: any PrivacyAccountant, guarantee: PrivacyGuarantee)?
    private var validLength: Int
    /// The file's lock; nil once ``close()`` released it.
    private var lock: LedgerFile.Lock?

    /// Creates a new ledger file at `path` with `budget` (fails if the file exists).
    ///
    /// - Parameters:
    ///   - path: Where the ledger file is created.
    ///   - budget: The (ε, δ) budget.
    ///   - neighboringRelation: The relation every spend is accounted under.
    ///   - kind: The accountant that checks every spend against the budget, recorded
    ///     in the header (default RDP; PLD checks with its upper estimate).
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for a bad budget,
    ///   ``PrivacyAccountingError/ledgerIO(path:operation:errno:)`` on I/O failure (`EEXIST`
    ///   if the file exists: it is never replaced); stale temporary files of killed
    ///   creations of this ledger are removed first.
    public init(
        creatingAt path: String, budget: Budget, neighboringRelation: RDPAccountant.NeighboringRelation = .addOrRemoveOne,
        accountant kind: AccountantKind = .rdp
    ) throws {
        guard budget.epsilon.isFinite, budget.epsilon >= 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "epsilon", reason: "budget must be finite and >= 0, got \(budget.epsilon)")
        }
        guard budget.delta.isFinite, budget.delta > 0, budget.delta < 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "delta", reason: "budget must be in (0, 1), got \(budget.delta)")
        }
        let header = LedgerFile.Header(epsilon: budget.epsilon, delta: budget.delta, neighboringRelation: neighboringRelation, accountant: kind)
        // Made before the file, so a failure leaves nothing behind.
        let fresh = try kind.makeAccountant(neighboringRelation: neighboringRelation)
        try LedgerFile.create(path: path, header: header)
        lock = try LedgerFile.Lock(path: path)
        self.path = path
        self.budget = budget
        self.neighboringRelation = neighboringRelation
        accountantKind = kind
        entries = []
        accountant = fresh
        spentGuarantee = try Self.guarantee(of: fresh, delta: budget.delta)
        validLength = try LedgerFile.read(path: path).validLength
    }

    /// Opens an existing ledger, recovering every committed spend; a torn last record is
    /// ignored (and cut off by the next spend).
    ///
    /// - Parameter path: The ledger file.
    /// - Throws: ``PrivacyAccountingError/corruptLedger(path:offset:reason:)`` if a complete
    ///   record is damaged, the header names an unknown version or accountant, or a recorded
    ///   event cannot be accounted for by the ledger's accountant;
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
        accountantKind = contents.header.accountant
        var accountant = try contents.header.accountant.makeAccountant(neighboringRelation: contents.header.neighboringRelation)
        // One spend at a time, as they were checked when spent (for PLD, grouping equal
        // spends into one FFT self-composition would give a slightly different estimate).
        for entry in contents.entries {
            do {
                try accountant.compose(entry.event)
            } catch {
                throw PrivacyAccountingError.corruptLedger(path: path, offset: 0, reason: "spend \(entry.sequence): \(error)")
            }
        }
        self.accountant = accountant
        spentGuarantee = try Self.guarantee(of: accountant, delta: contents.header.delta)
        entries = contents.entries
        validLength = contents.validLength
    }

    /// ε spent so far at the budget's δ: the optimal order for RDP, the interval
    /// [``PrivacyGuarantee/epsilonLower``, ``PrivacyGuarantee/epsilon``] for PLD (the upper
    /// value is what the budget is checked against).
    public var spent: PrivacyGuarantee { spentGuarantee }

    /// ε of `accountant` at `delta`; δ was validated against the header, so only an
    /// accountant's own failure can throw.
    private static func guarantee(of accountant: any PrivacyAccountant, delta: Double) throws -> PrivacyGuarantee {
        try accountant.epsilon(delta: delta)
    }

    /// ε left before the budget is exhausted (never negative).
    public var remainingEpsilon: Double { max(0, budget.epsilon - spent.epsilon) }

    /// The guarantee the ledger would be at after spending `event`, without spending it
    /// (by the ledger's accountant; for PLD the upper estimate is `epsilon`).
    ///
    /// - Parameter event: The event that would be spent.
    /// - Throws: the accountant's errors for invalid or unsupported events.
    public func projected(_ event: PrivacyEvent) throws -> PrivacyGuarantee {
        try composition(after: event).guarantee
    }

    /// The accountant and guarantee after `event`, reusing the last projection of the same
    /// event onto the same history (a spend always clears it).
    private func composition(after event: PrivacyEvent) throws -> (accountant: any PrivacyAccountant, guarantee: PrivacyGuarantee) {
        if let last = lastProjection, last.event == event { return (last.accountant, last.guarantee) }
        var next = accountant
        try next.compose(event, count: 1)
        let guarantee = try next.epsilon(delta: budget.delta)
        lastProjection = (event, next, guarantee)
        return (next, guarantee)
    }

    /// Commits `event` if it fits in the budget; returns the guarantee after the spend.
    ///
    /// - Throws: ``PrivacyAccountingError/budgetExceeded(spentEpsilon:requestedEpsilon:budgetEpsilon:delta:)``
    ///   (nothing written) if ε would exceed the budget; errors of the accountant for invalid
    ///   or unsupported events; ``PrivacyAccountingError/ledgerIO(path:operation:errno:)`` if
    ///   the record could not be made durable (then the spend is not committed in memory either);
    ///   ``PrivacyAccountingError/ledgerClosed(path:)`` after ``close()``.
    @discardableResult
    public func spend(_ event: PrivacyEvent, label: String? = nil) throws -> PrivacyGuarantee {
        let (next, after) = try composition(after: event)
        guard after.epsilon <= budget.epsilon else {
            throw PrivacyAccountingError.budgetExceeded(
                spentEpsilon: spent.epsilon, requestedEpsilon: after.epsilon, budgetEpsilon: budget.epsilon, delta: budget.delta)
        }
        let entry = LedgerFile.Entry(
            sequence: entries.count + 1, event: event, label: label,
            time: Date().timeIntervalSince1970, epsilonAfter: after.epsilon)
        let record = try LedgerFile.encodeRecord(entry)
        guard let lock else { throw PrivacyAccountingError.ledgerClosed(path: path) }
        try lock.append(record, at: validLength, path: path)
        validLength += record.count
        entries.append(entry)
        accountant = next
        spentGuarantee = after
        lastProjection = nil
        return after
    }

    /// Releases the file's lock now, so another ledger (the next run's) can open the file at
    /// once rather than when this actor happens to be deinitialized; later spends throw
    /// ``PrivacyAccountingError/ledgerClosed(path:)``. Reading what was spent still works.
    public func close() {
        lock = nil
    }
}
