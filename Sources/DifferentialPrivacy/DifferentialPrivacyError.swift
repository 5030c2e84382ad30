/// Errors raised by the `DifferentialPrivacy` module for invalid parameters or input.
public enum DifferentialPrivacyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is out of its valid range (named, with the reason).
    case invalidParameter(name: String, reason: String)
    /// An input vector holds NaN or ±infinity at `index`, so no norm can be bounded (and
    /// no noise can hide it).
    case nonFiniteValue(index: Int)
    /// A mechanism was asked to release a value at `index` (0 for a scalar) outside the
    /// range it releases exactly (`range`): beyond a grid's 2^61 steps, beyond ±2^62 for
    /// the integer mechanisms, or a bucket outside `0..<k` for randomized response.
    case valueOutOfRange(index: Int, range: ClosedRange<Double>)

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason): "invalid \(name): \(reason)"
        case .nonFiniteValue(let index): "non-finite value (NaN or infinity) at index \(index)"
        case .valueOutOfRange(let index, let range):
            "value at index \(index) is outside the releasable range [\(range.lowerBound), \(range.upperBound)]"
        }
    }
}

extension DifferentialPrivacyError {
    /// The same error reported at `index` of a vector (scalar releases report index 0).
    @usableFromInline
    func atIndex(_ index: Int) -> DifferentialPrivacyError {
        switch self {
        case .nonFiniteValue: .nonFiniteValue(index: index)
        case .valueOutOfRange(_, let range): .valueOutOfRange(index: index, range: range)
        case .invalidParameter: self
        }
    }
}
