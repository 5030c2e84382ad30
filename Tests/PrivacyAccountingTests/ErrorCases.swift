import PrivacyAccounting

extension PrivacyAccountingError {
    /// The case's name without its payload ("corruptLedger", "ledgerIO", ...), so a test can
    /// name the exact case where the message text (paths, offsets, errno) is incidental.
    var caseName: String { Mirror(reflecting: self).children.first?.label ?? "\(self)" }
}

/// The `PrivacyAccountingError` that `body` threw; nil if it returned or threw another type.
func accountingError(_ body: () throws -> Void) -> PrivacyAccountingError? {
    do { try body() } catch { return error as? PrivacyAccountingError }
    return nil
}

/// The `PrivacyAccountingError` that `body` threw; nil if it returned or threw another type.
func accountingError(_ body: () async throws -> Void) async -> PrivacyAccountingError? {
    do { try await body() } catch { return error as? PrivacyAccountingError }
    return nil
}
