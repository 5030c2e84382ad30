import FederationTLS
import Foundation
import Sodium

/// SecAgg's authenticated mode over the wire (Bonawitz et al. 2017 §6): what a coordinator or
/// a site needs to check key bindings in one federation session.
///
/// The coordinator draws a 32-byte session id per run from libsodium's CSPRNG and sends it in
/// Welcome; each site binds a fresh Ed25519 key to its certificate for that id
/// (``SecAggKeyBinding``), so a binding made for another run does not verify in this one.
struct KeyBindingSession: Sendable {
    /// The length of a session id.
    static let sessionIDLength = 32
    /// The largest key binding accepted (a binding holds a site certificate of under 1 KB,
    /// a 32-byte key, the session id and an ECDSA signature).
    static let maximumBindingBytes = 8192

    /// Checks bindings against the federation CA.
    let verifier: SecAggKeyBindingVerifier
    /// The run's session id: every binding's context.
    let sessionID: [UInt8]
}

extension MessageChecks {
    // MARK: Key bindings (SecAgg's authenticated mode)

    /// The session id a Welcome announces: 32 bytes when SecAgg runs authenticated (a secure
    /// aggregator), none otherwise.
    ///
    /// - Returns: The session id, or nil for an unauthenticated run.
    /// - Throws: ``FederationError/malformedMessage(_:)``.
    static func sessionID(of welcome: Privagg_Federation_V1_Welcome, settings: RunSettings) throws(FederationError) -> [UInt8]? {
        guard welcome.secaggAuthenticated else {
            guard welcome.sessionID.isEmpty else { throw .malformedMessage("a session id in a run without authenticated SecAgg") }
            return nil
        }
        guard settings.aggregator.isSecure else {
            throw .malformedMessage("authenticated SecAgg announced for the \(settings.aggregator.rawValue) aggregator")
        }
        guard welcome.sessionID.count == KeyBindingSession.sessionIDLength else {
            throw .malformedMessage("a session id of \(welcome.sessionID.count) bytes, expected \(KeyBindingSession.sessionIDLength)")
        }
        return [UInt8](welcome.sessionID)
    }

    /// Parses one key binding strictly (its size within ``KeyBindingSession/maximumBindingBytes``,
    /// then ``SecAggKeyBinding/init(serialized:)``), without verifying it.
    ///
    /// - Throws: ``FederationError/keyBindingRefused(site:reason:)``.
    static func keyBinding(_ bytes: [UInt8], site: String?) throws(FederationError) -> SecAggKeyBinding {
        guard !bytes.isEmpty, bytes.count <= KeyBindingSession.maximumBindingBytes else {
            throw .keyBindingRefused(site: site ?? "?", reason: "a binding of \(bytes.count) bytes, expected 1...\(KeyBindingSession.maximumBindingBytes)")
        }
        do {
            return try SecAggKeyBinding(serialized: bytes)
        } catch {
            throw .keyBindingRefused(site: site ?? "?", reason: "\(error)")
        }
    }

    /// Parses and verifies one key binding: at most ``KeyBindingSession/maximumBindingBytes``,
    /// a valid site certificate of the federation naming `site` (or, when nil, the site the
    /// binding names), this session's context, a valid signature, and a 32-byte Ed25519 key.
    ///
    /// - Parameters:
    ///   - bytes: The binding's wire form.
    ///   - site: The site it must belong to (the coordinator passes the name from the peer
    ///     certificate); nil accepts the binding's own site name, whose certificate must match.
    ///   - session: The CA and session id.
    /// - Returns: The site the key belongs to and the key.
    /// - Throws: ``FederationError/keyBindingRefused(site:reason:)`` naming the failed check.
    static func verifiedKey(
        binding bytes: [UInt8], site: String?, session: KeyBindingSession
    ) async throws(FederationError) -> (site: String, key: Ed25519.VerifyingKey) {
        let label = site ?? "?"
        let parsed = try keyBinding(bytes, site: site)
        let expected: NodeName?
        do {
            expected = try site.map { try NodeName($0) }
        } catch {
            throw .keyBindingRefused(site: label, reason: "\(error)")
        }
        let binding: SecAggKeyBinding
        do {
            binding = try await session.verifier.verify(parsed, expectedSite: expected, context: session.sessionID)
        } catch {
            throw .keyBindingRefused(site: label, reason: "\(error)")
        }
        do {
            return (binding.site.value, try Ed25519.VerifyingKey(rawRepresentation: binding.publicKey))
        } catch {
            throw .keyBindingRefused(site: binding.site.value, reason: "the bound key is not an Ed25519 public key (\(binding.publicKey.count) bytes)")
        }
    }

    /// The identities of a round's participants as a site checks them: the coordinator must
    /// send one binding per participant (`participants` of them, the quantizer's client
    /// count), with distinct client ids, distinct sites and distinct keys, this site's own
    /// binding unchanged under its own id, and every neighbour covered; each binding must
    /// verify against the CA for this session. `verified` caches bindings already checked in
    /// this session (a binding's bytes determine the outcome).
    ///
    /// - Returns: The participants' Ed25519 keys by client id.
    /// - Throws: ``FederationError/keyBindingRefused(site:reason:)`` or
    ///   ``FederationError/malformedMessage(_:)``.
    static func peerIdentities(
        _ bindings: [Privagg_Federation_V1_PeerKeyBinding], participants: Int, ownID: UInt32, ownBinding: [UInt8], neighbours: [UInt32],
        session: KeyBindingSession, verified: inout [[UInt8]: (site: String, key: Ed25519.VerifyingKey)]
    ) async throws(FederationError) -> [UInt32: Ed25519.VerifyingKey] {
        guard bindings.count == participants else {
            throw .malformedMessage("\(bindings.count) peer key bindings for a round of \(participants) sites")
        }
        var identities: [UInt32: Ed25519.VerifyingKey] = [:]
        var sites = Set<String>(), keys = Set<[UInt8]>()
        for peer in bindings {
            let bytes = [UInt8](peer.binding)
            guard identities[peer.clientID] == nil else { throw .malformedMessage("two key bindings for client \(peer.clientID)") }
            if peer.clientID == ownID, bytes != ownBinding {
                throw .keyBindingRefused(site: "(this site)", reason: "the coordinator sent another key than this site's under its id \(ownID)")
            }
            let checked: (site: String, key: Ed25519.VerifyingKey)
            if let known = verified[bytes] {
                checked = known
            } else {
                checked = try await verifiedKey(binding: bytes, site: nil, session: session)
                verified[bytes] = checked
            }
            // One certified site, one id: otherwise a coordinator could play one real site as
            // several clients (a Sybil round).
            guard sites.insert(checked.site).inserted else {
                throw .keyBindingRefused(site: checked.site, reason: "its binding is sent for two clients of the round")
            }
            guard keys.insert(checked.key.rawRepresentation).inserted else {
                throw .keyBindingRefused(site: checked.site, reason: "its key is bound to another site too")
            }
            identities[peer.clientID] = checked.key
        }
        guard identities[ownID] != nil else { throw .keyBindingRefused(site: "(this site)", reason: "this site's own binding is missing from the round") }
        if let missing = neighbours.first(where: { identities[$0] == nil }) {
            throw .keyBindingRefused(site: "client \(missing)", reason: "a neighbour without a key binding")
        }
        return identities
    }
}
