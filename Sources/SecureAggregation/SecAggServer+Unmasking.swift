import Sodium

extension SecAggServer {
    // MARK: Stage 4

    /// Accepts a client's revealed shares: exactly the ones it was asked for.
    public mutating func receive(_ message: UnmaskingResponse) throws(SecAggError) {
        try expect(.unmasking, message)
        guard let request = requests[message.sender] else { throw .unknownClient(message.sender) }
        guard responses[message.sender] == nil else { throw .duplicateMessage(sender: message.sender) }
        guard message.selfMaskShares.map(\.owner) == request.selfMaskOwners, message.keyShares.map(\.owner) == request.keyOwners else {
            throw .invalidShare("client \(message.sender) did not reveal exactly the requested shares")
        }
        for share in message.selfMaskShares + message.keyShares {
            _ = try Shamir.Share(participant: message.sender, values: share.values)
        }
        responses[message.sender] = message
    }

    /// Reconstructs the survivors' self-mask seeds and the dropped clients' masking keys,
    /// then returns Σ_{u ∈ U3} x_u in Z_{2^b}.
    public mutating func aggregate() throws(SecAggError) -> ModularVector {
        try close(.unmasking, participants: responses.count)
        let clock = ContinuousClock()
        let start = clock.now
        let responders = responses.keys.sorted()
        var selfShares: [UInt32: [Shamir.Share]] = [:], keyShares: [UInt32: [Shamir.Share]] = [:]
        for responder in responders {
            let response = responses[responder]!
            for share in response.selfMaskShares {
                selfShares[share.owner, default: []].append(try Shamir.Share(participant: responder, values: share.values))
            }
            for share in response.keyShares {
                keyShares[share.owner, default: []].append(try Shamir.Share(participant: responder, values: share.values))
            }
        }
        var cache = LagrangeCache()
        var jobs: [UnmaskJob] = []
        for client in survivors {
            let shares = selfShares[client] ?? []
            guard shares.count >= configuration.threshold else {
                throw .notEnoughShares(owner: client, available: shares.count, threshold: configuration.threshold)
            }
            jobs.append(.selfMask(try Shamir.combine(shares, threshold: configuration.threshold, cache: &cache)))
        }
        let dropped = shareSenders.filter { !maskedSenders.contains($0) }.sorted()
        for client in dropped {
            let shares = keyShares[client] ?? []
            guard shares.count >= configuration.threshold else {
                throw .notEnoughShares(owner: client, available: shares.count, threshold: configuration.threshold)
            }
            let secret = try Shamir.combine(shares, threshold: configuration.threshold, cache: &cache)
            var scalar = secret.unprotectedCopy
            defer { SecureMemory.wipe(&scalar) }
            let key = try sodium { () throws(SodiumError) in try X25519.PrivateKey(rawRepresentation: scalar) }
            guard key.publicKey == advertisements[client]!.maskingKey else { throw .reconstructionMismatch(client: client) }
            for survivor in graph.neighbors(of: client) where maskedSenders.contains(survivor) {
                jobs.append(.pairwise(dropped: client, key: key, survivor: survivor, survivorKey: advertisements[survivor]!.maskingKey))
            }
        }
        var sum = try UnmaskJob.run(jobs, round: configuration.round, dimension: configuration.dimension, bitWidth: configuration.bitWidth)
        if let maskedSum { try sum.add(maskedSum) }
        unmaskingDuration = clock.now - start
        stage = nil
        maskedSum = nil
        return sum
    }
}
