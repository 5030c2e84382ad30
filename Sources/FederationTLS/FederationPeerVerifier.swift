import Foundation
import Logging
import NIOCore
import NIOSSL
import SwiftASN1
import X509

/// Verifies the certificate chain a peer presents in the TLS handshake against the federation
/// CA and the federation's rules, with swift-certificates' ``Verifier``:
///
/// - the chain ends at the federation CA (the only trust root: the system's roots are never
///   consulted) and every signature verifies;
/// - every certificate is valid now (RFC 5280: validity, basic constraints, path length, name
///   constraints, no unknown critical extension);
/// - the leaf carries a well-formed ``FederationIdentity`` of the expected role, with the
///   role's extended key usage (`clientAuth` for sites) and not the other's;
/// - when the verifier was given the names it admits, the leaf's name is one of them.
///
/// The coordinator installs it as the transport's custom verification callback
/// (``NodeCredentials/serverTransportSecurity(admitting:logger:)``); the handshake of a peer
/// that fails any rule is refused before any gRPC byte is exchanged, and the validated chain
/// reaches the service as `HTTP2ServerTransport.Posix.Context.peerCertificateChain`.
public struct FederationPeerVerifier: Sendable {
    /// The federation CA.
    public let authority: Certificate
    /// The role peers must have.
    public let expectedRole: FederationRole
    /// The names admitted, or nil for any name the CA certified.
    public let admittedNames: Set<NodeName>?

    /// A verifier.
    ///
    /// - Parameters:
    ///   - authority: The federation CA.
    ///   - expectedRole: The role peers must have (`.site` on the coordinator).
    ///   - admittedNames: The names admitted (e.g. the sites of this run), or nil for any.
    public init(authority: Certificate, expectedRole: FederationRole, admittedNames: Set<NodeName>? = nil) {
        self.authority = authority
        self.expectedRole = expectedRole
        self.admittedNames = admittedNames
    }

    /// Verifies a presented chain (leaf first).
    ///
    /// - Parameter presented: The certificates the peer sent, leaf first.
    /// - Returns: The peer's identity and the validated chain (leaf first, the CA last).
    /// - Throws: ``FederationTLSError/peerIdentityUnavailable(reason:)`` with the rule that failed.
    public func verify(_ presented: [Certificate]) async throws(FederationTLSError) -> (identity: FederationIdentity, chain: [Certificate]) {
        guard let leaf = presented.first else {
            throw .peerIdentityUnavailable(reason: "the peer presented no certificate")
        }
        var verifier = Verifier(rootCertificates: CertificateStore([authority])) {
            RFC5280Policy()
            FederationLeafPolicy(expectedRole: expectedRole, admittedNames: admittedNames)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(presented.dropFirst()))
        switch result {
        case .validCertificate(let chain):
            // The policy accepted this leaf, so its identity parses; read it again to return it.
            let identity = try FederationIdentity(certificate: leaf)
            return (identity, Array(chain))
        case .couldNotValidate(let failures):
            let reasons = failures.map { $0.policyFailureReason.description }
            throw .peerIdentityUnavailable(
                reason: reasons.isEmpty
                    ? "the certificate was not issued by this federation's CA (or has an unknown critical extension)"
                    : Array(Set(reasons)).sorted().joined(separator: "; "))
        }
    }

    /// The callback for NIOSSL's `customVerificationCallbackWithMetadata` (and the gRPC
    /// transports' `customVerificationCallback`): verifies with ``verify(_:)`` off the event
    /// loop and returns the validated chain as metadata, or `.failed`.
    ///
    /// - Parameter logger: Where refusals are logged (at `warning`, with the reason), or nil.
    /// - Returns: The callback.
    public func nioVerificationCallback(logger: Logger? = nil) -> @Sendable ([NIOSSLCertificate], EventLoopPromise<NIOSSLVerificationResultWithMetadata>) -> Void {
        let verifier = self
        return { presented, promise in
            promise.completeWithTask {
                do {
                    var certificates: [Certificate] = []
                    for certificate in presented {
                        do {
                            certificates.append(try Certificate(derEncoded: try certificate.toDERBytes()))
                        } catch {
                            throw FederationTLSError.peerIdentityUnavailable(reason: "a presented certificate does not parse (\(error))")
                        }
                    }
                    let (identity, chain) = try await verifier.verify(certificates)
                    var validated: [NIOSSLCertificate] = []
                    for certificate in chain {
                        var serializer = DER.Serializer()
                        try serializer.serialize(certificate)
                        validated.append(try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der))
                    }
                    logger?.debug("federation peer verified", metadata: ["peer": "\(identity)"])
                    return .certificateVerified(VerificationMetadata(ValidatedCertificateChain(validated)))
                } catch {
                    logger?.warning("federation peer refused in the TLS handshake", metadata: ["reason": "\(error)"])
                    return .failed
                }
            }
        }
    }
}

/// The federation's rules for the leaf certificate (see ``FederationPeerVerifier``).
struct FederationLeafPolicy: VerifierPolicy {
    let expectedRole: FederationRole
    let admittedNames: Set<NodeName>?

    /// Extended key usage and subject alternative names are never marked critical in
    /// federation certificates; this policy claims no critical extension it would not enforce.
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = []

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        let identity: FederationIdentity
        do {
            identity = try FederationIdentity(certificate: chain.leaf)
        } catch {
            return .failsToMeetPolicy(reason: "\(error)")
        }
        guard identity.role == expectedRole else {
            return .failsToMeetPolicy(reason: "the peer is a \(identity.role), a \(expectedRole) is expected")
        }
        if let admittedNames, !admittedNames.contains(identity.name) {
            return .failsToMeetPolicy(reason: "\(identity) is not one of the \(expectedRole)s admitted to this run")
        }
        return .meetsPolicy
    }
}
