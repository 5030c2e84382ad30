import X509

/// Checks ``SecAggKeyBinding``s against a federation CA, for code that holds no X.509 types
/// itself (the Federation module's coordinator and site sessions): it keeps the CA and turns
/// the wire form into a verified binding.
public struct SecAggKeyBindingVerifier: Sendable {
    /// The federation CA.
    let authority: Certificate

    /// A verifier trusting `credentials`' federation CA (a coordinator's or a site's: each
    /// node directory holds the CA as ca.pem).
    ///
    /// - Parameter credentials: The node's checked credentials.
    public init(credentials: NodeCredentials) {
        authority = credentials.authority
    }

    /// Verifies a binding received on the wire (already parsed).
    ///
    /// - Parameters:
    ///   - binding: The binding, parsed from its wire form (``SecAggKeyBinding/init(serialized:)``).
    ///   - expectedSite: The site the key must belong to; nil accepts the site the binding
    ///     names (its certificate must still name the same site and chain to the CA).
    ///   - context: The context of the current federation session.
    /// - Returns: The verified binding.
    /// - Throws: ``FederationTLSError/keyBindingInvalid(site:reason:)`` naming the failed check.
    public func verify(_ binding: SecAggKeyBinding, expectedSite: NodeName?, context: [UInt8]) async throws(FederationTLSError) -> SecAggKeyBinding {
        _ = try await binding.verify(authority: authority, expectedSite: expectedSite ?? binding.site, expectedContext: context)
        return binding
    }
}
