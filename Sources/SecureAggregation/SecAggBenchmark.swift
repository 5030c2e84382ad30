import Sodium

/// Measurements behind `privagg bench secagg`: the simulation, the raw keystream baseline
/// timed in the same process, and per-client message sizes from the real encoders.
public enum SecAggBenchmark {
    /// Bytes one client sends and receives in a full run, from the actual message encodings.
    public struct MessageSizes: Sendable, Equatable {
        /// Bytes sent: AdvertiseKeys, ShareKeys, MaskedInput, ConsistencyCheckResponse, UnmaskingResponse.
        public let upload: Int
        /// Bytes received: KeyDirectory, ForwardedShares, ConsistencyCheckRequest, UnmaskingRequest.
        public let download: Int
        /// Bytes of the masked input message alone.
        public let maskedInput: Int
    }

    /// Seconds for raw libsodium ChaCha20 (`ChaCha20.keystream(into:)`) to produce `masks`
    /// keystreams of `maskByteCount` bytes each: the median over `repetitions` runs on every
    /// core at once, as the simulated clients run.
    public static func rawKeystreamSeconds(maskByteCount: Int, masks: Int, repetitions: Int = 5) throws(SecAggError) -> Double {
        guard maskByteCount > 0, masks > 0, repetitions > 0 else { throw .invalidParameter(name: "maskByteCount", reason: "keystream sizes must be positive") }
        let workers = Parallel.workerCount
        let timings = ConcurrentSlots<[Double]>(count: workers)
        Parallel.forEach(workers) { worker in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maskByteCount, alignment: 64)
            defer { buffer.deallocate() }
            var key = [UInt8](repeating: 0, count: 32)
            key[0] = UInt8(truncatingIfNeeded: worker)
            let nonce = [UInt8](repeating: 0, count: 8)
            let clock = ContinuousClock()
            var samples: [Double] = []
            for repetition in 0..<repetitions {
                let start = clock.now
                for mask in 0..<masks {
                    key[1] = UInt8(truncatingIfNeeded: mask)
                    key[2] = UInt8(truncatingIfNeeded: repetition)
                    // Fixed 32-byte key and 8-byte nonce: a failure would time nothing, so stop.
                    do {
                        try ChaCha20.keystream(into: buffer, key: key, nonce: nonce)
                    } catch {
                        preconditionFailure("ChaCha20 keystream with fixed-length key and nonce failed: \(error)")
                    }
                }
                samples.append((clock.now - start).seconds)
            }
            timings[worker] = samples
        }
        let all = (0..<workers).flatMap { timings[$0] ?? [] }.sorted()
        return all.isEmpty ? 0 : all[all.count / 2]
    }

    /// One client's traffic in a run with `clientCount` clients of degree `degree`, a fraction
    /// `dropoutFraction` of which drop after ShareKeys, built with the real encoders from
    /// placeholder contents of the right shapes (so sizes too large to simulate still come
    /// from the code that would send them). Counts of survivors and dropped neighbours are the
    /// expected ones, rounded.
    public static func messageSizes(
        clientCount n: Int, degree k: Int, dimension: Int, bitWidth: Int, authenticated: Bool, dropoutFraction: Double
    ) throws(SecAggError) -> MessageSizes {
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
        return MessageSizes(upload: upload, download: download, maskedInput: maskedInput)
    }
}
