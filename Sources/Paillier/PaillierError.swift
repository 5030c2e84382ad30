import Bignum

/// Errors reported by the Paillier module.
public enum PaillierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A modulus below the accepted size (2048 bits, or 128 with the insecure-for-tests option).
    case keyTooSmall(bits: Int, minimum: Int)
    /// A caller-supplied parameter is invalid (an odd key size, a window or exponent length
    /// out of range): `name` says which, `reason` why.
    case invalidParameter(name: String, reason: String)
    /// A `Bignum` operation failed; the inner error is kept as it was thrown.
    case bignum(BignumError)
    /// Key material that is inconsistent or not a Paillier key.
    case invalidKey(String)
    /// A plaintext outside `[0, n)` or an integer too large for the encoding.
    case plaintextOutOfRange(String)
    /// A ciphertext outside `[1, n²)`, not coprime to `n`, or from another key.
    case invalidCiphertext(String)
    /// A decrypted value in the band reserved for overflow detection.
    case overflow(String)
    /// Packing parameters or values that do not fit.
    case packing(String)
    /// Two operands under different public keys.
    case keyMismatch
    /// A key or ciphertext file that is not valid pheutil JSON.
    case malformedFile(String)
    /// A number that is not a finite decimal.
    case malformedNumber(String)
    /// A base-16 exponent outside ``Paillier/EncodedNumber/exponentRange``.
    case exponentOutOfRange(Int)
    /// A ciphertext file whose key fingerprint is not the key's it is used with.
    case differentKey(String)
    /// A homomorphic result about to be written without ``Paillier/EncryptedNumber/rerandomized()``.
    case notRerandomized

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case let .keyTooSmall(bits, minimum):
            return "key of \(bits) bits is below the minimum of \(minimum) bits"
        case let .invalidParameter(name, reason): return "invalid \(name): \(reason)"
        case let .bignum(error): return error.description
        case let .invalidKey(detail): return "invalid Paillier key: \(detail)"
        case let .plaintextOutOfRange(detail): return "plaintext out of range: \(detail)"
        case let .invalidCiphertext(detail): return "invalid ciphertext: \(detail)"
        case let .overflow(detail): return "overflow detected: \(detail)"
        case let .packing(detail): return "packing: \(detail)"
        case .keyMismatch: return "operands belong to different public keys"
        case let .malformedFile(detail): return "malformed pheutil file: \(detail)"
        case let .malformedNumber(detail): return "malformed number: \(detail)"
        case let .exponentOutOfRange(exponent):
            let range = Paillier.EncodedNumber.exponentRange
            return "exponent \(exponent) is outside the supported range \(range.lowerBound)...\(range.upperBound)"
        case let .differentKey(detail): return "encrypted under a different key: \(detail)"
        case .notRerandomized:
            return "the ciphertext is a homomorphic result that was not re-randomized: it would be linkable to its inputs"
        }
    }
}
