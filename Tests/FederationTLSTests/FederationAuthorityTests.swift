import Foundation
import SwiftASN1
import Testing
import X509

@testable import FederationTLS

@Suite struct NodeNameTests {
    @Test func acceptsSafeNames() throws {
        for name in ["cleveland", "va", "site-01", "a", "x_y", String(repeating: "z", count: 63)] {
            #expect(try NodeName(name).value == name)
        }
    }

    @Test func refusesUnsafeNames() {
        for (name, reason) in [
            ("", "empty"),
            ("Cleveland", "only lowercase letters a-z, digits, '-' and '_' are allowed"),
            ("a.b", "only lowercase letters a-z, digits, '-' and '_' are allowed"),
            ("../etc", "only lowercase letters a-z, digits, '-' and '_' are allowed"),
            ("a b", "only lowercase letters a-z, digits, '-' and '_' are allowed"),
            ("é", "only lowercase letters a-z, digits, '-' and '_' are allowed"),
            ("-a", "must start with a letter or a digit"),
            (String(repeating: "z", count: 64), "longer than 63 characters"),
        ] {
            #expect(throws: FederationTLSError.invalidNodeName(name: name, reason: reason)) { try NodeName(name) }
        }
        #expect(throws: FederationTLSError.duplicateNodeName("b")) { try NodeName.validatedList(["a", "b", "c", "b"]) }
    }

    @Test func parsesCoordinatorHosts() throws {
        #expect(try CoordinatorHost("127.0.0.1") == .ipAddress(bytes: [127, 0, 0, 1], text: "127.0.0.1"))
        #expect(try CoordinatorHost("::1") == .ipAddress(bytes: Array(repeating: 0, count: 15) + [1], text: "::1"))
        #expect(try CoordinatorHost("Coordinator.Example.org") == .dnsName("coordinator.example.org"))
        for bad in ["", "a..b", "-a.org", "a_b.org", "host name", String(repeating: "a", count: 64) + ".org"] {
            #expect(throws: FederationTLSError.self) { try CoordinatorHost(bad) }
        }
    }
}

@Suite struct FederationAuthorityTests {
    private func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test func createsTheLayoutWithPrivateKeysAndDirectories() throws {
        let federation = try TestFederation.make(sites: ["cleveland", "hungarian", "switzerland", "va"])
        defer { federation.remove() }
        let layout = federation.layout
        #expect(try mode(layout.root) == 0o700)
        #expect(try mode(layout.authorityKey) == 0o600)
        #expect(try mode(layout.authorityCertificate) == 0o644)
        #expect(try mode(layout.coordinatorDirectory) == 0o700)
        #expect(try mode(layout.sitesDirectory) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: layout.sitesDirectory).sorted() == ["cleveland", "hungarian", "switzerland", "va"])
        for directory in [layout.coordinatorDirectory] + (try ["cleveland", "va"].map { try federation.site($0) }) {
            #expect(try mode(directory) == 0o700)
            #expect(try mode(directory + "/key.pem") == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["ca.pem", "cert.pem", "key.pem"])
        }
        // No staging directory is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: federation.parent) == ["federation"])
    }

    @Test func certificatesCarryRoleNameUsageAndValidity() throws {
        let start = Date(timeIntervalSince1970: 1_900_000_000)
        let validity = try CertificateValidity(days: 30, startingAt: start)
        let federation = try TestFederation.make(coordinatorHosts: ["coordinator.example.org", "10.0.0.5"], validity: validity)
        defer { federation.remove() }
        let now = start.addingTimeInterval(86_400)

        let site = try NodeCredentials(directory: try federation.site("alpha"), role: .site, now: now)
        #expect(site.identity == FederationIdentity(role: .site, name: try NodeName("alpha")))
        #expect(site.certificate.notValidBefore == start)
        #expect(site.certificate.notValidAfter == start.addingTimeInterval(30 * 86_400))
        #expect(try site.certificate.extensions.extendedKeyUsage == ExtendedKeyUsage([.clientAuth]))
        #expect(try site.certificate.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try site.certificate.extensions.subjectAlternativeNames == SubjectAlternativeNames([.uniformResourceIdentifier("privagg-site:alpha")]))
        #expect(site.certificate.publicKey == site.certificate.publicKey)

        let coordinator = try NodeCredentials(directory: federation.layout.coordinatorDirectory, role: .coordinator, now: now)
        #expect(coordinator.identity.uri == "privagg-coordinator:coordinator")
        #expect(try coordinator.certificate.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth]))
        #expect(
            try coordinator.certificate.extensions.subjectAlternativeNames
                == SubjectAlternativeNames([
                    .uniformResourceIdentifier("privagg-coordinator:coordinator"), .dnsName("coordinator.example.org"),
                    .ipAddress(ASN1OctetString(contentBytes: [10, 0, 0, 5])),
                ]))
        #expect(try coordinator.authority.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(coordinator.authority == site.authority)
        // After the period (CA and certificate end together), loading refuses with the dates.
        let expired = start.addingTimeInterval(31 * 86_400)
        #expect(
            throws: FederationTLSError.certificateNotCurrentlyValid(
                path: try federation.site("alpha") + "/ca.pem", notBefore: start, notAfter: start.addingTimeInterval(30 * 86_400))
        ) {
            try NodeCredentials(directory: try federation.site("alpha"), role: .site, now: expired)
        }
    }

    @Test func refusesToOverwriteAndValidatesInputs() throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let validity = try CertificateValidity()
        #expect(throws: FederationTLSError.directoryExists(path: federation.layout.root)) {
            try FederationAuthority.create(in: federation.layout.root, sites: ["gamma"], validity: validity)
        }
        // The existing federation is untouched.
        #expect(try FileManager.default.contentsOfDirectory(atPath: federation.layout.sitesDirectory).sorted() == ["alpha", "beta"])
        // An existing empty directory is filled.
        let empty = federation.parent + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        try FederationAuthority.create(in: empty, sites: ["gamma"], validity: validity)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty + "/sites") == ["gamma"])

        let target = federation.parent + "/new"
        #expect(throws: FederationTLSError.duplicateNodeName("a")) { try FederationAuthority.create(in: target, sites: ["a", "a"], validity: validity) }
        #expect(throws: FederationTLSError.duplicateNodeName("coordinator")) {
            try FederationAuthority.create(in: target, sites: ["coordinator"], validity: validity)
        }
        #expect(throws: FederationTLSError.invalidParameter(name: "sites", reason: "a federation needs at least one site")) {
            try FederationAuthority.create(in: target, sites: [], validity: validity)
        }
        #expect(throws: FederationTLSError.invalidParameter(name: "coordinator hosts", reason: "give at least one DNS name or address")) {
            try FederationAuthority.create(in: target, sites: ["a"], coordinatorHosts: [], validity: validity)
        }
        #expect(throws: FederationTLSError.invalidParameter(name: "days", reason: "0 is not in 1...3650")) { try CertificateValidity(days: 0) }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func issuesMoreSitesFromTheSavedAuthority() throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let authority = try federation.authority()
        let issued = try authority.issue(for: FederationIdentity(role: .site, name: try NodeName("gamma")), validity: try CertificateValidity(days: 10))
        let directory = try federation.writeNode("gamma", certificatePEM: issued.certificatePEM, privateKeyPEM: issued.privateKeyPEM)
        #expect(try NodeCredentials(directory: directory, role: .site).identity.name.value == "gamma")
        #expect(throws: FederationTLSError.self) {
            try authority.issue(for: FederationIdentity(role: .site, name: try NodeName("late")), validity: try CertificateValidity(days: 3650))
        }
    }
}

@Suite struct AddSiteTests {
    @Test func addsASiteWithinTheCAsValidity() throws {
        let federation = try TestFederation.make(validity: try CertificateValidity(days: 100))
        defer { federation.remove() }
        let directory = try FederationAuthority.addSite("gamma", to: federation.layout)
        #expect(directory == (try federation.site("gamma")))
        let gamma = try NodeCredentials(directory: directory, role: .site)
        let alpha = try NodeCredentials(directory: try federation.site("alpha"), role: .site)
        #expect(gamma.identity.name.value == "gamma")
        #expect(gamma.authority == alpha.authority)
        // Whole days up to the CA's end.
        #expect(gamma.certificate.notValidAfter <= gamma.authority.notValidAfter)
        #expect(gamma.authority.notValidAfter.timeIntervalSince(gamma.certificate.notValidAfter) < 86_400)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: directory + "/key.pem")[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: federation.layout.sitesDirectory).sorted() == ["alpha", "beta", "gamma"])
    }

    @Test func refusesExistingNamesAndAnExposedCAKey() throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let before = try Data(contentsOf: URL(fileURLWithPath: try federation.site("alpha") + "/cert.pem"))
        #expect(throws: FederationTLSError.duplicateNodeName("alpha")) { try FederationAuthority.addSite("alpha", to: federation.layout) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: try federation.site("alpha") + "/cert.pem")) == before)
        #expect(throws: FederationTLSError.duplicateNodeName("coordinator")) {
            try FederationAuthority.addSite("coordinator", to: federation.layout)
        }
        #expect(throws: FederationTLSError.self) {
            try FederationAuthority.addSite("late", to: federation.layout, validity: try CertificateValidity(days: 3650))
        }
        chmod(federation.layout.authorityKey, 0o640)
        #expect(
            throws: FederationTLSError.insecurePermissions(
                path: federation.layout.authorityKey, mode: 0o640, required: "readable by its owner only (chmod 600)")
        ) {
            try FederationAuthority.addSite("gamma", to: federation.layout)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: federation.layout.sitesDirectory).sorted() == ["alpha", "beta"])
    }
}

@Suite struct NodeCredentialsTests {
    @Test func refusesMissingInsecureMalformedAndForeignFiles() throws {
        let federation = try TestFederation.make()
        defer { federation.remove() }
        let alpha = try federation.site("alpha")
        let beta = try federation.site("beta")

        // Wrong role.
        #expect(throws: FederationTLSError.wrongRole(path: alpha + "/cert.pem", expected: "coordinator", found: "site")) {
            try NodeCredentials(directory: alpha, role: .coordinator)
        }
        // Key readable by others.
        chmod(alpha + "/key.pem", 0o644)
        #expect(throws: FederationTLSError.insecurePermissions(path: alpha + "/key.pem", mode: 0o644, required: "readable by its owner only (chmod 600)")) {
            try NodeCredentials(directory: alpha, role: .site)
        }
        chmod(alpha + "/key.pem", 0o600)
        // Directory writable by the group.
        chmod(alpha, 0o770)
        #expect(throws: FederationTLSError.insecurePermissions(path: alpha, mode: 0o770, required: "writable by its owner only (chmod 700)")) {
            try NodeCredentials(directory: alpha, role: .site)
        }
        chmod(alpha, 0o700)
        // Another site's key beside this certificate.
        let betaKey = try Data(contentsOf: URL(fileURLWithPath: beta + "/key.pem"))
        let alphaKey = try Data(contentsOf: URL(fileURLWithPath: alpha + "/key.pem"))
        try betaKey.write(to: URL(fileURLWithPath: alpha + "/key.pem"))
        #expect(throws: FederationTLSError.keyDoesNotMatchCertificate(path: alpha + "/key.pem")) { try NodeCredentials(directory: alpha, role: .site) }
        try alphaKey.write(to: URL(fileURLWithPath: alpha + "/key.pem"))
        _ = try NodeCredentials(directory: alpha, role: .site)

        // Another federation's CA beside it.
        let other = try TestFederation.make()
        defer { other.remove() }
        let originalCA = try Data(contentsOf: URL(fileURLWithPath: alpha + "/ca.pem"))
        try Data(contentsOf: URL(fileURLWithPath: other.layout.authorityCertificate)).write(to: URL(fileURLWithPath: alpha + "/ca.pem"))
        #expect(throws: FederationTLSError.notIssuedByFederation(path: alpha + "/cert.pem")) { try NodeCredentials(directory: alpha, role: .site) }
        try originalCA.write(to: URL(fileURLWithPath: alpha + "/ca.pem"))

        // Garbage, two certificates, missing file.
        let certificate = try String(contentsOfFile: alpha + "/cert.pem", encoding: .utf8)
        try Data((certificate + certificate).utf8).write(to: URL(fileURLWithPath: alpha + "/cert.pem"))
        #expect(throws: FederationTLSError.malformedFile(path: alpha + "/cert.pem", reason: "expected exactly one PEM CERTIFICATE block, found 2 PEM blocks")) {
            try NodeCredentials(directory: alpha, role: .site)
        }
        try Data("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8).write(to: URL(fileURLWithPath: alpha + "/cert.pem"))
        #expect {
            try NodeCredentials(directory: alpha, role: .site)
        } throws: { error in
            guard case .malformedFile(let path, let reason) = error as? FederationTLSError else { return false }
            return path == alpha + "/cert.pem" && reason.hasPrefix("not a valid X.509 certificate")
        }
        try FileManager.default.removeItem(atPath: alpha + "/cert.pem")
        #expect(throws: FederationTLSError.missingFile(path: alpha + "/cert.pem")) { try NodeCredentials(directory: alpha, role: .site) }
        #expect(throws: FederationTLSError.missingFile(path: federation.parent + "/nowhere")) {
            try NodeCredentials(directory: federation.parent + "/nowhere", role: .site)
        }
    }
}
