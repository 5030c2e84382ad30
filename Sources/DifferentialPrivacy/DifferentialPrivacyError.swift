/// Errors raised by the `DifferentialPrivacy` module for invalid parameters or input.
public enum DifferentialPrivacyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is out of its valid range (named, with the reason).
    case invalidParameter(name: String, reason: String)
    /// An input vector holds NaN or ±infinity at `index`, so no norm can be bounded.
    case nonFiniteValue(index: Int)

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason): "invalid \(name): \(reason)"
        case .nonFiniteValue(let index): "non-finite value (NaN or infinity) at index \(index)"
        }
    }
}
