import Foundation
import Testing
import X509

@testable import FederationTLS

@Suite struct SecAggKeyBindingTests {
    private let key = [UInt8](repeating: 0x42, count: 32)
    private let context = Array("session-7/round-3".utf8)

    @Test func bindsAKeyToTheSitesCertificate() async throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let alpha = try NodeCredentials(directory: try federation.site("alpha"), role: .site)
        let binding = try SecAggKeyBinding(signing: key, context: context, with: alpha)
        let received = try SecAggKeyBinding(serialized: binding.serialized())
        #expect(received == binding)
        #expect(try await received.verify(authority: alpha.authority, expectedSite: try NodeName("alpha"), expectedContext: context) == key)
    }

    @Test func refusesAnotherSiteContextKeyOrFederation() async throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let other = try TestFederation.make()
        defer { other.remove() }
        let alpha = try NodeCredentials(directory: try federation.site("alpha"), role: .site)
        let authority = alpha.authority
        let binding = try SecAggKeyBinding(signing: key, context: context, with: alpha)
        let beta = try NodeName("beta")

        // Presented as another site's key (a coordinator substituting keys).
        await #expect(throws: FederationTLSError.keyBindingInvalid(site: "beta", reason: "the binding names site 'alpha'")) {
            try await binding.verify(authority: authority, expectedSite: beta, expectedContext: context)
        }
        // Replayed into another round.
        await #expect(throws: FederationTLSError.keyBindingInvalid(site: "alpha", reason: "the binding is for another session or round")) {
            try await binding.verify(authority: authority, expectedSite: try NodeName("alpha"), expectedContext: Array("session-7/round-4".utf8))
        }
        // A key swapped after signing: rebuild the wire form with another key, same signature.
        var wire = binding.serialized()
        let keyOffset = 5 + 2 + "alpha".utf8.count + 2 + context.count + 2
        wire[keyOffset] ^= 0xFF
        let tampered = try SecAggKeyBinding(serialized: wire)
        await #expect(throws: FederationTLSError.keyBindingInvalid(site: "alpha", reason: "the signature does not verify")) {
            try await tampered.verify(authority: authority, expectedSite: try NodeName("alpha"), expectedContext: context)
        }
        // Signed by a site "alpha" of another federation.
        let foreignAlpha = try NodeCredentials(directory: try other.site("alpha"), role: .site)
        let foreign = try SecAggKeyBinding(signing: key, context: context, with: foreignAlpha)
        await #expect {
            try await foreign.verify(authority: authority, expectedSite: try NodeName("alpha"), expectedContext: context)
        } throws: { error in
            guard case .keyBindingInvalid(let site, let reason) = error as? FederationTLSError else { return false }
            return site == "alpha" && reason.hasPrefix("its certificate is not a valid site certificate of this federation")
        }
        // Beta's certificate carried in a binding that names alpha.
        let betaCredentials = try NodeCredentials(directory: try federation.site("beta"), role: .site)
        let betaBinding = try SecAggKeyBinding(signing: key, context: context, with: betaCredentials).serialized()
        var renamed = Array(betaBinding[0..<5]) + [0, 5] + Array("alpha".utf8)
        renamed += betaBinding[(5 + 2 + 4)...]
        await #expect(throws: FederationTLSError.keyBindingInvalid(site: "alpha", reason: "its certificate belongs to site 'beta'")) {
            try await SecAggKeyBinding(serialized: renamed).verify(authority: authority, expectedSite: try NodeName("alpha"), expectedContext: context)
        }
        // The coordinator cannot sign bindings.
        let coordinator = try NodeCredentials(directory: federation.layout.coordinatorDirectory, role: .coordinator)
        #expect(throws: FederationTLSError.self) { try SecAggKeyBinding(signing: key, context: context, with: coordinator) }
    }

    @Test func parsesStrictly() throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let alpha = try NodeCredentials(directory: try federation.site("alpha"), role: .site)
        let wire = try SecAggKeyBinding(signing: key, context: context, with: alpha).serialized()
        for length in 0..<wire.count {
            #expect(throws: FederationTLSError.self, "prefix \(length)") { try SecAggKeyBinding(serialized: Array(wire[0..<length])) }
        }
        #expect(throws: FederationTLSError.keyBindingInvalid(site: "?", reason: "1 trailing bytes")) { try SecAggKeyBinding(serialized: wire + [0]) }
        var version = wire
        version[4] = 9
        #expect(throws: FederationTLSError.keyBindingInvalid(site: "?", reason: "unsupported key binding version 9")) {
            try SecAggKeyBinding(serialized: version)
        }
        #expect(throws: FederationTLSError.invalidParameter(name: "public key", reason: "0 bytes, expected 1...8192")) {
            try SecAggKeyBinding(signing: [], context: context, with: alpha)
        }
    }
}
