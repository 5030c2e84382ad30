import Dispatch

/// A pointer shared by worker threads that write disjoint indices.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

enum Parallel {
    /// How many workers to split work over: one per core, at most `count`.
    static func workerCount(for count: Int) -> Int {
        max(1, min(count, ProcessInfoCores.active))
    }

    /// `[body(0), ..., body(count − 1)]` computed on all cores, in contiguous chunks.
    ///
    /// `body` must be safe to call concurrently; its first error is rethrown.
    static func map<T: Sendable>(count: Int, _ body: @Sendable (Int) throws(PaillierError) -> T) throws(PaillierError) -> [T] {
        guard count > 0 else { return [] }
        let workers = workerCount(for: count)
        let errors = UnsafeMutablePointer<PaillierError?>.allocate(capacity: workers)
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
                    do throws(PaillierError) {
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

    /// The `worker`-th of `workers` nearly equal contiguous ranges of `0..<count`.
    static func chunk(_ worker: Int, of workers: Int, count: Int) -> Range<Int> {
        let size = count / workers, extra = count % workers
        let start = worker * size + min(worker, extra)
        return start..<(start + size + (worker < extra ? 1 : 0))
    }
}
