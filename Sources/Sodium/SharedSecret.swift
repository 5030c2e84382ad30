extension X25519 {
    /// The output of an X25519 agreement, held in memory that is wiped on release.
    ///
    /// A raw Diffie–Hellman output is not a uniform key: only ``KDF`` accepts it, so it cannot
    /// be used as an AEAD key or a seed by mistake (no ``SymmetricKey`` initializer takes it).
    public struct SharedSecret: Sendable, Equatable {
        let secret: SecretBytes

        init(_ secret: SecretBytes) { self.secret = secret }

        /// The number of bytes (32).
        public var count: Int { secret.count }

        /// Calls `body` with read-only access to the raw secret, for test vectors and interop.
        ///
        /// - Parameter body: a closure that must not keep the pointer.
        /// - Returns: what `body` returns.
        public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            try secret.withUnsafeBytes(body)
        }

        /// Constant-time equality.
        public static func == (lhs: SharedSecret, rhs: SharedSecret) -> Bool { lhs.secret == rhs.secret }
    }
}
