import Foundation
import ParallelWork
import Testing

@Suite("Parallel loops")
struct ParallelTests {
    struct Stop: Error, Equatable {
        let index: Int
    }

    @Test(arguments: [0, 1, 2, 7, 1000])
    func mapKeepsEveryIndexInPlace(count: Int) throws {
        let squares = try Parallel.map(count: count) { (index) throws(Stop) -> Int in index * index }
        #expect(squares == (0..<count).map { $0 * $0 })
    }

    @Test func mapRethrowsTheFirstWorkersTypedError() {
        // Every index from 10 on fails; the worker holding index 10 is the first that fails, so
        // its error comes back whatever the scheduling.
        #expect(throws: Stop(index: 10)) {
            _ = try Parallel.map(count: 1000) { (index) throws(Stop) -> String in
                if index >= 10 { throw Stop(index: index) }
                return String(index)
            }
        }
    }

    @Test(arguments: [(1, 1), (5, 2), (10, 3), (3, 5), (1000, 7)])
    func chunksCoverTheRangeOnceInOrder(count: Int, workers: Int) {
        let ranges = (0..<workers).map { Parallel.chunk($0, of: workers, count: count) }
        #expect(ranges.flatMap { Array($0) } == Array(0..<count))
        let sizes = ranges.map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
    }

    @Test func workerCountIsAtLeastOneAndAtMostTheWork() {
        #expect(Parallel.workerCount(for: 0) == 1)
        #expect(Parallel.workerCount(for: 1) == 1)
        #expect(Parallel.workerCount(for: 1_000_000) == Parallel.cores)
    }

    @Test func forEachVisitsEveryIndexOnce() {
        let slots = ConcurrentSlots<Int>(count: 500)
        Parallel.forEach(500) { slots[$0] = $0 + 1 }
        #expect((0..<500).map { slots[$0] } == (1...500).map { Optional($0) })
    }

    @Test func offPoolReturnsTheBodysValue() async throws {
        let total = try await Parallel.offPool { () throws(Stop) -> Int in
            try Parallel.map(count: 100) { (index) throws(Stop) -> Int in index }.reduce(0, +)
        }
        #expect(total == 4950)
    }

    @Test func offPoolRethrowsTheBodysTypedError() async {
        await #expect(throws: Stop(index: 3)) {
            _ = try await Parallel.offPool { () throws(Stop) -> Int in throw Stop(index: 3) }
        }
    }

    /// More blocking bodies than cores at once: on the cooperative pool (one thread per core)
    /// they would wait for each other; on threads of their own they all run together, so every
    /// body sees all the others started.
    @Test func offPoolBodiesDoNotWaitForCooperativeThreads() async throws {
        let bodies = Parallel.cores * 2 + 2
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let all = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<bodies {
                group.addTask {
                    try await Parallel.offPool { () throws(Stop) -> Bool in
                        started.signal()
                        return release.wait(timeout: .now() + 30) == .success
                    }
                }
            }
            for _ in 0..<bodies { started.wait() }
            for _ in 0..<bodies { release.signal() }
            return try await group.reduce(true) { $0 && $1 }
        }
        #expect(all)
    }
}
