/// Errors thrown by the `FedAvg` module.
public enum FedAvgError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is outside its domain.
    case invalidParameter(name: String, reason: String)
    /// A data file is missing or malformed.
    case malformedData(file: String, line: Int, reason: String)
    /// Contributions to one aggregation disagree in shape, or an aggregator failed.
    case aggregationFailed(reason: String)

    /// A one-line explanation suitable for a command-line error message.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason): return "invalid \(name): \(reason)"
        case .malformedData(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .aggregationFailed(let reason): return "aggregation failed: \(reason)"
        }
    }
}
