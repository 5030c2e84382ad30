extension AEAD {
    /// The output of an AEAD seal: nonce, ciphertext and tag, laid out as
    /// `nonce ‖ ciphertext ‖ tag` in ``combined`` for both constructions.
    public struct SealedBox<Construction: AEADConstruction>: Sendable, Hashable {
        /// The nonce the box was sealed under.
        public let nonce: Nonce<Construction>
        /// Ciphertext followed by the tag (what libsodium's combined mode writes).
        let ciphertextAndTag: [UInt8]

        init(nonce: Nonce<Construction>, ciphertextAndTag: [UInt8]) {
            self.nonce = nonce
            self.ciphertextAndTag = ciphertextAndTag
        }

        /// Parses `nonce ‖ ciphertext ‖ tag`.
        ///
        /// - Parameter combined: the box's bytes, at least nonce plus tag long.
        /// - Throws: `SodiumError.ciphertextTooShort` when shorter.
        public init<Bytes: Collection>(combined: Bytes) throws(SodiumError) where Bytes.Element == UInt8 {
            let bytes = Array(combined)
            let minimum = Construction.nonceByteCount + AEAD.tagByteCount
            guard bytes.count >= minimum else { throw .ciphertextTooShort(minimum: minimum, actual: bytes.count) }
            nonce = try Nonce(rawRepresentation: bytes[..<Construction.nonceByteCount])
            ciphertextAndTag = Array(bytes[Construction.nonceByteCount...])
        }

        /// Assembles a box from its three parts.
        ///
        /// - Parameters:
        ///   - nonce: the nonce.
        ///   - ciphertext: the ciphertext (as long as the plaintext).
        ///   - tag: the 16-byte tag.
        /// - Throws: `SodiumError.invalidLength` for a tag of another length.
        public init(nonce: Nonce<Construction>, ciphertext: [UInt8], tag: [UInt8]) throws(SodiumError) {
            try requireLength(tag, AEAD.tagByteCount, "\(Construction.name) tag")
            self.init(nonce: nonce, ciphertextAndTag: ciphertext + tag)
        }

        /// The encrypted message, without nonce or tag.
        public var ciphertext: [UInt8] { Array(ciphertextAndTag.dropLast(AEAD.tagByteCount)) }
        /// The 16-byte authentication tag.
        public var tag: [UInt8] { Array(ciphertextAndTag.suffix(AEAD.tagByteCount)) }
        /// `nonce ‖ ciphertext ‖ tag`: the one wire layout of both constructions.
        public var combined: [UInt8] { nonce.rawRepresentation + ciphertextAndTag }
    }
}
