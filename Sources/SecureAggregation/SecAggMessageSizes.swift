import Sodium

/// The bytes one client sends and receives in a full SecAgg/SecAgg+ run: the protocol's
/// communication cost model, computed with the real message encoders so it cannot drift from
/// what is sent.
public struct SecAggMessageSizes: Sendable, Equatable {
    /// Bytes sent: AdvertiseKeys, ShareKeys, MaskedInput, ConsistencyCheckResponse, UnmaskingResponse.
    public let upload: Int
    /// Bytes received: KeyDirectory, ForwardedShares, ConsistencyCheckRequest, UnmaskingRequest.
    public let download: Int
    /// Bytes of the masked input message alone.
    public let maskedInput: Int

    /// One client's traffic in a run with `clientCount` clients of degree `degree`, a fraction
    /// `dropoutFraction` of which drop after ShareKeys, built with the real encoders from
    /// placeholder contents of the right shapes (so sizes too large to simulate still come
    /// from the code that would send them). Counts of survivors and dropped neighbours are the
    /// expected ones, rounded.
    ///
    /// - Parameters:
    ///   - clientCount: the number of clients.
    ///   - degree: each client's degree in the masking graph (n − 1: complete graph).
    ///   - dimension: entries of the input vector.
    ///   - bitWidth: bit width b of the ring Z_{2^b}.
    ///   - authenticated: whether messages carry Ed25519 signatures.
    ///   - dropoutFraction: the fraction of clients dropping after ShareKeys, in [0, 1).
    /// - Throws: ``SecAggError/invalidParameter(_:)`` for a degree outside 1...n − 1, a dropout
    ///   fraction outside [0, 1) or a bit width or dimension the vectors cannot hold.
    public init(
        clientCount n: Int, degree k: Int, dimension: Int, bitWidth: Int, authenticated: Bool, dropoutFraction: Double
    ) throws(SecAggError) {
        guard n >= 2, (1...(n - 1)).contains(k) else { throw .invalidParameter(name: "degree", reason: "need 1 ≤ degree ≤ n − 1, got \(k) for \(n) clients") }
        guard (0..<1).contains(dropoutFraction) else { throw .invalidParameter(name: "dropoutFraction", reason: "dropout fraction must be in [0, 1)") }
        let round: UInt64 = 1
        let key = X25519.PrivateKey().publicKey
        let signature: [UInt8]? = authenticated ? [UInt8](repeating: 0, count: SecAggKeys.signatureByteCount) : nil
        let advertisement = AdvertiseKeys(round: round, sender: 0, encryptionKey: key, maskingKey: key, signature: signature)
        let share = EncryptedShare(peer: 0, ciphertext: [UInt8](repeating: 0, count: EncryptedShare.ciphertextByteCount))
        let survivors = n - Int((Double(n) * dropoutFraction).rounded())
        let droppedNeighbours = Int((Double(k) * dropoutFraction).rounded())
        let survivingHolders = k - droppedNeighbours + 1
        let revealed = RevealedShare(owner: 0, values: [UInt64](repeating: 0, count: Shamir.chunkCount))
        // The header from a one-entry message, the payload by arithmetic: sizes of vectors
        // far larger than memory are computed without allocating them.
        try ModularVector.validate(bitWidth: bitWidth, count: dimension)
        let maskedInput = MaskedInput(round: round, sender: 0, vector: try ModularVector(zeros: 1, bitWidth: bitWidth)).serialized().count
            - ModularVector.packedByteCount(count: 1, bitWidth: bitWidth) + ModularVector.packedByteCount(count: dimension, bitWidth: bitWidth)
        let upload = advertisement.serialized().count
            + ShareKeys(round: round, sender: 0, shares: Array(repeating: share, count: k)).serialized().count
            + maskedInput
            + ConsistencyCheckResponse(round: round, sender: 0, signature: signature).serialized().count
            + UnmaskingResponse(round: round, sender: 0, selfMaskShares: Array(repeating: revealed, count: survivingHolders),
                                keyShares: Array(repeating: revealed, count: droppedNeighbours)).serialized().count
        let signatures = authenticated
            ? Array(repeating: SurvivorSignature(client: 0, signature: signature ?? []), count: survivors) : []
        let download = KeyDirectory(round: round, recipient: 0, threshold: 2, entries: Array(repeating: advertisement, count: k)).serialized().count
            + ForwardedShares(round: round, recipient: 0, shares: Array(repeating: share, count: k)).serialized().count
            + ConsistencyCheckRequest(round: round, recipient: 0, survivors: Array(repeating: 0, count: survivors)).serialized().count
            + UnmaskingRequest(round: round, recipient: 0, selfMaskOwners: Array(repeating: 0, count: survivingHolders),
                               keyOwners: Array(repeating: 0, count: droppedNeighbours), signatures: signatures).serialized().count
        self.upload = upload
        self.download = download
        self.maskedInput = maskedInput
    }
}
