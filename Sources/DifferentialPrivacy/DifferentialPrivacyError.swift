/// Errors raised by the `DifferentialPrivacy` module for invalid parameters.
public enum DifferentialPrivacyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is out of its valid range (named, with the reason).
    case invalidParameter(name: String, reason: String)

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason): "invalid \(name): \(reason)"
        }
    }
}
