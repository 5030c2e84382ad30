import FedAvg
import Foundation
import Logging
import Paillier
internal import ParallelWork

extension RoundDriver {
    /// Packed Paillier at the coordinator (`--aggregator paillier`).
    ///
    /// Trust model: the sites share one Paillier key pair (as in process, and as in cross-silo
    /// deployments such as FATE and BatchCrypt); the coordinator holds only the public key.
    /// Each site quantizes, packs and encrypts its vector (FedAvg's
    /// `PaillierAggregator.encryptClient`); the coordinator multiplies the ciphertexts of the
    /// sites that delivered (plain-round policy: it proceeds with those), broadcasts the
    /// encrypted sum to them, and every one of them decrypts it and returns the decoded sum.
    /// The coordinator learns the sum, as with SecAgg, and no single contribution; it takes
    /// the sum only if every returned copy is identical (decryption is deterministic), so a
    /// site that lies about the sum makes the round abandoned, not the model wrong. Any site
    /// holding the private key could decrypt another site's ciphertext if it saw it: the
    /// coordinator never forwards a single site's ciphertext, only the sum.
    func paillierSum(
        round: Int, participants: [Int], length: Int, bound: Double, validate: @escaping @Sendable ([Double]) throws -> Void,
        kick: (Int, Privagg_Federation_V1_SecureAggregationRound?) -> Privagg_Federation_V1_CoordinatorMessage
    ) async -> AggregationResult {
        var context = RoundContext(members: Set(participants))
        var stages: [FederationRoundRecord.StageTime] = []
        func abandon(_ reason: String) -> AggregationResult {
            logger.warning("paillier round abandoned", metadata: ["round": "\(round)", "reason": "\(reason)"])
            return AggregationResult(sum: nil, included: [], dropouts: context.dropped, stages: stages, errorBound: 0, abandonReason: reason)
        }
        guard let key = configuration.paillierPublicKey else { return abandon("no Paillier public key") }
        let scheme: Paillier.PackingScheme
        do {
            // Headroom for every site of the federation, so no slot can carry.
            scheme = try Paillier.PackingScheme(publicKey: key, valueBits: PaillierKeyFiles.valueBits, maxAddends: configuration.sites.count)
        } catch {
            return abandon("cannot pack for this key: \(error)")
        }
        var stageStart = ContinuousClock.now
        for index in participants where !(await hub.send(kick(index, nil), to: index)) { context.dropped[index] = "disconnected before the round" }
        let vectors = await collect(&context, from: context.alive, stage: "EncryptedContribution") { message -> Paillier.PackedCiphertext? in
            guard case .protocol(let payload) = message.kind else { return nil }
            guard payload.round == UInt64(round) else { throw FederationError.malformedMessage("paillier message for round \(payload.round) in round \(round)") }
            return try PaillierWire.decode([UInt8](payload.payload), kind: PaillierWire.siteVector, count: length, scheme: scheme, maximumAddends: 1)
        }
        stages.append(.init(stage: "EncryptedContribution", seconds: (ContinuousClock.now - stageStart).seconds))
        let delivered = vectors.keys.sorted()
        guard !delivered.isEmpty else { return abandon("no site delivered") }
        stageStart = ContinuousClock.now
        let encoded: [UInt8]
        // The homomorphic sum multiplies ciphertexts over all cores (Parallel in Paillier): on a
        // thread of its own, so the cooperative pool keeps serving the sites' streams.
        let ciphertexts = delivered.map { vectors[$0]! }
        let summed = await Parallel.offPool { () -> Result<[UInt8], any Error> in
            Result { try PaillierWire.encode(try Paillier.PackedCiphertext.sum(ciphertexts), kind: PaillierWire.encryptedSum) }
        }
        switch summed {
        case .success(let bytes): encoded = bytes
        case .failure(let error): return abandon("cannot sum the ciphertexts: \(error)")
        }
        stages.append(.init(stage: "HomomorphicSum", seconds: (ContinuousClock.now - stageStart).seconds))
        stageStart = ContinuousClock.now
        var message = Privagg_Federation_V1_CoordinatorMessage()
        message.protocol.round = UInt64(round)
        message.protocol.payload = Data(encoded)
        var expected = Set<Int>()
        for index in delivered {
            if await hub.send(message, to: index) { expected.insert(index) } else { context.dropped[index] = "disconnected before decrypting" }
        }
        let sums = await collect(&context, from: expected, stage: "DecryptedSum") { message -> [Double]? in
            guard case .contribution(let contribution) = message.kind else { return nil }
            guard contribution.round == UInt64(round) else {
                throw FederationError.malformedMessage("decrypted sum for round \(contribution.round) in round \(round)")
            }
            return try FederationProtocol.unpack(contribution.values, count: length, field: "decrypted sum")
        }
        stages.append(.init(stage: "DecryptedSum", seconds: (ContinuousClock.now - stageStart).seconds))
        guard let first = sums.keys.min(), let sum = sums[first] else { return abandon("no site returned the decrypted sum") }
        let disagreeing = sums.filter { $0.value.map(\.bitPattern) != sum.map(\.bitPattern) }.keys.sorted()
        guard disagreeing.isEmpty else {
            return abandon("the sites disagree on the decrypted sum (\(disagreeing.map { configuration.sites[$0] }.joined(separator: ", ")) differ from \(configuration.sites[first]))")
        }
        // The sum holds the sites whose ciphertext went into it, whether or not they stayed for decryption.
        for index in delivered { context.dropped[index] = nil }
        return AggregationResult(
            sum: sum, included: delivered, dropouts: context.dropped, stages: stages,
            errorBound: PaillierAggregator.errorBound(contributors: delivered.count, bound: bound, scheme: scheme), abandonReason: nil)
    }
}
