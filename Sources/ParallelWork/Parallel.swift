import Dispatch
import Foundation

/// Data-parallel loops over all cores, for the CPU-heavy work of the libraries (Paillier
/// encryption and sums, SecAgg clients and unmasking), and the bridge that keeps such work
/// off Swift's cooperative thread pool.
///
/// The rule: every function here except ``offPool(_:)`` blocks its caller until all workers
/// are done, and the workers are Dispatch threads. Synchronous library code may call them;
/// async code must not call them (or any synchronous function that reaches them) on its own
/// task, because a task blocked in a CPU-bound loop holds one of the few cooperative threads
/// (one per core) that every other task of the process needs to make progress. Async code
/// wraps the whole synchronous computation in ``offPool(_:)`` instead, which runs it on a
/// thread of its own and suspends the task until it is done.
///
/// Results never depend on the number of workers or on scheduling: each index is computed by
/// one call of the body and lands at its own position.
package enum Parallel {
    /// The number of cores the process may use, read once.
    package static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// How many workers to split work over: one per core, at most `count`.
    package static func workerCount(for count: Int) -> Int {
        max(1, min(count, cores))
    }

    /// `[body(0), ..., body(count − 1)]` computed on all cores, in contiguous chunks.
    ///
    /// `body` must be safe to call concurrently; its first error (in worker order) is rethrown.
    ///
    /// - Parameters:
    ///   - count: the number of indices.
    ///   - body: computes the element at one index.
    /// - Throws: the first error `body` threw.
    package static func map<T: Sendable, Failure: Error>(
        count: Int, _ body: @Sendable (Int) throws(Failure) -> T
    ) throws(Failure) -> [T] {
        guard count > 0 else { return [] }
        let workers = workerCount(for: count)
        let errors = UnsafeMutablePointer<Failure?>.allocate(capacity: workers)
        errors.initialize(repeating: nil, count: workers)
        defer { errors.deinitialize(count: workers); errors.deallocate() }
        let errorSlots = SharedBuffer(base: errors)
        var results: [T] = []
        results = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let slots = SharedBuffer(base: buffer.baseAddress!)
            // Each worker records how far it got so a failure can deinitialize exactly that.
            let done = UnsafeMutablePointer<Int>.allocate(capacity: workers)
            done.initialize(repeating: 0, count: workers)
            defer { done.deallocate() }
            let doneSlots = SharedBuffer(base: done)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let range = chunk(worker, of: workers, count: count)
                for index in range {
                    do throws(Failure) {
                        (slots.base + index).initialize(to: try body(index))
                        doneSlots.base[worker] += 1
                    } catch {
                        errorSlots.base[worker] = error
                        return
                    }
                }
            }
            var failed = false
            for worker in 0..<workers where errors[worker] != nil { failed = true }
            if failed {
                for worker in 0..<workers {
                    let range = chunk(worker, of: workers, count: count)
                    (buffer.baseAddress! + range.lowerBound).deinitialize(count: done[worker])
                }
                initialized = 0
            } else {
                initialized = count
            }
        }
        for worker in 0..<workers { if let error = errors[worker] { throw error } }
        return results
    }

    /// Runs `body(index)` for every index in `0..<count`, spread over all cores.
    ///
    /// - Parameters:
    ///   - count: the number of indices.
    ///   - body: the work for one index; must be safe to call concurrently.
    package static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        if count == 1 { body(0); return }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }

    /// The `worker`-th of `workers` nearly equal contiguous ranges of `0..<count`.
    ///
    /// - Parameters:
    ///   - worker: the range's index, in `0..<workers`.
    ///   - workers: the number of ranges.
    ///   - count: the length of the whole range.
    package static func chunk(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        let size = count / workers, extra = count % workers
        let start = worker * size + min(worker, extra)
        return start..<(start + size + (worker < extra ? 1 : 0))
    }
}
