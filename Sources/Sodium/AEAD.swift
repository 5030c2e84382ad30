internal import CSodium

/// Authenticated encryption with associated data: XChaCha20-Poly1305 and ChaCha20-Poly1305.
///
/// Both constructions take a ``SymmetricKey`` and a typed nonce of their own size, and return
/// a ``AEAD/SealedBox`` whose ``AEAD/SealedBox/combined`` layout is the same for both:
/// `nonce ‖ ciphertext ‖ tag`.
public enum AEAD {
    /// Tag length shared by both constructions, in bytes.
    public static let tagByteCount = 16
    /// Key length shared by both constructions, in bytes.
    public static let keyByteCount = SymmetricKey.byteCount

    /// XChaCha20-Poly1305 (24-byte nonces, safe to draw at random): the default AEAD.
    public enum XChaCha20Poly1305: AEADConstruction {
        /// Nonce length in bytes.
        public static let nonceByteCount = 24
        /// The construction's name, used in error messages.
        public static let name = "XChaCha20-Poly1305"
        /// The libsodium functions behind the construction.
        public static let primitives = Primitives(
            encrypt: crypto_aead_xchacha20poly1305_ietf_encrypt, decrypt: crypto_aead_xchacha20poly1305_ietf_decrypt)

        /// A 24-byte XChaCha20-Poly1305 nonce.
        public typealias Nonce = AEAD.Nonce<Self>
        /// An XChaCha20-Poly1305 sealed box.
        public typealias SealedBox = AEAD.SealedBox<Self>

        /// Encrypts `plaintext` and authenticates it with `associatedData`.
        ///
        /// - Parameters:
        ///   - plaintext: the message.
        ///   - key: the AEAD key.
        ///   - nonce: the nonce; a fresh one from the CSPRNG when nil (safe at this size).
        ///   - associatedData: authenticated, not encrypted.
        /// - Returns: the sealed box (`nonce ‖ ciphertext ‖ tag` as `combined`).
        /// - Throws: `SodiumError.primitiveFailed` if libsodium refuses the message.
        public static func seal(
            _ plaintext: [UInt8], using key: SymmetricKey, nonce: Nonce? = nil, authenticating associatedData: [UInt8] = []
        ) throws(SodiumError) -> SealedBox {
            try AEAD.seal(plaintext, using: key, nonce: nonce ?? Nonce(), authenticating: associatedData)
        }

        /// Verifies and decrypts `box`, checking `associatedData`.
        ///
        /// - Parameters:
        ///   - box: the sealed box.
        ///   - key: the AEAD key.
        ///   - associatedData: the associated data given to `seal`.
        /// - Returns: the plaintext.
        /// - Throws: `SodiumError.authenticationFailed` on any mismatch.
        public static func open(
            _ box: SealedBox, using key: SymmetricKey, authenticating associatedData: [UInt8] = []
        ) throws(SodiumError) -> [UInt8] {
            try AEAD.open(box, using: key, authenticating: associatedData)
        }
    }

    /// ChaCha20-Poly1305 as in RFC 8439 (12-byte nonces that must never repeat under one key).
    public enum ChaCha20Poly1305: AEADConstruction {
        /// Nonce length in bytes.
        public static let nonceByteCount = 12
        /// The construction's name, used in error messages.
        public static let name = "ChaCha20-Poly1305"
        /// The libsodium functions behind the construction.
        public static let primitives = Primitives(
            encrypt: crypto_aead_chacha20poly1305_ietf_encrypt, decrypt: crypto_aead_chacha20poly1305_ietf_decrypt)

        /// A 12-byte ChaCha20-Poly1305 nonce.
        public typealias Nonce = AEAD.Nonce<Self>
        /// A ChaCha20-Poly1305 sealed box.
        public typealias SealedBox = AEAD.SealedBox<Self>

        /// Encrypts and authenticates under the caller's nonce, which must never repeat under
        /// `key` (96 bits are too few to draw at random for many messages).
        ///
        /// - Parameters:
        ///   - plaintext: the message.
        ///   - key: the AEAD key.
        ///   - nonce: a nonce never used before with `key`.
        ///   - associatedData: authenticated, not encrypted.
        /// - Returns: the sealed box (`nonce ‖ ciphertext ‖ tag` as `combined`).
        /// - Throws: `SodiumError.primitiveFailed` if libsodium refuses the message.
        public static func seal(
            _ plaintext: [UInt8], using key: SymmetricKey, nonce: Nonce, authenticating associatedData: [UInt8] = []
        ) throws(SodiumError) -> SealedBox {
            try AEAD.seal(plaintext, using: key, nonce: nonce, authenticating: associatedData)
        }

        /// Verifies and decrypts `box`, checking `associatedData`.
        ///
        /// - Parameters:
        ///   - box: the sealed box.
        ///   - key: the AEAD key.
        ///   - associatedData: the associated data given to `seal`.
        /// - Returns: the plaintext.
        /// - Throws: `SodiumError.authenticationFailed` on any mismatch.
        public static func open(
            _ box: SealedBox, using key: SymmetricKey, authenticating associatedData: [UInt8] = []
        ) throws(SodiumError) -> [UInt8] {
            try AEAD.open(box, using: key, authenticating: associatedData)
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

    /// The libsodium functions behind one construction: opaque, and impossible to build outside
    /// this module, which keeps ``AEADConstruction`` closed to the two constructions here.
    public struct Primitives: Sendable {
        let encrypt: @Sendable (
            UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt64>?, UnsafePointer<UInt8>?, UInt64,
            UnsafePointer<UInt8>?, UInt64, UnsafePointer<UInt8>?, UnsafePointer<UInt8>, UnsafePointer<UInt8>
        ) -> Int32
        let decrypt: @Sendable (
            UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt64>?, UnsafeMutablePointer<UInt8>?,
            UnsafePointer<UInt8>, UInt64, UnsafePointer<UInt8>?, UInt64, UnsafePointer<UInt8>, UnsafePointer<UInt8>
        ) -> Int32
    }

    static func seal<C: AEADConstruction>(
        _ plaintext: [UInt8], using key: SymmetricKey, nonce: Nonce<C>, authenticating associatedData: [UInt8]
    ) throws(SodiumError) -> SealedBox<C> {
        let sealed = try seal(plaintext, key: key, nonce: nonce.rawRepresentation, associatedData: associatedData,
                              using: C.primitives.encrypt)
        return SealedBox(nonce: nonce, ciphertextAndTag: sealed)
    }

    static func open<C: AEADConstruction>(
        _ box: SealedBox<C>, using key: SymmetricKey, authenticating associatedData: [UInt8]
    ) throws(SodiumError) -> [UInt8] {
        Libsodium.ensureInitialized()
        let sealed = box.ciphertextAndTag
        var out = [UInt8](repeating: 0, count: sealed.count - tagByteCount)
        var outLength: UInt64 = 0
        let status = key.withUnsafeBytes { keyBytes in
            C.primitives.decrypt(&out, &outLength, nil, sealed, UInt64(sealed.count), associatedData,
                                 UInt64(associatedData.count), box.nonce.rawRepresentation,
                                 keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard status == 0 else {
            SecureMemory.wipe(&out)
            throw .authenticationFailed
        }
        return out
    }

    // Internal (not private) so a test can hand it a primitive that reports failure.
    static func seal(
        _ plaintext: [UInt8], key: SymmetricKey, nonce: [UInt8], associatedData: [UInt8],
        using encrypt: EncryptFunction
    ) throws(SodiumError) -> [UInt8] {
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
}
