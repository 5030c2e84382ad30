/// A 32-byte key for the AEAD constructions, held in memory that is wiped on release.
///
/// A key comes from the CSPRNG, from the KDF, or from 32 bytes the caller already holds as a
/// key. An X25519 ``X25519/SharedSecret`` is deliberately not accepted: it must go through
/// ``KDF`` first, which binds it to a purpose.
public struct SymmetricKey: Sendable, Equatable {
    /// Key length in bytes.
    public static let byteCount = 32

    let secret: SecretBytes

    /// A fresh key from libsodium's CSPRNG.
    public init() {
        secret = SecretBytes(randomCount: Self.byteCount)
    }

    /// A key from 32 raw bytes (the caller remains responsible for wiping its own copy).
    ///
    /// - Parameter rawRepresentation: exactly 32 bytes.
    /// - Throws: `SodiumError.invalidLength` for any other length.
    public init<Bytes: Collection>(rawRepresentation: Bytes) throws(SodiumError) where Bytes.Element == UInt8 {
        try requireLength(rawRepresentation, Self.byteCount, "AEAD key")
        secret = SecretBytes(rawRepresentation)
    }

    /// A key that takes ownership of 32 secret bytes (typically the output of ``KDF``).
    ///
    /// - Parameter secret: exactly 32 bytes.
    /// - Throws: `SodiumError.invalidLength` for any other length.
    public init(_ secret: SecretBytes) throws(SodiumError) {
        guard secret.count == Self.byteCount else {
            throw .invalidLength(what: "AEAD key", expected: Self.byteCount, actual: secret.count)
        }
        self.secret = secret
    }

    /// Calls `body` with read-only access to the key bytes.
    ///
    /// - Parameter body: a closure that must not keep the pointer.
    /// - Returns: what `body` returns.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try secret.withUnsafeBytes(body)
    }

    /// Constant-time equality.
    public static func == (lhs: SymmetricKey, rhs: SymmetricKey) -> Bool { lhs.secret == rhs.secret }
}
