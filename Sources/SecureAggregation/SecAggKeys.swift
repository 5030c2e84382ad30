import Sodium

/// Key derivations, associated data and signed statements of the protocol (format version 1).
///
/// Every derived key is bound by the KDF to its purpose, the round and both client ids
/// (smaller id first, so the two ends agree), and every ciphertext and signature to the
/// round and the parties, so nothing from one round, pair or direction is accepted in another.
public enum SecAggKeys {
    /// Ed25519 signature length.
    public static let signatureByteCount = Ed25519.signatureByteCount
    /// X25519 public key length.
    public static let publicKeyByteCount = X25519.byteCount

    static let pairwiseMaskDomain = "PrivAgg.SecAgg.v1.pairwise-mask"
    static let shareEncryptionDomain = "PrivAgg.SecAgg.v1.share-encryption"

    /// The seed of the pairwise mask between `a` and `b`: X25519 → BLAKE2b KDF(round, min, max).
    static func pairwiseSeed(
        _ privateKey: X25519.PrivateKey, _ peerKey: X25519.PublicKey, round: UInt64, _ a: UInt32, _ b: UInt32
    ) throws(SecAggError) -> SecretBytes {
        try sodium { () throws(SodiumError) in
            try KDF.derive(from: privateKey.sharedSecret(with: peerKey), domain: pairwiseMaskDomain,
                           info: pairInfo(round: round, a, b), length: 32)
        }
    }

    /// The XChaCha20-Poly1305 key protecting the shares exchanged by `a` and `b`.
    static func shareKey(
        _ privateKey: X25519.PrivateKey, _ peerKey: X25519.PublicKey, round: UInt64, _ a: UInt32, _ b: UInt32
    ) throws(SecAggError) -> SymmetricKey {
        try sodium { () throws(SodiumError) in
            try KDF.deriveKey(from: privateKey.sharedSecret(with: peerKey), domain: shareEncryptionDomain,
                              info: pairInfo(round: round, a, b))
        }
    }

    /// The KDF context of a pair: round, smaller id, larger id (both ends derive the same key).
    private static func pairInfo(round: UInt64, _ a: UInt32, _ b: UInt32) -> [UInt8] {
        var info: [UInt8] = []
        appendLE(round, to: &info)
        appendLE(min(a, b), to: &info)
        appendLE(max(a, b), to: &info)
        return info
    }

    /// Associated data of an encrypted share: the direction (sender → receiver) and round.
    static func shareAssociatedData(round: UInt64, sender: UInt32, receiver: UInt32) -> [UInt8] {
        var bytes = Array("PrivAgg.SecAgg.v1.share".utf8)
        appendLE(round, to: &bytes)
        appendLE(sender, to: &bytes)
        appendLE(receiver, to: &bytes)
        return bytes
    }

    /// The statement a client signs when advertising its keys.
    static func advertisementStatement(round: UInt64, client: UInt32, encryptionKey: X25519.PublicKey, maskingKey: X25519.PublicKey) -> [UInt8] {
        var bytes = Array("PrivAgg.SecAgg.v1.advertise".utf8)
        appendLE(round, to: &bytes)
        appendLE(client, to: &bytes)
        return bytes + encryptionKey.rawRepresentation + maskingKey.rawRepresentation
    }

    /// The statement a client signs in the consistency check: the survivors it was shown.
    static func consistencyStatement(round: UInt64, survivors: [UInt32]) -> [UInt8] {
        var bytes = Array("PrivAgg.SecAgg.v1.consistency".utf8)
        appendLE(round, to: &bytes)
        appendLE(UInt32(survivors.count), to: &bytes)
        for id in survivors { appendLE(id, to: &bytes) }
        return bytes
    }
}

@inline(__always)
func appendLE<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    for index in 0..<(T.bitWidth / 8) { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
}
