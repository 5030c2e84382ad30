import Foundation
import SwiftASN1
import X509

/// A site's SecAgg signing key (its Ed25519 public key), signed with the site's TLS key, so
/// that the coordinator and every other site can check that the key belongs to the site the
/// federation CA certified under that name (SecAgg's authenticated mode, Bonawitz et al.
/// 2017 §6: without it a malicious coordinator could substitute keys and play a site).
///
/// The signature covers a domain-separation tag, the site's name, a context chosen by the
/// protocol (the federation session and round, so a binding cannot be replayed into another
/// round) and the key:
///
/// `"privagg/secagg-key-binding/v1" ‖ u16 len ‖ site ‖ u16 len ‖ context ‖ u16 len ‖ key`
///
/// The binding carries the site's certificate (DER), so a verifier needs only the federation
/// CA. Wire form (``serialized()``): `"PSKB"`, version byte 1, then the site name, context,
/// key, certificate and signature, each with a big-endian `u16` length.
public struct SecAggKeyBinding: Sendable, Hashable {
    /// The format version written.
    public static let version: UInt8 = 1
    static let magic: [UInt8] = Array("PSKB".utf8)
    static let domain: [UInt8] = Array("privagg/secagg-key-binding/v1".utf8)
    /// The largest field accepted when parsing (a certificate is under 2 KB).
    static let maximumFieldLength = 8192

    /// The site that signed.
    public let site: NodeName
    /// The protocol context the binding is valid in (e.g. session id and round).
    public let context: [UInt8]
    /// The bound public key (Ed25519: 32 bytes).
    public let publicKey: [UInt8]
    /// The site's certificate, DER.
    public let certificateDER: [UInt8]
    /// The ECDSA signature (DER) by the certificate's key over ``signedBytes``.
    public let signature: [UInt8]

    /// Signs `publicKey` for `context` with the site's TLS key.
    ///
    /// - Parameters:
    ///   - publicKey: The SecAgg Ed25519 public key (1 to 8192 bytes; 32 for Ed25519).
    ///   - context: The protocol context (1 to 8192 bytes), e.g. session id ‖ round number.
    ///   - credentials: The site's credentials.
    /// - Throws: ``FederationTLSError/wrongRole(path:expected:found:)`` for coordinator
    ///   credentials, ``FederationTLSError/invalidParameter(name:reason:)`` for empty or
    ///   oversized fields.
    public init(signing publicKey: [UInt8], context: [UInt8], with credentials: NodeCredentials) throws(FederationTLSError) {
        guard credentials.identity.role == .site else {
            throw .wrongRole(
                path: credentials.directory + "/" + NodeDirectoryFile.certificate, expected: "site", found: credentials.identity.role.description)
        }
        for (name, field) in [("public key", publicKey), ("context", context)] {
            guard !field.isEmpty, field.count <= Self.maximumFieldLength else {
                throw .invalidParameter(name: name, reason: "\(field.count) bytes, expected 1...\(Self.maximumFieldLength)")
            }
        }
        let message = Self.signedBytes(site: credentials.identity.name, context: context, publicKey: publicKey)
        do {
            guard let algorithm = FederationKeyAlgorithm(credentials.privateKey.publicKey) else {
                throw FederationTLSError.invalidParameter(name: "site key", reason: "not P-256 or P-384")
            }
            let signature = try credentials.privateKey.sign(bytes: message, signatureAlgorithm: algorithm.signatureAlgorithm)
            self.signature = signature.rawRepresentation
            var serializer = DER.Serializer()
            try serializer.serialize(credentials.certificate)
            certificateDER = serializer.serializedBytes
        } catch {
            throw .invalidParameter(name: "signature", reason: "cannot sign the key binding (\(error))")
        }
        site = credentials.identity.name
        self.context = context
        self.publicKey = publicKey
    }

    /// The bytes the signature covers.
    static func signedBytes(site: NodeName, context: [UInt8], publicKey: [UInt8]) -> [UInt8] {
        var bytes = domain
        for field in [Array(site.value.utf8), context, publicKey] {
            bytes.append(UInt8(field.count >> 8))
            bytes.append(UInt8(field.count & 0xFF))
            bytes.append(contentsOf: field)
        }
        return bytes
    }

    /// Checks the binding: the certificate is a valid site certificate of the federation
    /// (``FederationPeerVerifier``), it names ``site``, the context is the one expected, and
    /// the signature verifies with the certificate's key.
    ///
    /// - Parameters:
    ///   - authority: The federation CA.
    ///   - expectedSite: The site the key must belong to (as the verifier knows it: for the
    ///     coordinator, the name from ``FederationIdentity/site(in:)``).
    ///   - expectedContext: The context of the current session and round.
    /// - Returns: The bound public key.
    /// - Throws: ``FederationTLSError/keyBindingInvalid(site:reason:)`` naming the failed check.
    public func verify(authority: Certificate, expectedSite: NodeName, expectedContext: [UInt8]) async throws(FederationTLSError) -> [UInt8] {
        func invalid(_ reason: String) -> FederationTLSError { .keyBindingInvalid(site: expectedSite.value, reason: reason) }
        guard site == expectedSite else { throw invalid("the binding names site '\(site.value)'") }
        guard context == expectedContext else { throw invalid("the binding is for another session or round") }
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: certificateDER)
        } catch {
            throw invalid("its certificate does not parse (\(error))")
        }
        let identity: FederationIdentity
        do {
            identity = try await FederationPeerVerifier(authority: authority, expectedRole: .site).verify([certificate]).identity
        } catch {
            throw invalid("its certificate is not a valid site certificate of this federation: \(error)")
        }
        guard identity.name == expectedSite else {
            throw invalid("its certificate belongs to site '\(identity.name.value)'")
        }
        guard let algorithm = FederationKeyAlgorithm(certificate.publicKey) else {
            throw invalid("its certificate's key is not P-256 or P-384")
        }
        let message = Self.signedBytes(site: site, context: context, publicKey: publicKey)
        guard certificate.publicKey.isValidSignature(signature, for: message, signatureAlgorithm: algorithm.signatureAlgorithm) else {
            throw invalid("the signature does not verify")
        }
        return publicKey
    }

    /// The wire form.
    public func serialized() -> [UInt8] {
        var bytes = Self.magic + [Self.version]
        for field in [Array(site.value.utf8), context, publicKey, certificateDER, signature] {
            bytes.append(UInt8(field.count >> 8))
            bytes.append(UInt8(field.count & 0xFF))
            bytes.append(contentsOf: field)
        }
        return bytes
    }

    /// Parses the wire form strictly: magic, version, five length-prefixed fields, nothing after.
    ///
    /// - Parameter bytes: The bytes received.
    /// - Throws: ``FederationTLSError/keyBindingInvalid(site:reason:)`` (site `?` when the name
    ///   is not yet known) for a wrong magic or version, a truncated or oversized field, trailing
    ///   bytes, or an invalid site name. The signature is not checked here: call ``verify(authority:expectedSite:expectedContext:)``.
    public init(serialized bytes: [UInt8]) throws(FederationTLSError) {
        func invalid(_ reason: String) -> FederationTLSError { .keyBindingInvalid(site: "?", reason: reason) }
        guard bytes.count >= 5, Array(bytes[0..<4]) == Self.magic else { throw invalid("not a key binding (bad magic)") }
        guard bytes[4] == Self.version else { throw invalid("unsupported key binding version \(bytes[4])") }
        var offset = 5
        var fields: [[UInt8]] = []
        for _ in 0..<5 {
            guard offset + 2 <= bytes.count else { throw invalid("truncated") }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            offset += 2
            guard length <= Self.maximumFieldLength else { throw invalid("field of \(length) bytes") }
            guard offset + length <= bytes.count else { throw invalid("truncated") }
            fields.append(Array(bytes[offset..<(offset + length)]))
            offset += length
        }
        guard offset == bytes.count else { throw invalid("\(bytes.count - offset) trailing bytes") }
        guard let name = String(validating: fields[0], as: UTF8.self) else { throw invalid("site name is not UTF-8") }
        do {
            site = try NodeName(name)
        } catch {
            throw invalid("\(error)")
        }
        guard !fields[1].isEmpty, !fields[2].isEmpty else { throw invalid("empty context or key") }
        context = fields[1]
        publicKey = fields[2]
        certificateDER = fields[3]
        signature = fields[4]
    }
}
