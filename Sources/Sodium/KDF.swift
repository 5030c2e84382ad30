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
            let digest: [UInt8]
            do {
                digest = try key.withUnsafeBytes { try BLAKE2b.keyedHash(message, key: $0, length: blockLength) }
            } catch let error as SodiumError {
                throw error
            } catch {
                throw .invalidArgument("KDF failed: \(error)")
            }
            output += digest.prefix(length - output.count)
            block += 1
        }
        defer { SecureMemory.wipe(&output) }
        return SecretBytes(output)
    }
}

@inline(__always)
func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    for index in 0..<(T.bitWidth / 8) {
        bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index)))
    }
}
