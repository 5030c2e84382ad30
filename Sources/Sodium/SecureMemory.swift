internal import CSodium

/// Wiping of secret bytes held in ordinary arrays, for the moments before a secret can be
/// moved into `SecretBytes` or after a transient copy has been used.
public enum SecureMemory {
    /// Overwrites every byte of `words` with zero through `sodium_memzero`, which the
    /// compiler cannot remove as a dead store.
    public static func wipe<Word: FixedWidthInteger>(_ words: inout [Word]) {
        words.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
        }
    }
}
