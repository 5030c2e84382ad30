internal import ParallelWork
import Sodium

/// One piece of the server's final sum, run on whichever core picks it up.
enum UnmaskJob: @unchecked Sendable {
    /// Add a survivor's masked input.
    case input(ModularVector)
    /// Subtract the self mask PRG(b_u) of a survivor.
    case selfMask(SecretBytes)
    /// Cancel the pairwise mask a survivor applied with a client that dropped after ShareKeys.
    case pairwise(dropped: UInt32, key: X25519.PrivateKey, survivor: UInt32, survivorKey: X25519.PublicKey)

    /// Runs `jobs` on all cores: each worker sums its jobs into its own partial vector, and
    /// the partials are added at the end, so workers never share memory.
    static func run(_ jobs: [UnmaskJob], round: UInt64, dimension: Int, bitWidth: Int) throws(SecAggError) -> ModularVector {
        let workers = min(Parallel.cores, max(jobs.count, 1))
        let partials = ConcurrentSlots<Result<ModularVector, SecAggError>>(count: workers)
        Parallel.forEach(workers) { worker in
            partials[worker] = Result { () throws(SecAggError) -> ModularVector in
                var partial = try ModularVector(zeros: dimension, bitWidth: bitWidth)
                for index in stride(from: worker, to: jobs.count, by: workers) {
                    try jobs[index].apply(to: &partial, round: round)
                }
                return partial
            }
        }
        var total = try ModularVector(zeros: dimension, bitWidth: bitWidth)
        for worker in 0..<workers {
            guard let partial = partials[worker] else { throw .invalidParameter(name: "worker", reason: "worker \(worker) produced nothing") }
            try total.add(partial.get())
        }
        return total
    }

    private func apply(to partial: inout ModularVector, round: UInt64) throws(SecAggError) {
        switch self {
        case let .input(vector):
            try partial.add(vector)
        case let .selfMask(seed):
            var generator = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: seed) }
            partial.applyMask(from: &generator, subtracting: true)
        case let .pairwise(dropped, key, survivor, survivorKey):
            let seed = try SecAggKeys.pairwiseSeed(key, survivorKey, round: round, dropped, survivor)
            var generator = try sodium { () throws(SodiumError) in try ChaChaRandom(seed: seed) }
            // The survivor added the mask if its id is the smaller one, so remove it in kind.
            partial.applyMask(from: &generator, subtracting: survivor < dropped)
        }
    }
}
