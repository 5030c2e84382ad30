import Sodium

/// Errors reported by threshold Paillier: key generation, key shares, decryption shares,
/// their combination and their files.
public enum ThresholdPaillierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A caller-supplied parameter is invalid (parties, threshold): `name` says which, `reason` why.
    case invalidParameter(name: String, reason: String)
    /// Public threshold key material that is inconsistent (verification keys, sizes).
    case invalidKey(String)
    /// A key share that does not belong to the key it claims (its verification key differs,
    /// its index or value is out of range).
    case invalidKeyShare(party: Int, reason: String)
    /// A decryption share whose proof of correct decryption does not verify: the party
    /// cheated, or the share was corrupted on the way.
    case invalidProof(party: Int)
    /// A decryption share computed for another ciphertext than the one being decrypted.
    case wrongCiphertext(party: Int)
    /// A decryption share with values outside their ranges (not even worth verifying).
    case malformedShare(party: Int, reason: String)
    /// A party index outside `1...parties`.
    case unknownParty(Int)
    /// Two decryption shares from the same party.
    case duplicateParty(Int)
    /// Fewer valid shares than the threshold; `rejected` names the parties whose shares failed.
    case notEnoughShares(valid: Int, required: Int, rejected: [Int])
    /// An operand under another public key.
    case keyMismatch
    /// An error of the underlying Paillier layer (encoding, packing, ciphertext ranges).
    case paillier(PaillierError)
    /// A libsodium operation (sealing a share to its recipient) failed; the inner error is kept.
    case cryptography(SodiumError)
    /// A threshold file that is not valid JSON in the documented format.
    case malformedFile(String)
    /// A threshold file of another kind (a decryption share where a key share was expected…).
    case wrongFileFormat(expected: String, found: String)
    /// A file format version this build does not read.
    case unsupportedVersion(Int)
    /// A sealed key share addressed to another X25519 key than the one supplied.
    case wrongRecipient
    /// A sealed key share that does not open: tampered, or its header was altered.
    case sealedShareDoesNotOpen
    /// A plain (unsealed) key share read or written without the insecure-for-tests option.
    case unsealedShareRefused

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case let .invalidParameter(name, reason): return "invalid \(name): \(reason)"
        case let .invalidKey(detail): return "invalid threshold key: \(detail)"
        case let .invalidKeyShare(party, reason): return "key share of party \(party) is invalid: \(reason)"
        case let .invalidProof(party): return "decryption share of party \(party) fails its proof of correct decryption"
        case let .wrongCiphertext(party): return "decryption share of party \(party) is for a different ciphertext"
        case let .malformedShare(party, reason): return "decryption share of party \(party) is malformed: \(reason)"
        case let .unknownParty(party): return "party \(party) is not one of this key's parties"
        case let .duplicateParty(party): return "two decryption shares from party \(party)"
        case let .notEnoughShares(valid, required, rejected):
            let names = rejected.isEmpty ? "" : "; rejected: parties \(rejected.map(String.init).joined(separator: ", "))"
            return "\(valid) valid decryption shares, \(required) required\(names)"
        case .keyMismatch: return "operand belongs to a different public key"
        case let .paillier(error): return error.description
        case let .cryptography(error): return "cryptography: \(error.description)"
        case let .malformedFile(detail): return "malformed threshold file: \(detail)"
        case let .wrongFileFormat(expected, found): return "expected a \(expected) file, found \(found)"
        case let .unsupportedVersion(version): return "unsupported threshold file version \(version)"
        case .wrongRecipient: return "the key share is sealed to a different X25519 key"
        case .sealedShareDoesNotOpen: return "the sealed key share does not open: tampered or altered file"
        case .unsealedShareRefused: return "plain (unsealed) key shares need the insecure-for-tests option"
        }
    }
}
