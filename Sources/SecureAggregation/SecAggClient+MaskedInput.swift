import Sodium

extension SecAggClient {
    // MARK: Stage 2

    /// Stage 2: opens the neighbours' shares and returns the double-masked input.
    public mutating func maskedInput(_ message: ForwardedShares) throws(SecAggError) -> MaskedInput {
        try expect(.sharedKeys, "\(ForwardedShares.kind)")
        try checkHeader(round: message.round, recipient: message.recipient)
        var received: [UInt32: (selfMask: [UInt64], key: [UInt64])] = [:]
        for share in message.shares {
            guard let entry = directory[share.peer] else { throw .unknownClient(share.peer) }
            guard received[share.peer] == nil else { throw .duplicateMessage(sender: share.peer) }
            let key = try SecAggKeys.shareKey(encryptionKey, entry.encryptionKey, round: configuration.round, id, share.peer)
            let associatedData = SecAggKeys.shareAssociatedData(round: configuration.round, sender: share.peer, receiver: id)
            var plaintext: [UInt8]
            do {
                plaintext = try AEAD.XChaCha20Poly1305.open(
                    .init(combined: share.ciphertext), using: key, authenticating: associatedData)
            } catch {
                throw .decryptionFailed(sender: share.peer)
            }
            defer { SecureMemory.wipe(&plaintext) }
            let pair = try SharePair(decoding: plaintext)
            guard pair.sender == share.peer, pair.receiver == id else { throw .misaddressed(expected: id, received: pair.receiver) }
            _ = try Shamir.Share(participant: id, values: pair.selfMaskShare)
            _ = try Shamir.Share(participant: id, values: pair.keyShare)
            received[share.peer] = (pair.selfMaskShare, pair.keyShare)
        }
        guard received.count + 1 >= configuration.threshold else {
            throw .belowThreshold(stage: .maskedInputCollection, available: received.count + 1, threshold: configuration.threshold)
        }
        let peers = received.keys.sorted()
        var seeds: [SecretBytes] = []
        seeds.reserveCapacity(peers.count)
        for peer in peers {
            seeds.append(try SecAggKeys.pairwiseSeed(maskingKey, directory[peer]!.maskingKey, round: configuration.round, id, peer))
        }
        var masked = input
        let clock = ContinuousClock()
        let start = clock.now
        var selfMask = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: selfMaskSeed) }
        masked.applyMask(from: &selfMask, subtracting: false)
        for (peer, seed) in zip(peers, seeds) {
            var generator = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: seed) }
            masked.applyMask(from: &generator, subtracting: id > peer)
        }
        maskingDuration = clock.now - start
        maskByteCount = masked.maskByteCount * (peers.count + 1)
        for (peer, shares) in received { heldShares[peer] = shares }
        state = .sentMaskedInput
        return MaskedInput(round: configuration.round, sender: id, vector: masked)
    }
}
