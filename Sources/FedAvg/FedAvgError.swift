import DifferentialPrivacy

/// Errors thrown by the `FedAvg` module.
public enum FedAvgError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is outside its domain.
    case invalidParameter(name: String, reason: String)
    /// A data file is missing or malformed.
    case malformedData(file: String, line: Int, reason: String)
    /// Contributions to one aggregation disagree in shape, or an aggregator failed.
    case aggregationFailed(reason: String)
    /// Client `client`'s contribution to an aggregation holds NaN or ±∞ at entry `index`
    /// (typically: training diverged, e.g. a learning rate too large). Every aggregator
    /// refuses it, so no round ends with a NaN model.
    case nonFiniteContribution(client: Int, index: Int)
    /// The noise mechanism refused to release a vector (NaN, ±∞ or beyond its grid):
    /// nothing was released.
    case releaseRefused(DifferentialPrivacyError)

    /// A one-line explanation suitable for a command-line error message.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason): return "invalid \(name): \(reason)"
        case .malformedData(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .aggregationFailed(let reason): return "aggregation failed: \(reason)"
        case .nonFiniteContribution(let client, let index):
            return "aggregation refused: client \(client)'s update holds NaN or infinity at entry \(index) "
                + "(training diverged; lower the learning rate)"
        case .releaseRefused(let error):
            return "noise release refused: \(error.description) (training diverged; lower the learning rate)"
        }
    }
}
