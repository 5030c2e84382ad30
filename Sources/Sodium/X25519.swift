internal import CSodium

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

        /// Whether the key encodes a point of order 1, 2, 4 or 8, for which every agreement
        /// gives the all-zero secret. A cheap check for whoever relays keys without using them
        /// (a secure-aggregation server): 7 comparisons instead of a scalar multiplication.
        ///
        /// The list is libsodium's own (its `has_small_order`), compared with the top bit
        /// cleared as RFC 7748 decoding does; it covers the non-canonical encodings p − 1,
        /// p and p + 1.
        public var hasSmallOrder: Bool {
            X25519.smallOrderPoints.contains { point in
                zip(point.indices, point).allSatisfy { index, byte in
                    (index == 31 ? rawRepresentation[index] & 0x7F : rawRepresentation[index]) == byte
                }
            }
        }
    }

    /// The encodings of the small-order points and their non-canonical aliases.
    static let smallOrderPoints: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),                                   // 0 (order 4)
        [1] + [UInt8](repeating: 0, count: 31),                             // 1 (order 1)
        [0xE0, 0xEB, 0x7A, 0x7C, 0x3B, 0x41, 0xB8, 0xAE, 0x16, 0x56, 0xE3, 0xFA, 0xF1, 0x9F, 0xC4, 0x6A,
         0xDA, 0x09, 0x8D, 0xEB, 0x9C, 0x32, 0xB1, 0xFD, 0x86, 0x62, 0x05, 0x16, 0x5F, 0x49, 0xB8, 0x00],  // order 8
        [0x5F, 0x9C, 0x95, 0xBC, 0xA3, 0x50, 0x8C, 0x24, 0xB1, 0xD0, 0xB1, 0x55, 0x9C, 0x83, 0xEF, 0x5B,
         0x04, 0x44, 0x5C, 0xC4, 0x58, 0x1C, 0x8E, 0x86, 0xD8, 0x22, 0x4E, 0xDD, 0xD0, 0x9F, 0x11, 0x57],  // order 8
        [0xEC] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],              // p − 1 (order 2)
        [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],              // p = 0
        [0xEE] + [UInt8](repeating: 0xFF, count: 30) + [0x7F],              // p + 1 = 1
    ]

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
            guard status == 0 else { throw .primitiveFailed(what: "X25519 base-point multiplication", status: status) }
            publicKey = try PublicKey(rawRepresentation: publicBytes)
        }

        /// The raw secret scalar, copied into new wiped-on-release storage.
        public var rawRepresentation: SecretBytes { SecretBytes(secret.unprotectedCopy) }

        /// The shared secret with `peer`, usable only as input to ``KDF``.
        ///
        /// An all-zero result means the peer sent a small-order point, which would let it
        /// force a known shared secret; libsodium reports it and so do we.
        /// - Parameter peer: the other party's public key.
        /// - Throws: `SodiumError.weakPublicKey` when the result is all zeros.
        public func sharedSecret(with peer: PublicKey) throws(SodiumError) -> SharedSecret {
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
            return SharedSecret(shared)
        }
    }
}
