import Crypto
import FederationSupport
import Foundation
import X509

@testable import FederationTLS

/// A federation directory in a fresh temporary folder, removed by `remove()`.
struct TestFederation {
    let parent: String
    let layout: FederationLayout

    static func make(
        sites: [String] = ["alpha", "beta"], coordinatorHosts: [String] = ["localhost", "127.0.0.1"],
        validity: CertificateValidity? = nil
    ) throws -> TestFederation {
        let parent = NSTemporaryDirectory() + "privagg-fed-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
        let layout = try FederationAuthority.create(
            in: parent + "/federation", sites: sites, coordinatorHosts: coordinatorHosts, validity: try validity ?? CertificateValidity())
        return TestFederation(parent: parent, layout: layout)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: parent)
    }

    func site(_ name: String) throws -> String { layout.siteDirectory(try NodeName(name)) }

    func authority() throws -> FederationAuthority { try FederationAuthority(loadingFrom: layout) }

    /// Writes a node directory at `parent/name` holding `credentials` and this federation's CA.
    func writeNode(_ name: String, certificatePEM: String, privateKeyPEM: [UInt8], authorityPEM: String? = nil) throws -> String {
        let directory = parent + "/" + name
        try DurableFile.makeDirectory(directory, mode: 0o700)
        try DurableFile.create(Array(certificatePEM.utf8), at: directory + "/cert.pem", mode: 0o644)
        try DurableFile.create(privateKeyPEM, at: directory + "/key.pem", mode: 0o600)
        let ca = try authorityPEM ?? String(contentsOfFile: layout.authorityCertificate, encoding: .utf8)
        try DurableFile.create(Array(ca.utf8), at: directory + "/ca.pem", mode: 0o644)
        return directory
    }

    /// A certificate signed by this federation's CA with any extensions a test wants (e.g.
    /// no clientAuth), written as a node directory.
    func writeCustomNode(
        _ directoryName: String, commonName: String, extendedKeyUsage: [ExtendedKeyUsage.Usage], uri: String,
        notBefore: Date = Date().addingTimeInterval(-60), notAfter: Date = Date().addingTimeInterval(86_400)
    ) throws -> String {
        let authority = try self.authority()
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: authority.certificate.subject,
            subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                if !extendedKeyUsage.isEmpty { try ExtendedKeyUsage(extendedKeyUsage) }
                SubjectAlternativeNames([.uniformResourceIdentifier(uri)])
            },
            issuerPrivateKey: authority.privateKey)
        return try writeNode(
            directoryName, certificatePEM: try certificate.serializeAsPEM().pemString,
            privateKeyPEM: Array(try key.serializeAsPEM().pemString.utf8))
    }
}
