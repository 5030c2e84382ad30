import SecureAggregation
import Sodium

/// Valid SecAgg wire messages of every kind, deterministic (ChaCha20 from a fixed seed): the
/// seeds of `secagg-messages` and the protocol payloads of the federation message seeds.
public enum SecAggSeeds {
    /// One serialized message of each kind (two for some), named INDEX-KIND.
    public static func messages() throws -> [(String, [UInt8])] {
        var generator = ChaChaRandom(seed: 0x5EED)
        func publicKey() throws -> X25519.PublicKey {
            let raw = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return try X25519.PrivateKey(rawRepresentation: raw).publicKey
        }
        let a = try publicKey(), b = try publicKey()
        let signature = [UInt8](repeating: 7, count: 64)
        let advertise = AdvertiseKeys(round: 9, sender: 4, encryptionKey: a, maskingKey: b, signature: signature)
        let unsigned = AdvertiseKeys(round: 9, sender: 5, encryptionKey: b, maskingKey: a, signature: nil)
        let share = EncryptedShare(peer: 3, ciphertext: [UInt8](repeating: 1, count: EncryptedShare.ciphertextByteCount))
        let revealed = RevealedShare(owner: 2, values: [1, 2, 3, 4, 5])
        let messages: [any SecAggMessage] = [
            advertise, unsigned,
            KeyDirectory(round: 9, recipient: 1, threshold: 2, entries: [advertise, unsigned]),
            ShareKeys(round: 9, sender: 1, shares: [share, share]),
            ForwardedShares(round: 9, recipient: 1, shares: [share]),
            MaskedInput(round: 9, sender: 1, vector: try ModularVector([1, 2, 3, 1 << 25], bitWidth: 26)),
            MaskedInput(round: 9, sender: 1, vector: try ModularVector(words: [.max, 0, 5])),
            ConsistencyCheckRequest(round: 9, recipient: 1, survivors: [1, 2, 5]),
            ConsistencyCheckResponse(round: 9, sender: 1, signature: signature),
            ConsistencyCheckResponse(round: 9, sender: 1, signature: nil),
            UnmaskingRequest(round: 9, recipient: 1, selfMaskOwners: [1, 2], keyOwners: [3],
                             signatures: [SurvivorSignature(client: 1, signature: signature)]),
            UnmaskingResponse(round: 9, sender: 1, selfMaskShares: [revealed], keyShares: [revealed, revealed]),
        ]
        return messages.enumerated().map { index, message in
            ("\(index)-\(type(of: message).kind)", message.serialized())
        }
    }
}
