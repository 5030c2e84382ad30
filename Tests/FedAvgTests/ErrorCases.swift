import FedAvg

/// The `E` that `body` threw; nil if it returned or threw an error of another type.
func thrownError<E: Error, Result>(_ type: E.Type, _ body: () throws -> Result) -> E? {
    do { _ = try body() } catch { return error as? E }
    return nil
}

/// The `E` that `body` threw; nil if it returned or threw an error of another type.
func thrownError<E: Error, Result>(_ type: E.Type, _ body: () async throws -> Result) async -> E? {
    do { _ = try await body() } catch { return error as? E }
    return nil
}

extension FedAvgError {
    /// The parameter an `invalidParameter` names, so a test checks which input was refused
    /// without pinning the reason's wording; nil for every other case.
    var parameterName: String? {
        if case .invalidParameter(let name, _) = self { return name }
        return nil
    }

    /// "file:line" of a `malformedData`, where the reason's wording is incidental; nil for every other case.
    var malformedDataLocation: String? {
        if case .malformedData(let file, let line, _) = self { return "\(file):\(line)" }
        return nil
    }

    /// The reason of an `aggregationFailed`; nil for every other case.
    var aggregationFailure: String? {
        if case .aggregationFailed(let reason) = self { return reason }
        return nil
    }
}
