/// Errors reported by the `Sodium` module.
public enum SodiumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A key, nonce, seed or other fixed-size input had the wrong length.
    case invalidLength(what: String, expected: Int, actual: Int)
    /// A length outside the range the primitive supports.
    case lengthOutOfRange(what: String, range: ClosedRange<Int>, actual: Int)
    /// Authenticated decryption failed: wrong key, nonce, associated data, or tampered data.
    case authenticationFailed
    /// The ciphertext is shorter than its authentication tag.
    case ciphertextTooShort(minimum: Int, actual: Int)
    /// X25519 produced the all-zero shared secret: the peer's public key has small order.
    case weakPublicKey
    /// An Ed25519 signature did not verify.
    case invalidSignature
    /// A caller-supplied parameter is invalid: `name` says which, `reason` why.
    case invalidParameter(name: String, reason: String)
    /// A libsodium primitive reported failure (a non-zero status) where its inputs had
    /// been checked: nothing it wrote is used.
    case primitiveFailed(what: String, status: Int32)

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case let .invalidLength(what, expected, actual):
            return "\(what) must be \(expected) bytes, got \(actual)"
        case let .lengthOutOfRange(what, range, actual):
            return "\(what) must be \(range.lowerBound)...\(range.upperBound) bytes, got \(actual)"
        case .authenticationFailed:
            return "authentication failed: the ciphertext, nonce, key or associated data do not match"
        case let .ciphertextTooShort(minimum, actual):
            return "ciphertext must be at least \(minimum) bytes, got \(actual)"
        case .weakPublicKey:
            return "X25519 public key has small order (all-zero shared secret)"
        case .invalidSignature:
            return "Ed25519 signature verification failed"
        case let .invalidParameter(name, reason):
            return "invalid \(name): \(reason)"
        case let .primitiveFailed(what, status):
            return "\(what) failed in libsodium (status \(status))"
        }
    }
}

@inline(__always)
func requireLength<C: Collection>(_ bytes: C, _ expected: Int, _ what: String) throws(SodiumError) {
    guard bytes.count == expected else {
        throw .invalidLength(what: what, expected: expected, actual: bytes.count)
    }
}
