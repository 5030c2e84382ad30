import Foundation
import Testing
import X509

@testable import FederationTLS

@Suite struct PeerVerifierTests {
    private func certificate(_ directory: String) throws -> Certificate {
        try Certificate(pemEncoded: try String(contentsOfFile: directory + "/cert.pem", encoding: .utf8))
    }

    @Test func acceptsTheFederationsSitesOnly() async throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let coordinator = try NodeCredentials(directory: federation.layout.coordinatorDirectory, role: .coordinator)
        let verifier = FederationPeerVerifier(authority: coordinator.authority, expectedRole: .site)

        let (identity, chain) = try await verifier.verify([try certificate(try federation.site("alpha"))])
        #expect(identity == FederationIdentity(role: .site, name: try NodeName("alpha")))
        #expect(chain.count == 2)
        #expect(chain.last == coordinator.authority)

        // The coordinator's own certificate is not a site's.
        await #expect(throws: FederationTLSError.self) { try await verifier.verify([coordinator.certificate]) }
        // Only the admitted names, when given.
        let admitting = FederationPeerVerifier(authority: coordinator.authority, expectedRole: .site, admittedNames: [try NodeName("beta")])
        await #expect(throws: FederationTLSError.peerIdentityUnavailable(reason: "privagg-site:alpha is not one of the sites admitted to this run")) {
            try await admitting.verify([try certificate(try federation.site("alpha"))])
        }
        _ = try await admitting.verify([try certificate(try federation.site("beta"))])
        await #expect(throws: FederationTLSError.peerIdentityUnavailable(reason: "the peer presented no certificate")) {
            try await verifier.verify([])
        }
    }

    @Test func refusesOtherCAsExpiredAndWrongUsage() async throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let other = try TestFederation.make()
        defer { other.remove() }
        let authority = try federation.authority().certificate
        let verifier = FederationPeerVerifier(authority: authority, expectedRole: .site)

        // A site of another federation, even with the same name.
        await #expect(throws: FederationTLSError.self) { try await verifier.verify([try certificate(try other.site("alpha"))]) }
        // Expired yesterday.
        let expired = try federation.writeCustomNode(
            "expired", commonName: "alpha", extendedKeyUsage: [.clientAuth], uri: "privagg-site:alpha",
            notBefore: Date().addingTimeInterval(-10 * 86_400), notAfter: Date().addingTimeInterval(-86_400))
        await #expect(throws: FederationTLSError.self) { try await verifier.verify([try certificate(expired)]) }
        // Not yet valid.
        let future = try federation.writeCustomNode(
            "future", commonName: "alpha", extendedKeyUsage: [.clientAuth], uri: "privagg-site:alpha",
            notBefore: Date().addingTimeInterval(86_400), notAfter: Date().addingTimeInterval(2 * 86_400))
        await #expect(throws: FederationTLSError.self) { try await verifier.verify([try certificate(future)]) }
        // No extended key usage at all, or serverAuth only, or both.
        for (name, usage) in [("no-eku", [ExtendedKeyUsage.Usage]()), ("server-only", [.serverAuth]), ("both", [.clientAuth, .serverAuth])] {
            let directory = try federation.writeCustomNode(name, commonName: "alpha", extendedKeyUsage: usage, uri: "privagg-site:alpha")
            await #expect(throws: FederationTLSError.self, "\(name)") { try await verifier.verify([try certificate(directory)]) }
        }
        // A common name that disagrees with the URI name, or a malformed name.
        let mismatch = try federation.writeCustomNode("mismatch", commonName: "beta", extendedKeyUsage: [.clientAuth], uri: "privagg-site:alpha")
        await #expect(throws: FederationTLSError.self) { try await verifier.verify([try certificate(mismatch)]) }
        let badName = try federation.writeCustomNode("badname", commonName: "Alpha", extendedKeyUsage: [.clientAuth], uri: "privagg-site:Alpha")
        await #expect(throws: FederationTLSError.self) { try await verifier.verify([try certificate(badName)]) }
        // The control: the same construction with valid fields passes, so the refusals above
        // are the fields' doing, not the test helper's.
        let control = try federation.writeCustomNode("control", commonName: "alpha", extendedKeyUsage: [.clientAuth], uri: "privagg-site:alpha")
        #expect(try await verifier.verify([try certificate(control)]).identity.name.value == "alpha")
    }

    @Test func identityNeedsExactlyOneConsistentName() throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let site = try NodeCredentials(directory: try federation.site("beta"), role: .site)
        #expect(try FederationIdentity(certificate: site.certificate) == FederationIdentity(role: .site, name: try NodeName("beta")))
        let noURI = try federation.writeCustomNode("nouri", commonName: "beta", extendedKeyUsage: [.clientAuth], uri: "https://beta.example.org")
        #expect(throws: FederationTLSError.peerIdentityUnavailable(reason: "the certificate carries no privagg-site: or privagg-coordinator: URI name")) {
            try FederationIdentity(certificate: try Certificate(pemEncoded: try String(contentsOfFile: noURI + "/cert.pem", encoding: .utf8)))
        }
    }
}
