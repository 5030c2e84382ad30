import Foundation
import X509
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One node's TLS directory, read and checked: its certificate, its private key and the
/// federation CA (`DIR/coordinator` or `DIR/sites/NAME`, see ``FederationLayout``).
///
/// Loading checks everything a handshake would otherwise report late and vaguely: the files
/// exist, the key file and the directory are private to their owner, each PEM file holds
/// exactly one certificate or key, the key belongs to the certificate, the CA issued the
/// certificate, both are valid now, and the certificate is of the role the caller needs.
public struct NodeCredentials: Sendable {
    /// The directory read.
    public let directory: String
    /// The node's identity, from its certificate.
    public let identity: FederationIdentity
    /// The node's certificate.
    public let certificate: Certificate
    /// The federation CA, the only trust root for this node's peers.
    public let authority: Certificate
    /// The certificate as PEM bytes.
    let certificatePEM: [UInt8]
    /// The CA as PEM bytes.
    let authorityPEM: [UInt8]
    /// The private key as PEM (a secret, erased when the last copy of these credentials goes).
    let privateKeyPEM: SecretBytes
    /// The private key, for signing SecAgg key bindings.
    let privateKey: Certificate.PrivateKey

    /// Reads and checks the TLS directory `directory`.
    ///
    /// - Parameters:
    ///   - directory: A node directory holding cert.pem, key.pem (0600) and ca.pem.
    ///   - role: The role the certificate must have (the coordinator loads `.coordinator`,
    ///     a site `.site`).
    ///   - now: The instant the certificates must be valid at.
    /// - Throws: ``FederationTLSError``: `missingFile`, `insecurePermissions` (key file or
    ///   directory accessible to others), `malformedFile`, `keyDoesNotMatchCertificate`,
    ///   `notIssuedByFederation`, `certificateNotCurrentlyValid`, or `wrongRole`.
    public init(directory: String, role: FederationRole, now: Date = Date()) throws(FederationTLSError) {
        var info = stat()
        guard stat(directory, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw .missingFile(path: directory) }
            throw .fileSystem(path: directory, operation: "stat", errno: code)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .malformedFile(path: directory, reason: "not a directory")
        }
        // Whoever can write the directory can swap the key or the CA beside it.
        let directoryMode = UInt32(info.st_mode & 0o7777)
        guard directoryMode & 0o022 == 0 else {
            throw .insecurePermissions(path: directory, mode: directoryMode, required: "writable by its owner only (chmod 700)")
        }
        let certificatePath = directory + "/" + NodeDirectoryFile.certificate
        let keyPath = directory + "/" + NodeDirectoryFile.privateKey
        let authorityPath = directory + "/" + NodeDirectoryFile.authority

        let certificatePEM = try PEMFiles.read(certificatePath)
        let certificate = try PEMFiles.certificate(at: certificatePath)
        let authorityPEM = try PEMFiles.read(authorityPath)
        let authority = try PEMFiles.certificate(at: authorityPath)
        var keyBytes = try PEMFiles.secretBytes(at: keyPath)
        let key: Certificate.PrivateKey
        do {
            key = try PEMFiles.privateKey(keyBytes, path: keyPath)
        } catch {
            Secret.zero(&keyBytes)
            throw error
        }
        let secret = SecretBytes(keyBytes)
        Secret.zero(&keyBytes)
        guard key.publicKey == certificate.publicKey else { throw .keyDoesNotMatchCertificate(path: keyPath) }

        guard (try? authority.extensions.basicConstraints) == .isCertificateAuthority(maxPathLength: 0),
            authority.issuer == authority.subject,
            authority.publicKey.isValidSignature(authority.signature, for: authority)
        else {
            throw .malformedFile(path: authorityPath, reason: "not a self-signed federation CA certificate (CA, path length 0)")
        }
        guard certificate.issuer == authority.subject, authority.publicKey.isValidSignature(certificate.signature, for: certificate) else {
            throw .notIssuedByFederation(path: certificatePath)
        }
        for (path, checked) in [(authorityPath, authority), (certificatePath, certificate)] {
            guard checked.notValidBefore <= now, now <= checked.notValidAfter else {
                throw .certificateNotCurrentlyValid(path: path, notBefore: checked.notValidBefore, notAfter: checked.notValidAfter)
            }
        }
        let identity: FederationIdentity
        do {
            identity = try FederationIdentity(certificate: certificate)
        } catch {
            throw .malformedFile(path: certificatePath, reason: error.description)
        }
        guard identity.role == role else {
            throw .wrongRole(path: certificatePath, expected: role.description, found: identity.role.description)
        }

        self.directory = directory
        self.identity = identity
        self.certificate = certificate
        self.authority = authority
        self.certificatePEM = certificatePEM
        self.authorityPEM = authorityPEM
        privateKeyPEM = secret
        privateKey = key
    }
}

/// Secret bytes in memory the program owns (not a Swift array that may be copied): zeroed
/// when the last reference goes. Immutable after creation, hence safe to share.
final class SecretBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer

    /// A private copy of `bytes`.
    init(_ bytes: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { storage.baseAddress!.copyMemory(from: base, byteCount: source.count) }
        }
        self.storage = storage
        count = bytes.count
    }

    /// The number of bytes.
    let count: Int

    /// A copy as an array (for APIs that take arrays; the caller zeroes it when done).
    var bytes: [UInt8] { Array(UnsafeRawBufferPointer(rebasing: storage[0..<count])) }

    deinit {
        memset(storage.baseAddress!, 0, storage.count)
        storage.deallocate()
    }
}
