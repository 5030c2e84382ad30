import Crypto
import Foundation
import Sodium

/// A SuperNode's authentication key: P-384 ECDSA, as Flower's SuperNode uses.
///
/// Every Fleet API request carries the node's public key (PEM SubjectPublicKeyInfo, base64 in
/// `flwr-public-key`), the current UTC time in ISO 8601 (`flwr-timestamp`), and an ECDSA
/// signature over that timestamp's ASCII bytes with SHA-256 (DER, base64 in `flwr-signature`).
/// The SuperLink checks the signature, that the timestamp is at most 300 s (+5 s drift) old,
/// and that the key belongs to the node id the request names
/// (`flwr.superlink.routers.fleet.node_auth.authenticate_node`).
public struct NodeIdentity: Sendable {
    private let privateKey: P384.Signing.PrivateKey
    /// The public key as PEM text (what `RegisterNode` and `ActivateNode` carry).
    public let publicKeyPEM: Data

    /// A fresh key pair whose secret scalar comes from libsodium's CSPRNG.
    public init() { self.init(Self.freshKey()) }

    private static func freshKey() -> P384.Signing.PrivateKey {
        var random = SecureRandom()
        while true {
            // A uniformly random 384-bit string is a valid scalar (0 < k < n) except with
            // probability about 2^-190; draw again in that case.
            var scalar = random.bytes(count: 48)
            defer { for index in scalar.indices { scalar[index] = 0 } }
            if let key = try? P384.Signing.PrivateKey(rawRepresentation: scalar) { return key }
        }
    }

    /// The key of a pre-registered node (SuperLinks started with `--enable-supernode-auth`
    /// accept only keys registered with `flwr supernode register`).
    ///
    /// - Parameter pem: a PKCS#8 or SEC 1 PEM P-384 private key.
    /// - Throws: ``FlowerInteropError/invalidContent(_:)`` if it is not one.
    public init(privateKeyPEM pem: String) throws(FlowerInteropError) {
        do { self.init(try P384.Signing.PrivateKey(pemRepresentation: pem)) } catch {
            throw .invalidContent("the node key is not a PEM P-384 private key")
        }
    }

    private init(_ key: P384.Signing.PrivateKey) {
        privateKey = key
        publicKeyPEM = Data(key.publicKey.pemRepresentation.utf8)
    }

    /// The three authentication headers for a request sent at `date`.
    ///
    /// - Throws: the signing error of swift-crypto (not expected for a valid key).
    public func authenticationHeaders(at date: Date = Date()) throws -> [(String, String)] {
        let timestamp = Self.isoTimestamp(date)
        let signature = try privateKey.signature(for: SHA256.hash(data: Data(timestamp.utf8)))
        return [
            ("flwr-public-key", publicKeyPEM.base64EncodedString()),
            ("flwr-timestamp", timestamp),
            ("flwr-signature", signature.derRepresentation.base64EncodedString()),
        ]
    }

    /// Python's `datetime.now(tz=UTC).isoformat()`: `2026-11-30T09:05:01.123456+00:00`.
    static func isoTimestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let micros = min(Int(((seconds - whole) * 1_000_000).rounded(.down)), 999_999)
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
    }
}
