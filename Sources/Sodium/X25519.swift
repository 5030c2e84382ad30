import CSodium

/// X25519 Diffie–Hellman key agreement (RFC 7748).
public enum X25519 {
    /// Key and shared-secret length in bytes.
    public static let byteCount = 32

    /// An X25519 public key: 32 bytes, any value accepted (RFC 7748 masks the top bit).
    public struct PublicKey: Sendable, Hashable {
        /// The 32 raw bytes.
        public let rawRepresentation: [UInt8]

        /// Validates the length of `rawRepresentation`.
        public init<Bytes: Collection>(rawRepresentation: Bytes) throws(SodiumError) where Bytes.Element == UInt8 {
            try requireLength(rawRepresentation, X25519.byteCount, "X25519 public key")
            self.rawRepresentation = Array(rawRepresentation)
        }
    }

    /// An X25519 private key, held in memory that is wiped on release.
    public struct PrivateKey: Sendable {
        private let secret: SecretBytes

        /// The matching public key.
        public let publicKey: PublicKey

        /// A fresh key from libsodium's CSPRNG.
        public init() {
            let secret = SecretBytes(randomCount: X25519.byteCount)
            // A 32-byte random secret always has a valid public key.
            self = try! PrivateKey(secret: secret)
        }

        /// A key from 32 raw secret bytes (for example, derived from a seeded simulation).
        public init<Bytes: Collection>(rawRepresentation: Bytes) throws(SodiumError) where Bytes.Element == UInt8 {
            try requireLength(rawRepresentation, X25519.byteCount, "X25519 private key")
            try self.init(secret: SecretBytes(rawRepresentation))
        }

        private init(secret: SecretBytes) throws(SodiumError) {
            Libsodium.ensureInitialized()
            self.secret = secret
            var publicBytes = [UInt8](repeating: 0, count: X25519.byteCount)
            let status = secret.withUnsafeBytes { scalar in
                crypto_scalarmult_base(&publicBytes, scalar.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            guard status == 0 else { throw .invalidArgument("X25519 base-point multiplication failed") }
            publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// The raw secret scalar, copied into new wiped-on-release storage.
        public var rawRepresentation: SecretBytes { SecretBytes(secret.unprotectedCopy) }

        /// The shared secret with `peer`; throws `weakPublicKey` when it is all zeros.
        ///
        /// An all-zero result means the peer sent a small-order point, which would let it
        /// force a known shared secret; libsodium reports it and so do we.
        public func sharedSecret(with peer: PublicKey) throws(SodiumError) -> SecretBytes {
            var failed = false
            let shared = SecretBytes(count: X25519.byteCount) { out in
                let status = secret.withUnsafeBytes { scalar in
                    crypto_scalarmult(
                        out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        scalar.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        peer.rawRepresentation)
                }
                failed = status != 0
            }
            if failed { throw .weakPublicKey }
            return shared
        }
    }
}
