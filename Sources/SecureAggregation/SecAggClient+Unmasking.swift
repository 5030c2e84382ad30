import Sodium

extension SecAggClient {
    // MARK: Stage 3

    /// Stage 3: records the survivors list and confirms it (signed in authenticated mode).
    public mutating func consistencyCheck(_ message: ConsistencyCheckRequest) throws(SecAggError) -> ConsistencyCheckResponse {
        try expect(.sentMaskedInput, "\(ConsistencyCheckRequest.kind)")
        try checkHeader(round: message.round, recipient: message.recipient)
        guard zip(message.survivors, message.survivors.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw .malformedMessage("survivors must be ascending and distinct")
        }
        guard message.survivors.count >= configuration.threshold else {
            throw .belowThreshold(stage: .consistencyCheck, available: message.survivors.count, threshold: configuration.threshold)
        }
        // A client told it dropped must not go on to unmask: it would reveal shares for a
        // list on which its own input is treated as absent.
        guard binarySearch(message.survivors, id) else {
            throw .malformedMessage("the survivors list omits this client, which did send its masked input")
        }
        survivors = message.survivors
        state = .confirmedSurvivors
        let statement = SecAggKeys.consistencyStatement(round: configuration.round, survivors: survivors)
        return ConsistencyCheckResponse(round: configuration.round, sender: id, signature: signingKey?.signature(for: statement))
    }

    // MARK: Stage 4

    /// Stage 4: reveals self-mask shares of survivors and key shares of dropped neighbours.
    ///
    /// Refuses (and aborts) when the request would reveal both shares of one peer: a key share
    /// of a client the survivors list names, or the same peer in both lists.
    public mutating func unmask(_ message: UnmaskingRequest) throws(SecAggError) -> UnmaskingResponse {
        try expect(.confirmedSurvivors, "\(UnmaskingRequest.kind)")
        try checkHeader(round: message.round, recipient: message.recipient)
        let survivorSet = Set(survivors)
        if configuration.isAuthenticated {
            let statement = SecAggKeys.consistencyStatement(round: configuration.round, survivors: survivors)
            var signers = Set<UInt32>()
            for entry in message.signatures {
                guard survivorSet.contains(entry.client) else { throw .unknownClient(entry.client) }
                guard signers.insert(entry.client).inserted else { throw .duplicateMessage(sender: entry.client) }
                try configuration.verify(entry.signature, of: statement, by: entry.client)
            }
            // Only the holders of this client's shares count: t confirmations of the same list
            // from them mean no conflicting list can also reach t among them unless 2t − k − 1
            // of them are corrupt (the rule's condition). Signatures from elsewhere in a large
            // round would let a server collect t for as many different lists as it likes.
            let holders = signers.filter { $0 == id || directory[$0] != nil }
            guard holders.count >= configuration.threshold else {
                throw .belowThreshold(stage: .unmasking, available: holders.count, threshold: configuration.threshold)
            }
        }
        let selfMaskOwners = Set(message.selfMaskOwners), keyOwners = Set(message.keyOwners)
        guard selfMaskOwners.count == message.selfMaskOwners.count, keyOwners.count == message.keyOwners.count else {
            throw .malformedMessage("an owner is listed twice")
        }
        if let peer = message.keyOwners.first(where: { selfMaskOwners.contains($0) || survivorSet.contains($0) }) {
            state = .aborted
            throw .refusedToRevealBothShares(peer: peer)
        }
        if let peer = message.selfMaskOwners.first(where: { !survivorSet.contains($0) }) {
            throw .invalidUnmaskingRequest("client \(peer) is not in the survivors list this client confirmed")
        }
        var selfMaskShares: [RevealedShare] = [], keyShares: [RevealedShare] = []
        for owner in message.selfMaskOwners {
            guard let held = heldShares[owner] else { throw .unknownClient(owner) }
            selfMaskShares.append(RevealedShare(owner: owner, values: held.selfMask))
        }
        for owner in message.keyOwners {
            guard let held = heldShares[owner] else { throw .unknownClient(owner) }
            keyShares.append(RevealedShare(owner: owner, values: held.key))
        }
        state = .finished
        // The shares are secrets of other clients: wiped, not just dropped.
        for owner in Array(heldShares.keys) {
            if var shares = heldShares.removeValue(forKey: owner) {
                SecureMemory.wipe(&shares.selfMask)
                SecureMemory.wipe(&shares.key)
            }
        }
        return UnmaskingResponse(round: configuration.round, sender: id, selfMaskShares: selfMaskShares, keyShares: keyShares)
    }
}
