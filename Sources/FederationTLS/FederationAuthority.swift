import Crypto
import FederationSupport
import Foundation
import SwiftASN1
import X509
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The elliptic curve of a federation's keys (ECDSA signatures, the TLS 1.2/1.3 default curves).
public enum FederationKeyAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// ECDSA over P-256 with SHA-256 (the default: fastest handshakes, 128-bit security).
    case p256
    /// ECDSA over P-384 with SHA-384 (192-bit security).
    case p384

    /// The signature algorithm of keys on this curve (ECDSA with the matching SHA-2).
    var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch self {
        case .p256: return .ecdsaWithSHA256
        case .p384: return .ecdsaWithSHA384
        }
    }

    /// A fresh private key from swift-crypto's generator (BoringSSL's CSPRNG over the
    /// operating system's entropy).
    func makePrivateKey() -> Certificate.PrivateKey {
        switch self {
        case .p256: return Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .p384: return Certificate.PrivateKey(P384.Signing.PrivateKey())
        }
    }
}

/// A certificate and its private key, as PEM, fresh from ``FederationAuthority/issue(for:hosts:validity:)``.
public struct IssuedCredentials: Sendable {
    /// The certificate.
    public let certificate: Certificate
    /// The certificate as PEM.
    public let certificatePEM: String
    /// The private key as PKCS#8 PEM: a secret, write it only with mode 0600.
    public let privateKeyPEM: [UInt8]
}

/// A federation's certificate authority: it issues one certificate per site (TLS client
/// authentication, `privagg-site:NAME`) and one for the coordinator (TLS server
/// authentication, `privagg-coordinator:NAME` plus the DNS names and addresses sites dial).
///
/// `create(in:sites:...)` is `privagg federation init`: it writes the whole
/// ``FederationLayout`` at once, or nothing. The CA's private key stays in `ca-key.pem`
/// (0600) so that more sites can be issued later; an operator who will never add a site can
/// delete it or move it offline.
public struct FederationAuthority: Sendable {
    /// The CA certificate (self-signed, `pathLen 0`: it can issue only end-entity certificates).
    public let certificate: Certificate
    /// The CA's signing key.
    let privateKey: Certificate.PrivateKey
    /// The curve of the keys it issues.
    public let keyAlgorithm: FederationKeyAlgorithm

    /// A new CA with a fresh key.
    ///
    /// - Parameters:
    ///   - validity: Its validity period (certificates it issues should not outlive it).
    ///   - keyAlgorithm: The curve of its key and of the keys it will issue.
    /// - Throws: ``FederationTLSError/invalidParameter(name:reason:)`` if the certificate
    ///   cannot be built (which would be a bug in its inputs).
    public init(validity: CertificateValidity, keyAlgorithm: FederationKeyAlgorithm = .p256) throws(FederationTLSError) {
        let key = keyAlgorithm.makePrivateKey()
        // A random tag in the CA's name, so the CAs of two federations never share a subject:
        // a certificate of one federation then cannot even be matched to the other's CA by name.
        let tag = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        do {
            let name = try DistinguishedName {
                OrganizationName("PrivAgg federation")
                CommonName("PrivAgg federation CA \(tag)")
            }
            certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: validity.notBefore,
                notValidAfter: validity.notAfter,
                issuer: name,
                subject: name,
                signatureAlgorithm: keyAlgorithm.signatureAlgorithm,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key
            )
        } catch {
            throw .invalidParameter(name: "certificate authority", reason: "cannot build the CA certificate (\(error))")
        }
        privateKey = key
        self.keyAlgorithm = keyAlgorithm
    }

    /// The CA of an existing federation directory, to issue further certificates.
    ///
    /// - Parameter layout: The federation directory.
    /// - Throws: ``FederationTLSError`` when `ca.pem` or `ca-key.pem` is missing, malformed,
    ///   mismatched, or the key file is readable by other users.
    public init(loadingFrom layout: FederationLayout) throws(FederationTLSError) {
        let certificate = try PEMFiles.certificate(at: layout.authorityCertificate)
        var keyBytes = try PEMFiles.secretBytes(at: layout.authorityKey)
        defer { Secret.zero(&keyBytes) }
        let key = try PEMFiles.privateKey(keyBytes, path: layout.authorityKey)
        guard key.publicKey == certificate.publicKey else { throw .keyDoesNotMatchCertificate(path: layout.authorityKey) }
        guard let algorithm = FederationKeyAlgorithm(key.publicKey) else {
            throw .malformedFile(path: layout.authorityKey, reason: "the CA key is not a P-256 or P-384 key")
        }
        self.certificate = certificate
        privateKey = key
        keyAlgorithm = algorithm
    }

    /// Issues a certificate and a fresh key for one node.
    ///
    /// - Parameters:
    ///   - identity: The node: its role decides the extended key usage (`clientAuth` for a
    ///     site, `serverAuth` for the coordinator) and its name the common name and URI name.
    ///   - hosts: For the coordinator, the names and addresses sites dial (at least one); must be
    ///     empty for a site.
    ///   - validity: The certificate's validity; it must lie within the CA's.
    /// - Returns: The certificate and its private key.
    /// - Throws: ``FederationTLSError/invalidParameter(name:reason:)`` for hosts on a site,
    ///   none for a coordinator, or a validity outside the CA's.
    public func issue(for identity: FederationIdentity, hosts: [CoordinatorHost] = [], validity: CertificateValidity) throws(FederationTLSError) -> IssuedCredentials {
        switch identity.role {
        case .site where !hosts.isEmpty:
            throw .invalidParameter(name: "hosts", reason: "a site certificate names no hosts (sites only dial out)")
        case .coordinator where hosts.isEmpty:
            throw .invalidParameter(name: "coordinator hosts", reason: "the coordinator needs at least one DNS name or address")
        default:
            break
        }
        guard validity.notBefore >= certificate.notValidBefore, validity.notAfter <= certificate.notValidAfter else {
            throw .invalidParameter(
                name: "validity",
                reason: "\(validity.notBefore)–\(validity.notAfter) lies outside the CA's \(certificate.notValidBefore)–\(certificate.notValidAfter)")
        }
        let key = keyAlgorithm.makePrivateKey()
        do {
            let subject = try DistinguishedName {
                OrganizationName("PrivAgg federation")
                OrganizationalUnitName(identity.role == .site ? "site" : "coordinator")
                CommonName(identity.name.value)
            }
            let authorityKeyIdentifier = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            let names = [GeneralName.uniformResourceIdentifier(identity.uri)] + hosts.map(\.generalName)
            let issued = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: validity.notBefore,
                notValidAfter: validity.notAfter,
                issuer: certificate.subject,
                subject: subject,
                signatureAlgorithm: keyAlgorithm.signatureAlgorithm,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([identity.role.extendedKeyUsage])
                    SubjectAlternativeNames(names)
                    SubjectKeyIdentifier(hash: key.publicKey)
                    AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
                },
                issuerPrivateKey: privateKey
            )
            return IssuedCredentials(
                certificate: issued,
                certificatePEM: try issued.serializeAsPEM().pemString,
                privateKeyPEM: Array(try key.serializeAsPEM().pemString.utf8))
        } catch {
            throw .invalidParameter(name: "certificate", reason: "cannot issue \(identity) (\(error))")
        }
    }

    /// Creates a federation directory: a new CA, one certificate and key per site, one for
    /// the coordinator (`privagg federation init`).
    ///
    /// Everything is written under a temporary name beside `directory` and renamed into place
    /// as a whole, so an interrupted run leaves no half federation; an existing non-empty
    /// `directory` is refused and left untouched (an existing empty one is replaced).
    ///
    /// - Parameters:
    ///   - directory: The federation directory to create; its parent must exist.
    ///   - sites: The site names (``NodeName`` rules; unique).
    ///   - coordinator: The coordinator's name (distinct from every site's).
    ///   - coordinatorHosts: The DNS names and addresses sites use to reach the coordinator.
    ///   - validity: The validity of the CA and of every certificate.
    ///   - keyAlgorithm: The curve of every key.
    /// - Returns: The layout of the new directory.
    /// - Throws: ``FederationTLSError``: invalid or duplicate names, no hosts,
    ///   ``FederationTLSError/directoryExists(path:)``, or the failed file operation.
    @discardableResult
    public static func create(
        in directory: String,
        sites: [String],
        coordinator: String = "coordinator",
        coordinatorHosts: [String] = ["localhost", "127.0.0.1"],
        validity: CertificateValidity,
        keyAlgorithm: FederationKeyAlgorithm = .p256
    ) throws(FederationTLSError) -> FederationLayout {
        guard !sites.isEmpty else { throw .invalidParameter(name: "sites", reason: "a federation needs at least one site") }
        let siteNames = try NodeName.validatedList(sites)
        let coordinatorName = try NodeName(coordinator)
        guard !siteNames.contains(coordinatorName) else { throw .duplicateNodeName(coordinator) }
        var hosts: [CoordinatorHost] = []
        for text in coordinatorHosts { hosts.append(try CoordinatorHost(text)) }
        guard !hosts.isEmpty else {
            throw .invalidParameter(name: "coordinator hosts", reason: "give at least one DNS name or address")
        }
        // Refuse early and clearly; the final rename checks again, atomically.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            // `try?`: a directory that cannot be listed counts as not empty (fail closed).
            guard isDirectory.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty == true else {
                throw .directoryExists(path: directory)
            }
        }

        let authority = try FederationAuthority(validity: validity, keyAlgorithm: keyAlgorithm)
        let parent = (directory as NSString).deletingLastPathComponent
        let staging = (parent.isEmpty ? "." : parent) + "/.\((directory as NSString).lastPathComponent).staging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let layout = FederationLayout(root: staging)
        do {
            try makeDirectory(layout.root)
            let authorityPEM = try authority.certificatePEM()
            try writePublic(authorityPEM, at: layout.authorityCertificate)
            var authorityKey = try authority.privateKeyPEM()
            defer { Secret.zero(&authorityKey) }
            try writeSecret(authorityKey, at: layout.authorityKey)

            let coordinatorCredentials = try authority.issue(
                for: FederationIdentity(role: .coordinator, name: coordinatorName), hosts: hosts, validity: validity)
            try writeNode(coordinatorCredentials, authorityPEM: authorityPEM, in: layout.coordinatorDirectory)
            try makeDirectory(layout.sitesDirectory)
            for site in siteNames {
                let credentials = try authority.issue(for: FederationIdentity(role: .site, name: site), validity: validity)
                try writeNode(credentials, authorityPEM: authorityPEM, in: layout.siteDirectory(site))
            }
        } catch {
            removeTree(staging)
            throw error
        }
        guard rename(staging, directory) == 0 else {
            let code = errno
            removeTree(staging)
            if code == EEXIST || code == ENOTEMPTY || code == ENOTDIR { throw .directoryExists(path: directory) }
            throw .fileSystem(path: directory, operation: "rename the new federation into", errno: code)
        }
        DurableFile.syncDirectory(containing: directory)
        return FederationLayout(root: directory)
    }

    /// Adds a site to an existing federation directory: a certificate and key issued by its
    /// CA (`ca-key.pem`), written as `DIR/sites/NAME` (staged under a temporary name and
    /// renamed into place; an existing site directory is never overwritten).
    ///
    /// - Parameters:
    ///   - name: The new site's name (``NodeName`` rules; not the coordinator's).
    ///   - layout: The federation directory (with its `ca-key.pem`).
    ///   - validity: The new certificate's validity, within the CA's; nil for as many whole
    ///     days as the CA has left.
    /// - Returns: The new site directory.
    /// - Throws: ``FederationTLSError``: an invalid name, ``FederationTLSError/duplicateNodeName(_:)``
    ///   for an existing site or the coordinator's name, the CA loading errors, a validity
    ///   outside the CA's, or the failed file operation.
    @discardableResult
    public static func addSite(_ name: String, to layout: FederationLayout, validity: CertificateValidity? = nil) throws(FederationTLSError) -> String {
        let site = try NodeName(name)
        let authority = try FederationAuthority(loadingFrom: layout)
        let coordinatorCertificate = layout.coordinatorDirectory + "/" + NodeDirectoryFile.certificate
        if FileManager.default.fileExists(atPath: coordinatorCertificate),
            try FederationIdentity(certificate: try PEMFiles.certificate(at: coordinatorCertificate)).name == site
        {
            throw .duplicateNodeName(name)
        }
        let directory = layout.siteDirectory(site)
        guard !FileManager.default.fileExists(atPath: directory) else { throw .duplicateNodeName(name) }
        let period: CertificateValidity
        if let validity {
            period = validity
        } else {
            // Whole seconds, as CertificateValidity stores them, so the count of days is exact.
            let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - CertificateValidity.clockSkewAllowance).rounded(.down))
            let days = Int(authority.certificate.notValidAfter.timeIntervalSince(start) / 86_400)
            guard days >= 1 else {
                throw .invalidParameter(name: "days", reason: "the federation CA expires within a day (\(authority.certificate.notValidAfter)); create a new federation")
            }
            period = try CertificateValidity(days: min(days, CertificateValidity.maximumDays), startingAt: start)
        }
        let credentials = try authority.issue(for: FederationIdentity(role: .site, name: site), validity: period)
        let authorityPEM = try authority.certificatePEM()
        let staging = layout.sitesDirectory + "/.\(site.value).staging-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try writeNode(credentials, authorityPEM: authorityPEM, in: staging)
        } catch {
            removeTree(staging)
            throw error
        }
        guard rename(staging, directory) == 0 else {
            let code = errno
            removeTree(staging)
            if code == EEXIST || code == ENOTEMPTY { throw .duplicateNodeName(name) }
            throw .fileSystem(path: directory, operation: "rename the new site into", errno: code)
        }
        DurableFile.syncDirectory(containing: directory)
        return directory
    }

    /// The CA certificate as PEM.
    func certificatePEM() throws(FederationTLSError) -> String {
        do { return try certificate.serializeAsPEM().pemString } catch {
            throw .invalidParameter(name: "certificate authority", reason: "cannot encode the CA certificate (\(error))")
        }
    }

    /// The CA key as PKCS#8 PEM bytes (a secret).
    func privateKeyPEM() throws(FederationTLSError) -> [UInt8] {
        do { return Array(try privateKey.serializeAsPEM().pemString.utf8) } catch {
            throw .invalidParameter(name: "certificate authority", reason: "cannot encode the CA key (\(error))")
        }
    }

    /// Writes one node directory: cert.pem, key.pem (0600), ca.pem.
    private static func writeNode(_ credentials: IssuedCredentials, authorityPEM: String, in directory: String) throws(FederationTLSError) {
        try makeDirectory(directory)
        try writePublic(credentials.certificatePEM, at: directory + "/" + NodeDirectoryFile.certificate)
        var key = credentials.privateKeyPEM
        defer { Secret.zero(&key) }
        try writeSecret(key, at: directory + "/" + NodeDirectoryFile.privateKey)
        try writePublic(authorityPEM, at: directory + "/" + NodeDirectoryFile.authority)
    }

    private static func makeDirectory(_ path: String) throws(FederationTLSError) {
        do { try DurableFile.makeDirectory(path, mode: 0o700) } catch {
            throw .fileSystem(path: path, operation: "create directory", errno: error.code)
        }
    }

    private static func writePublic(_ text: String, at path: String) throws(FederationTLSError) {
        do { try DurableFile.create(Array(text.utf8), at: path, mode: 0o644) } catch {
            throw .fileSystem(path: path, operation: error.operation, errno: error.code)
        }
    }

    private static func writeSecret(_ bytes: [UInt8], at path: String) throws(FederationTLSError) {
        do { try DurableFile.create(bytes, at: path, mode: 0o600) } catch {
            throw .fileSystem(path: path, operation: error.operation, errno: error.code)
        }
    }

    /// Removes a staging tree after a failure (best effort: it holds nothing anyone uses).
    private static func removeTree(_ path: String) {
        do { try FileManager.default.removeItem(atPath: path) } catch {
            // A leftover dot-directory with 0700 keys is untidy but unreadable to others.
        }
    }
}

extension FederationKeyAlgorithm {
    /// The curve of `key`, or nil for any other key type.
    init?(_ key: Certificate.PublicKey) {
        if P256.Signing.PublicKey(key) != nil {
            self = .p256
        } else if P384.Signing.PublicKey(key) != nil {
            self = .p384
        } else {
            return nil
        }
    }
}
