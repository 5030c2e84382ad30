import GRPCCore
import GRPCNIOTransportHTTP2

@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension FederationIdentity {
    /// The site that opened an RPC, from the certificate chain the TLS handshake verified.
    ///
    /// Call it in every coordinator handler before acting on a message, and key all per-site
    /// state by the name it returns, never by a name the message itself carries: a site can
    /// then speak only for itself.
    ///
    /// ```swift
    /// func session(request: StreamingServerRequest<SiteMessage>, context: ServerContext) async throws -> … {
    ///     let site = try FederationIdentity.site(in: context)   // NodeName, e.g. "cleveland"
    ///     …
    /// }
    /// ```
    ///
    /// It requires the chain validated by ``FederationPeerVerifier`` (set only when the server
    /// transport was built with ``NodeCredentials/serverTransportSecurity(admitting:logger:)``):
    /// a plaintext server, or one whose TLS skipped our verifier, gets an error, not an
    /// identity.
    ///
    /// - Parameter context: The RPC's server context.
    /// - Returns: The site's name.
    /// - Throws: ``FederationTLSError/peerIdentityUnavailable(reason:)`` when the transport is
    ///   not the Posix HTTP/2 one, no verified chain is attached, or its leaf is not a site
    ///   certificate.
    public static func site(in context: ServerContext) throws(FederationTLSError) -> NodeName {
        guard let transport = context.transportSpecific as? HTTP2ServerTransport.Posix.Context else {
            throw .peerIdentityUnavailable(reason: "the RPC did not arrive over the TLS HTTP/2 transport (no peer certificate)")
        }
        guard let chain = transport.peerCertificateChain else {
            throw .peerIdentityUnavailable(
                reason: "no certificate chain verified by the federation verifier (plaintext, or TLS configured without it)")
        }
        let identity = try FederationIdentity(certificate: chain.leaf)
        guard identity.role == .site else {
            throw .peerIdentityUnavailable(reason: "the peer is a \(identity.role), not a site")
        }
        return identity.name
    }
}
