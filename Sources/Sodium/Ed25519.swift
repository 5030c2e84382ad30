internal import CSodium

/// Ed25519 signatures (RFC 8032), for authenticating protocol messages.
public enum Ed25519 {
    /// Seed and public-key length in bytes.
    public static let keyByteCount = 32
    /// Signature length in bytes.
    public static let signatureByteCount = 64

    /// A public key that verifies signatures.
    public struct VerifyingKey: Sendable, Hashable {
        /// The 32 raw bytes.
        public let rawRepresentation: [UInt8]

        /// Validates the length of `rawRepresentation`.
        public init<Bytes: Collection>(rawRepresentation: Bytes) throws(SodiumError) where Bytes.Element == UInt8 {
            try requireLength(rawRepresentation, Ed25519.keyByteCount, "Ed25519 public key")
            self.rawRepresentation = Array(rawRepresentation)
        }

        /// Whether `signature` is a valid signature of `message` under this key.
        ///
        /// libsodium rejects non-canonical encodings and small-order keys and R values.
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            guard signature.count == Ed25519.signatureByteCount else { return false }
            Libsodium.ensureInitialized()
            return crypto_sign_verify_detached(signature, message, UInt64(message.count), rawRepresentation) == 0
        }

        /// Throws `invalidSignature` unless `signature` verifies.
        public func verify(_ signature: [UInt8], for message: [UInt8]) throws(SodiumError) {
            try requireLength(signature, Ed25519.signatureByteCount, "Ed25519 signature")
            guard isValidSignature(signature, for: message) else { throw .invalidSignature }
        }
    }

    /// A private signing key, held in memory that is wiped on release.
    public struct SigningKey: Sendable {
        private let secretKey: SecretBytes

        /// The matching public key.
        public let verifyingKey: VerifyingKey

        /// A fresh key from libsodium's CSPRNG.
        public init() {
            // A random 32-byte seed always yields a key pair.
            try! self.init(seed: SecretBytes(randomCount: Ed25519.keyByteCount))
        }

        /// The key pair determined by a 32-byte seed.
        public init(seed: SecretBytes) throws(SodiumError) {
            try requireLength(0..<seed.count, Ed25519.keyByteCount, "Ed25519 seed")
            Libsodium.ensureInitialized()
            var publicBytes = [UInt8](repeating: 0, count: Ed25519.keyByteCount)
            secretKey = SecretBytes(count: Int(crypto_sign_secretkeybytes())) { secret in
                seed.withUnsafeBytes { seedBytes in
                    let status = crypto_sign_seed_keypair(
                        &publicBytes, secret.baseAddress!.assumingMemoryBound(to: UInt8.self),
                        seedBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
                    // The seed length is checked; a failure would leave an all-zero key pair.
                    precondition(status == 0, "crypto_sign_seed_keypair failed (status \(status))")
                }
            }
            verifyingKey = try VerifyingKey(rawRepresentation: publicBytes)
        }

        /// The detached 64-byte signature of `message`.
        public func signature(for message: [UInt8]) -> [UInt8] {
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureByteCount)
            secretKey.withUnsafeBytes { secret in
                let status = crypto_sign_detached(
                    &signature, nil, message, UInt64(message.count),
                    secret.baseAddress!.assumingMemoryBound(to: UInt8.self))
                // A failure would hand out 64 zero bytes as a signature.
                precondition(status == 0, "crypto_sign_detached failed (status \(status))")
            }
            return signature
        }
    }
}
