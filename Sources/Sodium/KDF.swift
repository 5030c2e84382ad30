/// Key derivation with domain separation, built on keyed BLAKE2b.
///
/// Output block `i` is `BLAKE2b(key: inputKey, len(domain) ‖ domain ‖ len(info) ‖ info ‖ i)`,
/// with little-endian length prefixes so no two (domain, info) pairs share an encoding.
/// Keyed BLAKE2b is a PRF, so blocks for distinct inputs are independent uniform keys.
public enum KDF {
    /// The largest output this KDF produces.
    public static let maximumLength = 64 * 1024

    /// Derives `length` bytes from `key` for the purpose named by `domain`, bound to `info`.
    ///
    /// - Parameters:
    ///   - key: input key material, 16...64 bytes (e.g. an X25519 shared secret).
    ///   - domain: a fixed string naming the purpose, e.g. `"PrivAgg.SecAgg.pairwise-mask"`.
    ///   - info: context to bind the key to, e.g. a round number and the two client ids.
    ///   - length: output length, 1...65536 bytes.
    /// - Returns: `length` bytes in wiped-on-release storage.
    /// - Throws: `SodiumError.lengthOutOfRange` for a key or output length out of range.
    public static func derive(
        from key: SecretBytes, domain: String, info: [UInt8] = [], length: Int = 32
    ) throws(SodiumError) -> SecretBytes {
        guard (1...maximumLength).contains(length) else {
            throw .lengthOutOfRange(what: "KDF output", range: 1...maximumLength, actual: length)
        }
        guard BLAKE2b.keyLengths.contains(key.count) else {
            throw .lengthOutOfRange(what: "KDF input key", range: BLAKE2b.keyLengths, actual: key.count)
        }
        let domainBytes = Array(domain.utf8)
        var message: [UInt8] = []
        message.reserveCapacity(16 + domainBytes.count + info.count)
        appendLittleEndian(UInt32(domainBytes.count), to: &message)
        message += domainBytes
        appendLittleEndian(UInt64(info.count), to: &message)
        message += info
        let prefixLength = message.count
        var output: [UInt8] = []
        output.reserveCapacity(length)
        var block: UInt32 = 0
        while output.count < length {
            message.removeSubrange(prefixLength...)
            appendLittleEndian(block, to: &message)
            let blockLength = Swift.max(BLAKE2b.digestLengths.lowerBound, Swift.min(64, length - output.count))
            // `withUnsafeBytes` rethrows untyped errors; a `Result` keeps the `SodiumError` typed.
            let digest = try key.withUnsafeBytes { bytes in
                Result { () throws(SodiumError) in try BLAKE2b.keyedHash(message, key: bytes, length: blockLength) }
            }.get()
            output += digest.prefix(length - output.count)
            block += 1
        }
        defer { SecureMemory.wipe(&output) }
        return SecretBytes(output)
    }
}

extension KDF {
    /// Derives `length` bytes from an X25519 shared secret for the purpose named by `domain`.
    ///
    /// - Parameters:
    ///   - sharedSecret: the output of ``X25519/PrivateKey/sharedSecret(with:)``.
    ///   - domain: a fixed string naming the purpose.
    ///   - info: context to bind the output to.
    ///   - length: output length, 1...65536 bytes.
    /// - Returns: `length` bytes in wiped-on-release storage.
    /// - Throws: `SodiumError.lengthOutOfRange` for an output length out of range.
    public static func derive(
        from sharedSecret: X25519.SharedSecret, domain: String, info: [UInt8] = [], length: Int = 32
    ) throws(SodiumError) -> SecretBytes {
        try derive(from: sharedSecret.secret, domain: domain, info: info, length: length)
    }

    /// Derives an AEAD key from an X25519 shared secret for the purpose named by `domain`.
    ///
    /// - Parameters:
    ///   - sharedSecret: the output of ``X25519/PrivateKey/sharedSecret(with:)``.
    ///   - domain: a fixed string naming the purpose.
    ///   - info: context to bind the key to.
    /// - Returns: a 32-byte ``SymmetricKey``, the same bytes `derive(from:domain:info:length:)`
    ///   gives for length 32.
    /// - Throws: `SodiumError` only if the KDF itself fails.
    public static func deriveKey(
        from sharedSecret: X25519.SharedSecret, domain: String, info: [UInt8] = []
    ) throws(SodiumError) -> SymmetricKey {
        try SymmetricKey(derive(from: sharedSecret.secret, domain: domain, info: info, length: SymmetricKey.byteCount))
    }
}

@inline(__always)
func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    for index in 0..<(T.bitWidth / 8) {
        bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index)))
    }
}
