import Sodium

/// Errors reported by the `SecureAggregation` module.
public enum SecAggError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A caller-supplied parameter is invalid: `name` says which, `reason` why.
    case invalidParameter(name: String, reason: String)
    /// Fewer than `threshold` parties remain at `stage`: the protocol must abort.
    case belowThreshold(stage: SecAggStage, available: Int, threshold: Int)
    /// Reconstruction of `owner`'s secret was asked with fewer shares than the threshold.
    case notEnoughShares(owner: UInt32?, available: Int, threshold: Int)
    /// A Shamir share is malformed, duplicated or inconsistent with the others.
    case invalidShare(String)
    /// A message could not be decoded.
    case malformedMessage(String)
    /// A message carries a format version this implementation does not speak.
    case unsupportedVersion(UInt8)
    /// A message arrived that the state machine does not accept in its current stage.
    case unexpectedMessage(expected: String, received: String)
    /// A message belongs to another aggregation round (a replay across rounds).
    case wrongRound(expected: UInt64, received: UInt64)
    /// A second message of the same kind from the same sender (a replay or duplicate).
    case duplicateMessage(sender: UInt32)
    /// A message names a client that is not (or no longer) part of the protocol.
    case unknownClient(UInt32)
    /// A message addressed to another recipient.
    case misaddressed(expected: UInt32, received: UInt32)
    /// An encrypted share failed authentication (tampered, replayed or misdirected).
    case decryptionFailed(sender: UInt32)
    /// An Ed25519 signature from `client` did not verify.
    case invalidSignature(client: UInt32)
    /// The server asked for both the self-mask share and the key share of `peer`.
    case refusedToRevealBothShares(peer: UInt32)
    /// The server's unmasking request contradicts what this client saw or signed.
    case invalidUnmaskingRequest(String)
    /// A reconstructed key does not match the public key its owner advertised.
    case reconstructionMismatch(client: UInt32)
    /// A vector has the wrong length or bit width.
    case shapeMismatch(String)
    /// A value does not fit in the configured bit width.
    case valueOutOfRange(index: Int, bitWidth: Int)
    /// A libsodium primitive failed.
    case cryptography(SodiumError)

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case let .invalidParameter(name, reason): return "invalid \(name): \(reason)"
        case let .belowThreshold(stage, available, threshold):
            return "aborting at \(stage): \(available) parties left, threshold is \(threshold)"
        case let .notEnoughShares(owner, available, threshold):
            let whose = owner.map { " of client \($0)" } ?? ""
            return "cannot reconstruct the secret\(whose): \(available) shares, threshold is \(threshold)"
        case let .invalidShare(message): return "invalid share: \(message)"
        case let .malformedMessage(message): return "malformed message: \(message)"
        case let .unsupportedVersion(version): return "unsupported message version \(version)"
        case let .unexpectedMessage(expected, received): return "expected \(expected), received \(received)"
        case let .wrongRound(expected, received): return "message for round \(received), this is round \(expected)"
        case let .duplicateMessage(sender): return "duplicate message from client \(sender)"
        case let .unknownClient(id): return "client \(id) is not a participant at this stage"
        case let .misaddressed(expected, received): return "message for client \(received) delivered to client \(expected)"
        case let .decryptionFailed(sender): return "the share from client \(sender) failed authentication"
        case let .invalidSignature(client): return "the signature of client \(client) does not verify"
        case let .refusedToRevealBothShares(peer):
            return "refused: revealing both shares of client \(peer) would expose its input"
        case let .invalidUnmaskingRequest(message): return "invalid unmasking request: \(message)"
        case let .reconstructionMismatch(client):
            return "the reconstructed key of client \(client) does not match its advertised key"
        case let .shapeMismatch(message): return "shape mismatch: \(message)"
        case let .valueOutOfRange(index, bitWidth): return "value at index \(index) does not fit in \(bitWidth) bits"
        case let .cryptography(error): return "cryptographic failure: \(error)"
        }
    }
}

/// Runs a Sodium call, reporting its failure as a `SecAggError`.
@inline(__always)
func sodium<T>(_ body: () throws(SodiumError) -> T) throws(SecAggError) -> T {
    do { return try body() } catch { throw .cryptography(error) }
}
