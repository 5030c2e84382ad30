import DifferentialPrivacy

/// The `DifferentialPrivacyError` that `body` threw; nil if it returned or threw another type.
func thrownPrivacyError<Result>(_ body: () throws -> Result) -> DifferentialPrivacyError? {
    do { _ = try body() } catch { return error as? DifferentialPrivacyError }
    return nil
}

extension DifferentialPrivacyError {
    /// The parameter an `invalidParameter` names, so a test checks which input was refused
    /// without pinning the reason's wording; nil for every other case.
    var invalidParameterName: String? {
        if case .invalidParameter(let name, _) = self { return name }
        return nil
    }
}
