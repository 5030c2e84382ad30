/// One of the AEAD constructions in ``AEAD``: fixes the nonce size of its ``AEAD/Nonce`` and
/// ``AEAD/SealedBox``, so a nonce or box of one construction cannot be given to the other.
///
/// Only ``AEAD/XChaCha20Poly1305`` and ``AEAD/ChaCha20Poly1305`` conform; the libsodium
/// functions behind them are internal to this module.
public protocol AEADConstruction: Sendable {
    /// Nonce length in bytes.
    static var nonceByteCount: Int { get }
    /// The construction's name, used in error messages.
    static var name: String { get }
    /// The libsodium functions behind the construction.
    static var primitives: AEAD.Primitives { get }
}
