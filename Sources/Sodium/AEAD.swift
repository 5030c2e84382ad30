internal import CSodium

/// Authenticated encryption with associated data.
public enum AEAD {
    /// Tag length shared by both constructions, in bytes.
    public static let tagByteCount = 16
    /// Key length shared by both constructions, in bytes.
    public static let keyByteCount = 32

    /// XChaCha20-Poly1305 (24-byte nonces, safe to draw at random): the default AEAD.
    public enum XChaCha20Poly1305 {
        /// Nonce length in bytes.
        public static let nonceByteCount = 24

        /// Encrypts `plaintext` and authenticates it with `associatedData`.
        ///
        /// - Returns: `nonce ‖ ciphertext ‖ tag`. A random nonce is drawn from the CSPRNG
        ///   unless one is given.
        public static func seal(
            _ plaintext: [UInt8], key: SecretBytes, nonce: [UInt8]? = nil, associatedData: [UInt8] = []
        ) throws(SodiumError) -> [UInt8] {
            var random = SecureRandom()
            let nonceBytes = nonce ?? random.bytes(count: nonceByteCount)
            try requireLength(nonceBytes, nonceByteCount, "XChaCha20-Poly1305 nonce")
            let sealed = try AEAD.seal(plaintext, key: key, nonce: nonceBytes, associatedData: associatedData,
                                       using: crypto_aead_xchacha20poly1305_ietf_encrypt)
            return nonceBytes + sealed
        }

        /// Decrypts `nonce ‖ ciphertext ‖ tag` produced by `seal`, checking `associatedData`.
        public static func open(
            _ combined: [UInt8], key: SecretBytes, associatedData: [UInt8] = []
        ) throws(SodiumError) -> [UInt8] {
            guard combined.count >= nonceByteCount + AEAD.tagByteCount else {
                throw .ciphertextTooShort(minimum: nonceByteCount + AEAD.tagByteCount, actual: combined.count)
            }
            return try AEAD.open(
                Array(combined[nonceByteCount...]), key: key, nonce: Array(combined[..<nonceByteCount]),
                associatedData: associatedData, using: crypto_aead_xchacha20poly1305_ietf_decrypt)
        }
    }

    /// ChaCha20-Poly1305 as in RFC 8439 (12-byte nonces that must never repeat under one key).
    public enum ChaCha20Poly1305 {
        /// Nonce length in bytes.
        public static let nonceByteCount = 12

        /// Encrypts and authenticates; returns `ciphertext ‖ tag` (the nonce is the caller's).
        public static func seal(
            _ plaintext: [UInt8], key: SecretBytes, nonce: [UInt8], associatedData: [UInt8] = []
        ) throws(SodiumError) -> [UInt8] {
            try requireLength(nonce, nonceByteCount, "ChaCha20-Poly1305 nonce")
            return try AEAD.seal(plaintext, key: key, nonce: nonce, associatedData: associatedData,
                                 using: crypto_aead_chacha20poly1305_ietf_encrypt)
        }

        /// Verifies and decrypts `ciphertext ‖ tag`.
        public static func open(
            _ sealed: [UInt8], key: SecretBytes, nonce: [UInt8], associatedData: [UInt8] = []
        ) throws(SodiumError) -> [UInt8] {
            try requireLength(nonce, nonceByteCount, "ChaCha20-Poly1305 nonce")
            return try AEAD.open(sealed, key: key, nonce: nonce, associatedData: associatedData,
                                 using: crypto_aead_chacha20poly1305_ietf_decrypt)
        }
    }

    typealias EncryptFunction = (
        UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt64>?, UnsafePointer<UInt8>?, UInt64,
        UnsafePointer<UInt8>?, UInt64, UnsafePointer<UInt8>?, UnsafePointer<UInt8>, UnsafePointer<UInt8>
    ) -> Int32
    typealias DecryptFunction = (
        UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt8>?,
        UnsafePointer<UInt8>, UInt64, UnsafePointer<UInt8>?, UInt64, UnsafePointer<UInt8>, UnsafePointer<UInt8>
    ) -> Int32

    // Internal (not private) so a test can hand it a primitive that reports failure.
    static func seal(
        _ plaintext: [UInt8], key: SecretBytes, nonce: [UInt8], associatedData: [UInt8],
        using encrypt: EncryptFunction
    ) throws(SodiumError) -> [UInt8] {
        try requireLength(key.unprotectedCount, keyByteCount, "AEAD key")
        Libsodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        var outLength: UInt64 = 0
        let status = key.withUnsafeBytes { keyBytes in
            encrypt(&out, &outLength, plaintext, UInt64(plaintext.count), associatedData,
                    UInt64(associatedData.count), nil, nonce, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        // libsodium refuses (−1) a message above the construction's limit; the buffer then
        // holds no valid ciphertext, so it must never be returned as one.
        guard status == 0, outLength == UInt64(out.count) else {
            throw .primitiveFailed(what: "AEAD encryption", status: status)
        }
        return out
    }

    private static func open(
        _ sealed: [UInt8], key: SecretBytes, nonce: [UInt8], associatedData: [UInt8],
        using decrypt: DecryptFunction
    ) throws(SodiumError) -> [UInt8] {
        try requireLength(key.unprotectedCount, keyByteCount, "AEAD key")
        guard sealed.count >= tagByteCount else {
            throw .ciphertextTooShort(minimum: tagByteCount, actual: sealed.count)
        }
        Libsodium.ensureInitialized()
        var out = [UInt8](repeating: 0, count: sealed.count - tagByteCount)
        var outLength: UInt64 = 0
        let status = key.withUnsafeBytes { keyBytes in
            decrypt(&out, &outLength, nil, sealed, UInt64(sealed.count), associatedData,
                    UInt64(associatedData.count), nonce, keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard status == 0 else { throw .authenticationFailed }
        return out
    }
}

extension SecretBytes {
    /// A collection of the right length for `requireLength`, without copying the secret.
    fileprivate var unprotectedCount: Range<Int> { 0..<count }
}
