import FederationTLS
import Foundation
import SecureAggregation
import Sodium

/// A site's part of SecAgg's authenticated mode in one session: a fresh Ed25519 signing key
/// (libsodium's CSPRNG, held in memory only, never written to disk), its binding to the
/// site's certificate for the coordinator's session id, and the peers' bindings verified so far.
struct SiteAuthentication {
    /// The key that signs this site's AdvertiseKeys and consistency-check responses.
    let signingKey: Ed25519.SigningKey
    /// This site's binding, as sent.
    let binding: [UInt8]
    /// The CA and session id every peer binding is checked against.
    let session: KeyBindingSession
    /// Bindings already verified in this session (bytes → site and key).
    var verified: [[UInt8]: (site: String, key: Ed25519.VerifyingKey)] = [:]
}

extension SiteSession {
    /// The authentication a Welcome asks for, and the KeyBinding reply that carries the new key.
    ///
    /// A site with a certificate refuses a secure aggregator run without authenticated mode:
    /// a coordinator that does not bind keys to certificates could substitute them.
    ///
    /// - Parameters:
    ///   - welcome: The coordinator's Welcome.
    ///   - settings: The settings it announces.
    ///   - credentials: The site's TLS credentials (nil with `--insecure`).
    ///   - site: The site's name, for errors.
    /// - Returns: nil for an unauthenticated run.
    /// - Throws: ``FederationError/keyBindingRefused(site:reason:)``, ``FederationError/malformedMessage(_:)``.
    static func authentication(
        for welcome: Privagg_Federation_V1_Welcome, settings: RunSettings, credentials: NodeCredentials?, site: String
    ) throws(FederationError) -> (SiteAuthentication, Privagg_Federation_V1_SiteMessage)? {
        guard let sessionID = try MessageChecks.sessionID(of: welcome, settings: settings) else {
            if credentials != nil, settings.aggregator.isSecure {
                throw .keyBindingRefused(
                    site: site,
                    reason: "the coordinator runs \(settings.aggregator.rawValue) without authenticated mode; a site with a certificate requires it (a coordinator that binds no keys could substitute them)")
            }
            return nil
        }
        guard let credentials else {
            throw .keyBindingRefused(site: site, reason: "the coordinator runs authenticated SecAgg; this site has no certificate to bind its key with (join --tls DIR)")
        }
        let signingKey = Ed25519.SigningKey()
        let binding: [UInt8]
        do {
            binding = try SecAggKeyBinding(signing: signingKey.verifyingKey.rawRepresentation, context: sessionID, with: credentials).serialized()
        } catch {
            throw .keyBindingRefused(site: site, reason: "cannot sign this site's key: \(error)")
        }
        var message = Privagg_Federation_V1_SiteMessage()
        message.keyBinding.binding = Data(binding)
        let session = KeyBindingSession(verifier: SecAggKeyBindingVerifier(credentials: credentials), sessionID: sessionID)
        return (SiteAuthentication(signingKey: signingKey, binding: binding, session: session), message)
    }

    /// Verifies the peers' bindings a round's parameters carry, each against the federation CA
    /// (not the coordinator's word), before this site charges its ledger or sends anything.
    ///
    /// - Returns: The participants' keys by client id; nil in an unauthenticated run.
    /// - Throws: ``FederationError/keyBindingRefused(site:reason:)``, ``FederationError/malformedMessage(_:)``.
    static func peerIdentities(
        for parameters: Privagg_Federation_V1_SecureAggregationRound?, ownID: Int, authentication: inout SiteAuthentication?
    ) async throws(FederationError) -> [UInt32: Ed25519.VerifyingKey]? {
        guard var current = authentication else {
            if let parameters, !parameters.peerBindings.isEmpty { throw .malformedMessage("peer key bindings in a run without authenticated SecAgg") }
            return nil
        }
        guard let parameters else { return nil }
        defer { authentication = current }
        return try await MessageChecks.peerIdentities(
            parameters.peerBindings, participants: Int(parameters.quantizerClients), ownID: UInt32(ownID), ownBinding: current.binding,
            neighbours: parameters.neighbours, session: current.session, verified: &current.verified)
    }
}
