import Foundation

/// Why a federation's certificates, TLS files or identities could not be made, read or trusted.
///
/// Every case names the file or value at fault; nothing here is recovered from silently: a
/// node that cannot prove who it is, or cannot check who its peer is, does not start.
public enum FederationTLSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A parameter is out of range or malformed (validity days, host names, …).
    case invalidParameter(name: String, reason: String)
    /// A site or coordinator name is not a safe identifier.
    case invalidNodeName(name: String, reason: String)
    /// The same site name was given twice (or a site is named like the coordinator).
    case duplicateNodeName(String)
    /// The federation directory already exists and is not empty: nothing was overwritten.
    case directoryExists(path: String)
    /// A file or directory operation failed with `errno`.
    case fileSystem(path: String, operation: String, errno: Int32)
    /// A file the TLS directory must hold is absent.
    case missingFile(path: String)
    /// A secret file (private key) or its directory can be read or written by other users.
    case insecurePermissions(path: String, mode: UInt32, required: String)
    /// A PEM file does not hold what it must (one certificate, one P-256/P-384 key).
    case malformedFile(path: String, reason: String)
    /// The private key is not the key of the certificate beside it.
    case keyDoesNotMatchCertificate(path: String)
    /// The certificate was not issued by the federation's CA (`ca.pem` beside it).
    case notIssuedByFederation(path: String)
    /// The certificate is expired or not yet valid.
    case certificateNotCurrentlyValid(path: String, notBefore: Date, notAfter: Date)
    /// The certificate's role (site or coordinator) is not the one the caller needs.
    case wrongRole(path: String, expected: String, found: String)
    /// A peer presented no certificate, or one that does not carry a well-formed identity.
    case peerIdentityUnavailable(reason: String)
    /// A signed SecAgg key did not verify against the certificate of the site it names.
    case keyBindingInvalid(site: String, reason: String)

    /// A sentence naming the problem and the file or value at fault.
    public var description: String {
        switch self {
        case .invalidParameter(let name, let reason):
            return "invalid \(name): \(reason)"
        case .invalidNodeName(let name, let reason):
            return "invalid node name '\(name)': \(reason)"
        case .duplicateNodeName(let name):
            return "the name '\(name)' is given twice (site names are unique and differ from the coordinator's)"
        case .directoryExists(let path):
            return "\(path) exists and is not empty; a federation directory is never overwritten (choose a new --out)"
        case .fileSystem(let path, let operation, let code):
            return "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case .missingFile(let path):
            return "\(path) is missing (create the federation's files with `privagg federation init`)"
        case .insecurePermissions(let path, let mode, let required):
            return "\(path) has mode \(String(mode, radix: 8)); it holds a secret and must be \(required)"
        case .malformedFile(let path, let reason):
            return "\(path): \(reason)"
        case .keyDoesNotMatchCertificate(let path):
            return "\(path): the private key does not belong to the certificate beside it"
        case .notIssuedByFederation(let path):
            return "\(path) was not issued by this federation's CA (ca.pem beside it)"
        case .certificateNotCurrentlyValid(let path, let notBefore, let notAfter):
            return "\(path) is valid only from \(notBefore) to \(notAfter); issue new certificates"
        case .wrongRole(let path, let expected, let found):
            return "\(path) is a \(found) certificate, a \(expected) certificate is needed"
        case .peerIdentityUnavailable(let reason):
            return "the peer's identity cannot be established: \(reason)"
        case .keyBindingInvalid(let site, let reason):
            return "the SecAgg key of site '\(site)' is not bound to its certificate: \(reason)"
        }
    }
}
