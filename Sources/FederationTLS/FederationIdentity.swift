import SwiftASN1
import X509

/// What a node is in a federation: a site (a TLS client that holds data) or the coordinator
/// (the TLS server that only sees protocol messages).
public enum FederationRole: String, Sendable, Hashable, CustomStringConvertible {
    /// A site node: its certificate allows TLS client authentication only.
    case site
    /// The coordinator: its certificate allows TLS server authentication only.
    case coordinator

    /// The scheme of the URI subject alternative name that names a node of this role.
    public var uriScheme: String {
        switch self {
        case .site: return "privagg-site"
        case .coordinator: return "privagg-coordinator"
        }
    }

    /// The extended key usage a certificate of this role must carry.
    var extendedKeyUsage: ExtendedKeyUsage.Usage {
        switch self {
        case .site: return .clientAuth
        case .coordinator: return .serverAuth
        }
    }

    public var description: String { rawValue }
}

/// The identity a federation certificate proves: a role and a node name.
///
/// A federation certificate names its node twice, and both must agree: the subject's common
/// name, and exactly one URI subject alternative name `privagg-site:NAME` (sites) or
/// `privagg-coordinator:NAME` (the coordinator). Its extended key usage must allow the role's
/// side of TLS (`clientAuth` for sites, `serverAuth` for the coordinator) and not the other, so
/// a site certificate cannot serve as a coordinator nor the coordinator's as a site.
///
/// This type only reads a certificate; it does not check who signed it. The coordinator must
/// use it on a certificate the TLS handshake has verified against the federation CA:
/// ``FederationIdentity/site(in:)`` does exactly that with a gRPC `ServerContext`.
public struct FederationIdentity: Hashable, Sendable, CustomStringConvertible {
    /// Site or coordinator.
    public let role: FederationRole
    /// The node's name.
    public let name: NodeName

    /// An identity.
    ///
    /// - Parameters:
    ///   - role: Site or coordinator.
    ///   - name: The node's name.
    public init(role: FederationRole, name: NodeName) {
        self.role = role
        self.name = name
    }

    /// The URI subject alternative name of this identity, e.g. `privagg-site:cleveland`.
    public var uri: String { "\(role.uriScheme):\(name.value)" }

    /// Reads the identity a federation certificate carries.
    ///
    /// - Parameter certificate: A certificate (verified elsewhere against the federation CA).
    /// - Throws: ``FederationTLSError/peerIdentityUnavailable(reason:)`` when the certificate has
    ///   no privagg URI name or more than one, a common name that differs from it, a malformed
    ///   name, or an extended key usage that does not fit its role.
    public init(certificate: Certificate) throws(FederationTLSError) {
        let names: SubjectAlternativeNames?
        do {
            names = try certificate.extensions.subjectAlternativeNames
        } catch {
            throw .peerIdentityUnavailable(reason: "malformed subject alternative names (\(error))")
        }
        var found: [(FederationRole, String)] = []
        for name in names ?? SubjectAlternativeNames([]) {
            guard case .uniformResourceIdentifier(let uri) = name else { continue }
            for role in [FederationRole.site, .coordinator] where uri.hasPrefix(role.uriScheme + ":") {
                found.append((role, String(uri.dropFirst(role.uriScheme.count + 1))))
            }
        }
        guard found.count == 1, let (role, rawName) = found.first else {
            throw .peerIdentityUnavailable(
                reason: found.isEmpty
                    ? "the certificate carries no privagg-site: or privagg-coordinator: URI name"
                    : "the certificate carries \(found.count) privagg URI names; exactly one is allowed")
        }
        let name: NodeName
        do {
            name = try NodeName(rawName)
        } catch {
            throw .peerIdentityUnavailable(reason: "the certificate's node name is not valid: \(error)")
        }
        let commonNames = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }
        guard commonNames.count == 1, String(commonNames[0].value) == name.value else {
            throw .peerIdentityUnavailable(
                reason: "the subject's common name does not equal the certificate's node name '\(name.value)'")
        }
        let usage: ExtendedKeyUsage?
        do {
            usage = try certificate.extensions.extendedKeyUsage
        } catch {
            throw .peerIdentityUnavailable(reason: "malformed extended key usage (\(error))")
        }
        guard let usage, usage.contains(role.extendedKeyUsage) else {
            throw .peerIdentityUnavailable(
                reason: "a \(role) certificate must carry the extended key usage \(role == .site ? "clientAuth" : "serverAuth")")
        }
        let other: FederationRole = role == .site ? .coordinator : .site
        guard !usage.contains(other.extendedKeyUsage) else {
            throw .peerIdentityUnavailable(
                reason: "a \(role) certificate must not also allow \(other == .site ? "clientAuth" : "serverAuth")")
        }
        self.role = role
        self.name = name
    }

    public var description: String { uri }
}
