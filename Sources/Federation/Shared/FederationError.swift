/// Why a federation run, a session or one site's part in a round failed.
public enum FederationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A message that does not decode, or whose fields are out of range.
    case malformedMessage(String)
    /// A message that is valid but not the one the current stage expects.
    case unexpectedMessage(expected: String, received: String)
    /// A site the coordinator does not expect, or one already connected.
    case siteRefused(site: String, reason: String)
    /// A stage did not complete in time.
    case timeout(stage: String, seconds: Double)
    /// The other side closed the stream or sent Abort.
    case aborted(reason: String)
    /// A setting is out of range (parameter name, why).
    case invalidParameter(name: String, reason: String)
    /// Fewer sites than the run needs are left.
    case notEnoughSites(available: Int, needed: Int)
    /// A checkpoint file could not be read or written.
    case checkpoint(String)
    /// SecAgg's authenticated mode: a site's key binding (its Ed25519 key signed with its TLS
    /// key) is missing, malformed, or does not verify against the federation CA for that site
    /// and session; or the run's authentication settings are not what this node requires.
    case keyBindingRefused(site: String, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .malformedMessage(let reason): return "malformed message: \(reason)"
        case .unexpectedMessage(let expected, let received): return "unexpected message: expected \(expected), received \(received)"
        case .siteRefused(let site, let reason): return "site \(site) refused: \(reason)"
        case .timeout(let stage, let seconds): return "stage \(stage) timed out after \(seconds) s"
        case .aborted(let reason): return "aborted: \(reason)"
        case .invalidParameter(let name, let reason): return "invalid \(name): \(reason)"
        case .notEnoughSites(let available, let needed): return "only \(available) sites left, \(needed) needed"
        case .checkpoint(let reason): return "checkpoint: \(reason)"
        case .keyBindingRefused(let site, let reason): return "key binding of site \(site) refused: \(reason)"
        }
    }
}
