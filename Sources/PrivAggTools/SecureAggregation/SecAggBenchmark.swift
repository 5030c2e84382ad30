import ParallelWork
import SecureAggregation
import Sodium

/// Measurements behind `privagg bench secagg`: the simulation, the raw keystream baseline
/// timed in the same process, and the per-client message sizes of `SecAggMessageSizes`.
public enum SecAggBenchmark {
    /// Seconds for raw libsodium ChaCha20 (`ChaCha20.keystream(into:)`) to produce `masks`
    /// keystreams of `maskByteCount` bytes each: the median over `repetitions` runs on every
    /// core at once, as the simulated clients run.
    public static func rawKeystreamSeconds(maskByteCount: Int, masks: Int, repetitions: Int = 5) throws(SecAggError) -> Double {
        guard maskByteCount > 0, masks > 0, repetitions > 0 else { throw .invalidParameter(name: "maskByteCount", reason: "keystream sizes must be positive") }
        let workers = Parallel.cores
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
}
