/// Why the Flower node refused input or stopped.
public enum FlowerInteropError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Pulled bytes do not hash to the object id they were requested under.
    case objectIDMismatch(expected: String, actual: String)
    /// An object's head or body is not what Flower writes (the reason says what).
    case malformedObject(id: String, reason: String)
    /// The object tree of a message is inconsistent (missing, extra or cyclic objects, or
    /// more objects or bytes than the node accepts).
    case malformedTree(String)
    /// An `Array` PrivAgg cannot read (not `.npy`, or its header contradicts the metadata).
    case unsupportedArray(String)
    /// Malformed `.npy` bytes.
    case npy(NPYError)
    /// A message whose content does not fit what its type needs (missing record, wrong
    /// array names or shapes, non-finite values).
    case invalidContent(String)
    /// The SuperLink answered with an HTTP error (status and its `detail`, or the body's start).
    case http(path: String, status: Int, detail: String)
    /// The exchange with the SuperLink failed before an answer arrived (connection refused or
    /// dropped, timeout, oversized answer).
    case transport(path: String, detail: String)
    /// The SuperLink answered with a body that is not the expected protobuf message.
    case badResponse(path: String, reason: String)
    /// The SuperLink is not a Flower version this node speaks (the reason says which).
    case incompatibleSuperLink(String)
    /// The SuperLink does not recognize this node any more (heartbeat refused).
    case nodeRejected(String)
    /// An object stayed unavailable on the SuperLink past the pull deadline.
    case objectUnavailable(id: String)

    public var description: String {
        switch self {
        case .objectIDMismatch(let expected, let actual): return "object \(expected) has content hashing to \(actual)"
        case .malformedObject(let id, let reason): return "object \(id): \(reason)"
        case .malformedTree(let reason): return "message object tree: \(reason)"
        case .unsupportedArray(let reason): return "array: \(reason)"
        case .npy(let error): return error.description
        case .invalidContent(let reason): return "message content: \(reason)"
        case .http(let path, let status, let detail): return "SuperLink answered \(status) to \(path): \(detail)"
        case .transport(let path, let detail): return "no answer from the SuperLink to \(path): \(detail)"
        case .badResponse(let path, let reason): return "SuperLink's answer to \(path): \(reason)"
        case .incompatibleSuperLink(let reason): return "incompatible SuperLink: \(reason)"
        case .nodeRejected(let reason): return "SuperLink rejected this node: \(reason)"
        case .objectUnavailable(let id): return "object \(id) did not become available on the SuperLink in time"
        }
    }
}
