import Foundation

/// Errors thrown by the `PrivacyAccounting` module.
public enum PrivacyAccountingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is NaN, infinite or outside its domain.
    case invalidParameter(name: String, reason: String)
    /// The accountant has no sound bound for this event (under this neighbouring relation).
    case unsupportedEvent(event: String, reason: String)
    /// Calibration found no value meeting the target within its search range.
    case calibrationFailed(reason: String)
    /// The spend would take the ledger past its (ε, δ) budget; nothing was written.
    case budgetExceeded(spentEpsilon: Double, requestedEpsilon: Double, budgetEpsilon: Double, delta: Double)
    /// The ledger file is damaged before its last record (or its header is), so its history
    /// cannot be trusted. A torn *last* record is not an error: it is ignored.
    case corruptLedger(path: String, offset: Int, reason: String)
    /// A system call on the ledger file failed.
    case ledgerIO(path: String, operation: String, errno: Int32)
    /// Another open ledger (in another process, or another ``PrivacyLedger`` in this one)
    /// holds the file's lock: it may be spending from the budget right now, so this one may
    /// neither spend from nor replace it.
    case ledgerInUse(path: String)
    /// An existing ledger has another budget or accountant than the run asked for
    /// (``PrivacyLedger/openOrCreate(at:budget:accountant:)``); `found` and `requested`
    /// are readable renderings of the two values.
    case ledgerSettingsMismatch(path: String, setting: LedgerSetting, found: String, requested: String)
    /// The ledger was closed (``PrivacyLedger/close()``): it spends nothing more.
    case ledgerClosed(path: String)

    /// A ledger setting fixed when the ledger is created.
    public enum LedgerSetting: String, Sendable, Equatable {
        /// The (ε, δ) budget.
        case budget
        /// The accountant that checks every spend against the budget.
        case accountant
    }

    /// A one-line explanation suitable for a command-line error message.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason):
            return "invalid \(name): \(reason)"
        case .unsupportedEvent(let event, let reason):
            return "cannot account for \(event): \(reason)"
        case .calibrationFailed(let reason):
            return "calibration failed: \(reason)"
        case .budgetExceeded(let spent, let requested, let budget, let delta):
            return "budget exceeded: spending would bring ε to \(requested) (already spent \(spent)) "
                + "but the budget is ε = \(budget) at δ = \(delta)"
        case .corruptLedger(let path, let offset, let reason):
            return "corrupt ledger \(path) at byte \(offset): \(reason)"
        case .ledgerIO(let path, let operation, let code):
            return "ledger \(path): \(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .ledgerInUse(let path):
            return "ledger \(path) is in use: another process (or another open ledger) holds its lock, "
                + "so a run may be spending from it now; wait for that run to end, or use another ledger folder"
        case .ledgerClosed(let path):
            return "ledger \(path) is closed: it takes no more spends (open it again)"
        case .ledgerSettingsMismatch(let path, .budget, let found, let requested):
            return "the existing ledger \(path) has budget \(found); this run asks for \(requested) (use another ledger folder)"
        case .ledgerSettingsMismatch(let path, .accountant, let found, let requested):
            return "the existing ledger \(path) enforces its budget with the \(found) accountant; this run asks for \(requested) "
                + "(use --accountant \(found) or another ledger folder)"
        }
    }
}
