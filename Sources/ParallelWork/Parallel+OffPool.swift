import Foundation

extension Parallel {
    /// Runs `body` on a thread of its own and suspends the calling task until it returns, so a
    /// CPU-bound computation reached from async code never holds a cooperative thread.
    ///
    /// One thread per call: meant for coarse work (a training round, an aggregation, a
    /// benchmark), where a thread's creation is negligible against the work.
    ///
    /// - Parameter body: the synchronous computation; it may use ``map(count:_:)`` and
    ///   ``forEach(_:_:)`` inside.
    /// - Returns: what `body` returned.
    /// - Throws: what `body` threw.
    package static func offPool<T: Sendable, Failure: Error>(
        _ body: sending @escaping () throws(Failure) -> T
    ) async throws(Failure) -> T {
        // `sending` hands the closure and everything it captures to this call alone, so moving
        // it to the thread cannot race with the caller.
        let work = Handoff(body)
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(Failure) -> T in try work.body() })
            }
            // As large as the main thread's, so work moved here has the stack it had before.
            thread.stackSize = stackBytes
            thread.start()
        }
        return try result.get()
    }

    /// Stack of the threads ``offPool(_:)`` starts.
    static let stackBytes = 8 << 20
}

/// A closure handed from one thread to another (see ``Parallel/offPool(_:)``).
private final class Handoff<T, Failure: Error>: @unchecked Sendable {
    let body: () throws(Failure) -> T

    init(_ body: @escaping () throws(Failure) -> T) {
        self.body = body
    }
}
