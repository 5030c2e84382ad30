import Bignum
import Sodium

extension Paillier.PublicKey {
    /// A short public name for the key: the first 16 bytes of BLAKE2b-256 over a
    /// domain label and the modulus' big-endian bytes, in hex (32 characters).
    ///
    /// `privagg paillier` writes it into each ciphertext file beside pheutil's `v` and `e`
    /// and checks it on every read, so a ciphertext used with another key is refused as
    /// "encrypted under a different key" instead of decrypting to an overflow or garbage.
    public var fingerprint: String {
        let modulus: [UInt8]
        // Without a fixed width only a negative value fails, and a key's modulus is positive.
        do { modulus = try n.bigEndianBytes() } catch { preconditionFailure("a public key's modulus is positive: \(error)") }
        let digest = BLAKE2b.hash(Array("privagg paillier key fingerprint v1".utf8) + [0] + modulus, length: 32)
        return digest.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
