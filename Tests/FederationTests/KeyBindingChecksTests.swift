import FedAvg
import FederationTLS
import Foundation
import Sodium
import Testing

@testable import Federation

/// SecAgg's authenticated mode over the wire, without processes: the checks the coordinator
/// (``MessageChecks/verifiedKey(binding:site:session:)``) and every site
/// (``MessageChecks/peerIdentities(_:participants:ownID:ownBinding:neighbours:session:verified:)``)
/// run on key bindings, with certificates from real federation directories.
@Suite struct KeyBindingChecksTests {
    /// A federation directory (CA, coordinator, sites) in a fresh temporary folder.
    struct TestPKI {
        let parent: String
        let layout: FederationLayout

        init(sites: [String] = ["alpha", "beta", "gamma"]) throws {
            parent = NSTemporaryDirectory() + "privagg-keybinding-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
            layout = try FederationAuthority.create(in: parent + "/federation", sites: sites, validity: try CertificateValidity())
        }

        func site(_ name: String) throws -> NodeCredentials {
            try NodeCredentials(directory: layout.siteDirectory(try NodeName(name)), role: .site)
        }

        func coordinatorSession(_ sessionID: [UInt8]) throws -> KeyBindingSession {
            let coordinator = try NodeCredentials(directory: layout.coordinatorDirectory, role: .coordinator)
            return KeyBindingSession(verifier: SecAggKeyBindingVerifier(credentials: coordinator), sessionID: sessionID)
        }

        func remove() { try? FileManager.default.removeItem(atPath: parent) }
    }

    static let session = [UInt8](repeating: 0xA5, count: 32)
    static let otherSession = [UInt8](repeating: 0x5A, count: 32)

    /// A fresh Ed25519 key of `site` bound for `sessionID`, as a site makes it after Welcome.
    static func binding(_ credentials: NodeCredentials, sessionID: [UInt8] = session) throws -> (key: Ed25519.SigningKey, bytes: [UInt8]) {
        let key = Ed25519.SigningKey()
        return (key, try SecAggKeyBinding(signing: key.verifyingKey.rawRepresentation, context: sessionID, with: credentials).serialized())
    }

    /// The reason of a `keyBindingRefused` error, or nil for any other error.
    static func refusal(_ error: FederationError?) -> (site: String, reason: String)? {
        guard case .keyBindingRefused(let site, let reason)? = error else { return nil }
        return (site, reason)
    }

    static func peers(_ bindings: [(UInt32, [UInt8])]) -> [Privagg_Federation_V1_PeerKeyBinding] {
        bindings.map { id, bytes in
            var peer = Privagg_Federation_V1_PeerKeyBinding()
            peer.clientID = id
            peer.binding = Data(bytes)
            return peer
        }
    }

    @Test("the coordinator accepts a site's binding for its certificate's name and this session, and refuses it for another site or session")
    func coordinatorChecksSiteAndSession() async throws {
        let federation = try TestPKI()
        defer { federation.remove() }
        let session = try federation.coordinatorSession(Self.session)
        let (key, alpha) = try Self.binding(try federation.site("alpha"))
        let accepted = try await MessageChecks.verifiedKey(binding: alpha, site: "alpha", session: session)
        #expect(accepted.site == "alpha" && accepted.key == key.verifyingKey)

        // The peer certificate says beta: alpha's binding is not beta's key.
        let other = await #expect(throws: FederationError.self) {
            try await MessageChecks.verifiedKey(binding: alpha, site: "beta", session: session)
        }
        let renamed = try #require(Self.refusal(other))
        #expect(renamed.site == "beta" && renamed.reason.contains("the binding names site 'alpha'"), "\(renamed)")

        // Replayed into another run (another session id).
        let replayed = await #expect(throws: FederationError.self) {
            try await MessageChecks.verifiedKey(binding: alpha, site: "alpha", session: try federation.coordinatorSession(Self.otherSession))
        }
        #expect(Self.refusal(replayed)?.reason.contains("another session or round") == true, "\(String(describing: replayed))")
    }

    @Test("a binding signed under another federation's CA, or tampered with, is refused")
    func refusesForeignAndTamperedBindings() async throws {
        let federation = try TestPKI()
        defer { federation.remove() }
        let foreign = try TestPKI()
        defer { foreign.remove() }
        let session = try federation.coordinatorSession(Self.session)

        let (_, foreignAlpha) = try Self.binding(try foreign.site("alpha"))
        let refused = await #expect(throws: FederationError.self) {
            try await MessageChecks.verifiedKey(binding: foreignAlpha, site: "alpha", session: session)
        }
        #expect(Self.refusal(refused)?.reason.contains("not a valid site certificate of this federation") == true, "\(String(describing: refused))")

        // One bit of the bound key flipped after signing (a coordinator substituting a key).
        var tampered = try Self.binding(try federation.site("alpha")).bytes
        let keyOffset = 5 + 2 + "alpha".utf8.count + 2 + Self.session.count + 2
        tampered[keyOffset] ^= 0x01
        let forged = await #expect(throws: FederationError.self) {
            try await MessageChecks.verifiedKey(binding: tampered, site: "alpha", session: session)
        }
        #expect(Self.refusal(forged)?.reason.contains("the signature does not verify") == true, "\(String(describing: forged))")

        // Truncated: a strict parse refuses it before any verification.
        let alpha = try Self.binding(try federation.site("alpha")).bytes
        let truncated = await #expect(throws: FederationError.self) {
            try await MessageChecks.verifiedKey(binding: Array(alpha.dropLast()), site: "alpha", session: session)
        }
        #expect(Self.refusal(truncated)?.reason.contains("truncated") == true, "\(String(describing: truncated))")
    }

    @Test("size limits: an empty or oversized binding is refused before parsing")
    func sizeLimits() async throws {
        #expect(throws: FederationError.keyBindingRefused(site: "alpha", reason: "a binding of 0 bytes, expected 1...8192")) {
            try MessageChecks.keyBinding([], site: "alpha")
        }
        let oversized = [UInt8](repeating: 0, count: KeyBindingSession.maximumBindingBytes + 1)
        #expect(throws: FederationError.keyBindingRefused(site: "?", reason: "a binding of 8193 bytes, expected 1...8192")) {
            try MessageChecks.keyBinding(oversized, site: nil)
        }
        let federation = try TestPKI()
        defer { federation.remove() }
        // A real binding is far below the limit (certificate ~0.5 KB).
        let real = try Self.binding(try federation.site("alpha")).bytes
        #expect(real.count < 1024)
        #expect(try MessageChecks.keyBinding(real, site: "alpha").site.value == "alpha")
    }

    @Test("a site verifies every peer binding itself: a valid round yields the identities; substitution, Sybil, missing and foreign bindings are refused")
    func siteChecksPeerBindings() async throws {
        let federation = try TestPKI()
        defer { federation.remove() }
        let foreign = try TestPKI()
        defer { foreign.remove() }
        let alphaCredentials = try federation.site("alpha")
        let siteSession = KeyBindingSession(verifier: SecAggKeyBindingVerifier(credentials: alphaCredentials), sessionID: Self.session)
        let (alphaKey, alpha) = try Self.binding(alphaCredentials)
        let (betaKey, beta) = try Self.binding(try federation.site("beta"))
        let (gammaKey, gamma) = try Self.binding(try federation.site("gamma"))
        var cache: [[UInt8]: (site: String, key: Ed25519.VerifyingKey)] = [:]
        func check(_ peers: [(UInt32, [UInt8])], participants: Int = 3, neighbours: [UInt32] = [1, 2]) async throws(FederationError) -> [UInt32: Ed25519.VerifyingKey] {
            try await MessageChecks.peerIdentities(
                Self.peers(peers), participants: participants, ownID: 0, ownBinding: alpha, neighbours: neighbours, session: siteSession,
                verified: &cache)
        }

        let identities = try await check([(0, alpha), (1, beta), (2, gamma)])
        #expect(identities == [0: alphaKey.verifyingKey, 1: betaKey.verifyingKey, 2: gammaKey.verifyingKey])
        #expect(cache.count == 3)

        // The coordinator puts another key under this site's id.
        let own = await #expect(throws: FederationError.self) { try await check([(0, beta), (1, alpha), (2, gamma)]) }
        #expect(Self.refusal(own)?.reason.contains("another key than this site's") == true, "\(String(describing: own))")
        // One real site played as two clients.
        let sybil = await #expect(throws: FederationError.self) { try await check([(0, alpha), (1, beta), (2, beta)]) }
        #expect(Self.refusal(sybil)?.site == "beta" && Self.refusal(sybil)?.reason.contains("two clients") == true, "\(String(describing: sybil))")
        // A neighbour without a binding, and a round whose size does not match.
        let missing = await #expect(throws: FederationError.self) { try await check([(0, alpha), (1, beta)], participants: 2) }
        #expect(Self.refusal(missing)?.reason.contains("a neighbour without a key binding") == true, "\(String(describing: missing))")
        await #expect(throws: FederationError.malformedMessage("2 peer key bindings for a round of 3 sites")) {
            try await check([(0, alpha), (1, beta)])
        }
        // A peer binding from another federation (a coordinator's own fake "gamma").
        let (_, fakeGamma) = try Self.binding(try foreign.site("gamma"))
        let fake = await #expect(throws: FederationError.self) { try await check([(0, alpha), (1, beta), (2, fakeGamma)]) }
        #expect(Self.refusal(fake)?.reason.contains("not a valid site certificate of this federation") == true, "\(String(describing: fake))")
        // A peer binding made for another run.
        let (_, oldGamma) = try Self.binding(try federation.site("gamma"), sessionID: Self.otherSession)
        let replayed = await #expect(throws: FederationError.self) { try await check([(0, alpha), (1, beta), (2, oldGamma)]) }
        #expect(Self.refusal(replayed)?.reason.contains("another session or round") == true, "\(String(describing: replayed))")
    }

    @Test("Welcome: a 32-byte session id exactly when SecAgg runs authenticated; a site with a certificate refuses an unauthenticated secure run")
    func welcomeAuthenticationPolicy() throws {
        let federation = try TestPKI()
        defer { federation.remove() }
        let secure = try RunSettings(
            rounds: 1, aggregator: .secaggPlus, privacy: .none, localTraining: try LocalTraining(steps: 1, samplingRate: 0.1, learningRate: 0.5))
        var welcome = secure.welcome(siteIndex: 0, siteCount: 3, firstRound: 1)
        let credentials = try federation.site("alpha")

        // The coordinator did not authenticate: a site with a certificate refuses (fail closed).
        let downgrade = #expect(throws: FederationError.self) {
            try SiteSession.authentication(for: welcome, settings: secure, credentials: credentials, site: "alpha")
        }
        #expect(Self.refusal(downgrade)?.reason.contains("without authenticated mode") == true, "\(String(describing: downgrade))")
        // Without a certificate (--insecure) the run is unauthenticated.
        #expect(try SiteSession.authentication(for: welcome, settings: secure, credentials: nil, site: "alpha") == nil)

        welcome.secaggAuthenticated = true
        welcome.sessionID = Data(repeating: 1, count: 16)
        #expect(throws: FederationError.malformedMessage("a session id of 16 bytes, expected 32")) {
            try MessageChecks.sessionID(of: welcome, settings: secure)
        }
        welcome.sessionID = Data(Self.session)
        let (authentication, reply) = try #require(try SiteSession.authentication(for: welcome, settings: secure, credentials: credentials, site: "alpha"))
        #expect(authentication.session.sessionID == Self.session)
        guard case .keyBinding(let sent) = reply.kind else { Issue.record("the reply is not a KeyBinding"); return }
        #expect([UInt8](sent.binding) == authentication.binding)
        let parsed = try MessageChecks.keyBinding(authentication.binding, site: "alpha")
        #expect(parsed.publicKey == authentication.signingKey.verifyingKey.rawRepresentation && parsed.context == Self.session)
        // An authenticated run without a certificate at the site: refused with the reason.
        let noCertificate = #expect(throws: FederationError.self) {
            try SiteSession.authentication(for: welcome, settings: secure, credentials: nil, site: "alpha")
        }
        #expect(Self.refusal(noCertificate)?.reason.contains("no certificate") == true, "\(String(describing: noCertificate))")

        // A session id in an unauthenticated run is malformed.
        welcome.secaggAuthenticated = false
        #expect(throws: FederationError.malformedMessage("a session id in a run without authenticated SecAgg")) {
            try MessageChecks.sessionID(of: welcome, settings: secure)
        }
    }
}
