internal import CSodium

/// The raw ChaCha20 stream cipher (RFC 8439), for keystream generation and tests.
public enum ChaCha20 {
    /// Key length in bytes.
    public static let keyByteCount = 32
    /// Nonce length of the IETF variant (RFC 8439) in bytes.
    public static let ietfNonceByteCount = 12
    /// Nonce length of the original variant (64-bit nonce, 64-bit block counter) in bytes.
    public static let nonceByteCount = 8
    /// Bytes per ChaCha20 block.
    public static let blockByteCount = 64

    /// The RFC 8439 keystream: `count` bytes starting at block `counter`.
    public static func ietfKeystream(
        key: [UInt8], nonce: [UInt8], counter: UInt32 = 0, count: Int
    ) throws(SodiumError) -> [UInt8] {
        try requireLength(key, keyByteCount, "ChaCha20 key")
        try requireLength(nonce, ietfNonceByteCount, "ChaCha20 IETF nonce")
        guard count >= 0 else { throw .invalidParameter(name: "count", reason: "keystream length must be non-negative, got \(count)") }
        Libsodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        out.withUnsafeMutableBufferPointer { buffer in
            let status = crypto_stream_chacha20_ietf_xor_ic(
                buffer.baseAddress!, buffer.baseAddress!, UInt64(count), nonce, counter, key)
            // Key and nonce lengths are checked; a failure would leave plaintext zeros as "keystream".
            precondition(status == 0, "crypto_stream_chacha20_ietf_xor_ic failed (status \(status))")
        }
        return out
    }

    /// Writes the original-variant keystream (64-bit nonce, 64-bit block counter) into `buffer`.
    ///
    /// This is the raw libsodium limit that `ChaChaRandom` is measured against.
    public static func keystream(
        into buffer: UnsafeMutableRawBufferPointer, key: [UInt8], nonce: [UInt8], counter: UInt64 = 0
    ) throws(SodiumError) {
        try requireLength(key, keyByteCount, "ChaCha20 key")
        try requireLength(nonce, nonceByteCount, "ChaCha20 nonce")
        Libsodium.ensureInitialized()
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count)
        let status = crypto_stream_chacha20_xor_ic(bytes, bytes, UInt64(buffer.count), nonce, counter, key)
        // Key and nonce lengths are checked; a failure would leave zeros posing as keystream.
        precondition(status == 0, "crypto_stream_chacha20_xor_ic failed (status \(status))")
    }
}
