extension AEAD {
    /// A nonce of the size `Construction` requires, checked when it is made.
    public struct Nonce<Construction: AEADConstruction>: Sendable, Hashable {
        /// The raw nonce bytes.
        public let rawRepresentation: [UInt8]

        /// A fresh nonce from libsodium's CSPRNG.
        public init() {
            var random = SecureRandom()
            rawRepresentation = random.bytes(count: Construction.nonceByteCount)
        }

        /// A nonce from raw bytes.
        ///
        /// - Parameter rawRepresentation: exactly `Construction.nonceByteCount` bytes.
        /// - Throws: `SodiumError.invalidLength` for any other length.
        public init<Bytes: Collection>(rawRepresentation: Bytes) throws(SodiumError) where Bytes.Element == UInt8 {
            try requireLength(rawRepresentation, Construction.nonceByteCount, "\(Construction.name) nonce")
            self.rawRepresentation = Array(rawRepresentation)
        }
    }
}
