internal import CSodium

/// The BLAKE2b hash function (RFC 7693) from libsodium's `crypto_generichash`.
public enum BLAKE2b {
    /// Allowed digest lengths in bytes.
    public static let digestLengths = 16...64
    /// Allowed key lengths in bytes for keyed hashing (a PRF/MAC).
    public static let keyLengths = 16...64

    /// The unkeyed digest of `message`, `length` bytes long (16...64; clamped into range).
    public static func hash(_ message: [UInt8], length: Int = 32) -> [UInt8] {
        Libsodium.ensureInitialized()
        let outputLength = Swift.min(Swift.max(length, digestLengths.lowerBound), digestLengths.upperBound)
        var out = [UInt8](repeating: 0, count: outputLength)
        let status = crypto_generichash(&out, outputLength, message, UInt64(message.count), nil, 0)
        // The length was clamped into libsodium's range, the only reason it can refuse.
        precondition(status == 0, "crypto_generichash refused a checked length (status \(status))")
        return out
    }

    /// The keyed digest of `message` under `key` (16...64 bytes), `length` bytes long (16...64).
    public static func keyedHash(
        _ message: [UInt8], key: UnsafeRawBufferPointer, length: Int
    ) throws(SodiumError) -> [UInt8] {
        guard keyLengths.contains(key.count) else {
            throw .lengthOutOfRange(what: "BLAKE2b key", range: keyLengths, actual: key.count)
        }
        guard digestLengths.contains(length) else {
            throw .lengthOutOfRange(what: "BLAKE2b digest", range: digestLengths, actual: length)
        }
        Libsodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: length)
        let status = crypto_generichash(
            &out, length, message, UInt64(message.count),
            key.baseAddress?.assumingMemoryBound(to: UInt8.self), key.count)
        // Both lengths were checked above, the only reasons it can refuse.
        precondition(status == 0, "crypto_generichash refused checked lengths (status \(status))")
        return out
    }
}
