import GRPCNIOTransportHTTP2
import Logging

@available(macOS 15.0, iOS 18.0, watchOS 11.0, tvOS 18.0, visionOS 2.0, *)
extension NodeCredentials {
    /// The coordinator's TLS configuration for `HTTP2ServerTransport.Posix`: mutual TLS with
    /// a client certificate required and verified by ``FederationPeerVerifier`` (federation
    /// CA only, valid now, a site certificate with `clientAuth`, optionally one of
    /// `admitting`). A client without a certificate, or with one that fails, is refused in
    /// the handshake.
    ///
    /// ```swift
    /// let credentials = try NodeCredentials(directory: tlsDirectory, role: .coordinator)
    /// let transport = HTTP2ServerTransport.Posix(
    ///     address: .ipv4(host: "0.0.0.0", port: 7443),
    ///     transportSecurity: try credentials.serverTransportSecurity(admitting: expectedSites, logger: logger))
    /// ```
    ///
    /// - Parameters:
    ///   - admitting: The site names admitted, or nil for every site the CA certified.
    ///   - logger: Where handshake refusals are logged with their reason, or nil.
    /// - Returns: The transport security.
    /// - Throws: ``FederationTLSError/wrongRole(path:expected:found:)`` unless these are
    ///   coordinator credentials.
    public func serverTransportSecurity(admitting: Set<NodeName>? = nil, logger: Logger? = nil) throws(FederationTLSError) -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard identity.role == .coordinator else {
            throw .wrongRole(path: directory + "/" + NodeDirectoryFile.certificate, expected: "coordinator", found: identity.role.description)
        }
        let verifier = FederationPeerVerifier(authority: authority, expectedRole: .site, admittedNames: admitting)
        var tls = HTTP2ServerTransport.Posix.TransportSecurity.TLS.mTLS(
            certificateChain: [.bytes(certificatePEM, format: .pem)],
            privateKey: .bytes(privateKeyPEM.bytes, format: .pem))
        // Verification on (the custom callback replaces BoringSSL's own chain check, so the
        // mode must not be `noVerification`, which would skip the callback); no hostname to
        // check for a client. Trust roots name the CA only, never the system store.
        tls.clientCertificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates([.bytes(authorityPEM, format: .pem)])
        tls.requireALPN = false
        tls.customVerificationCallback = verifier.nioVerificationCallback(logger: logger)
        return .tls(tls)
    }

    /// A site's TLS configuration for `HTTP2ClientTransport.Posix`: it presents its site
    /// certificate and accepts only a coordinator certificate issued by the federation CA
    /// (never the system's roots) whose DNS name or IP address matches the address dialled
    /// (full verification, as BoringSSL does it: chain, validity, `serverAuth`, host name).
    ///
    /// ```swift
    /// let credentials = try NodeCredentials(directory: "fed/sites/cleveland", role: .site)
    /// let transport = try HTTP2ClientTransport.Posix(
    ///     target: .dns(host: "coordinator.example.org", port: 7443),
    ///     transportSecurity: try credentials.clientTransportSecurity())
    /// ```
    ///
    /// - Returns: The transport security.
    /// - Throws: ``FederationTLSError/wrongRole(path:expected:found:)`` unless these are site
    ///   credentials.
    public func clientTransportSecurity() throws(FederationTLSError) -> HTTP2ClientTransport.Posix.TransportSecurity {
        guard identity.role == .site else {
            throw .wrongRole(path: directory + "/" + NodeDirectoryFile.certificate, expected: "site", found: identity.role.description)
        }
        var tls = HTTP2ClientTransport.Posix.TransportSecurity.TLS.mTLS(
            certificateChain: [.bytes(certificatePEM, format: .pem)],
            privateKey: .bytes(privateKeyPEM.bytes, format: .pem))
        tls.serverCertificateVerification = .fullVerification
        tls.trustRoots = .certificates([.bytes(authorityPEM, format: .pem)])
        return .tls(tls)
    }
}
