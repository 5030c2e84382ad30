import Foundation
import GRPCCore
import GRPCInProcessTransport

/// A whole federation in one process: the real coordinator (``FederationCoordinator`` or
/// ``BenchmarkCoordinator``: its gRPC service, hub and round driver) and N real sites
/// (``SiteNode`` sessions over heart-disease or synthetic records, or benchmark
/// ``SyntheticSite``s), connected by grpc-swift's in-process transport instead of HTTP/2.
///
/// The same state machines exchange the same protobuf messages as across processes; only the
/// carriage differs: messages are serialized and handed over in memory, so there is no socket,
/// no HTTP/2 framing and no TLS. Without certificates the coordinator takes each site's name
/// from its Join, so a site could speak for another: this transport is for simulation and
/// tests only (`privagg-federation simulate`, the in-memory figure of `bench federation`),
/// never for a federation of separate parties.
public enum FederationSimulation {
    /// How one simulated site's participation ended.
    public enum SiteResult: Sendable {
        /// The site took part until Finished.
        case finished(SiteNode.Outcome)
        /// The site stopped with this error (declined budget, Abort, cancellation).
        case failed(String)

        /// The outcome, if the site finished.
        public var outcome: SiteNode.Outcome? {
            if case .finished(let outcome) = self { return outcome }
            return nil
        }
    }

    /// What a simulated federated run produced.
    public struct Outcome: Sendable {
        /// The coordinator's run: records per round and the final model, as `serve` reports it.
        public var run: FederationRun
        /// Each site's result, in the order the sites were given.
        public var sites: [SiteResult]
    }

    /// Runs `coordinator` and `sites` in this process over the in-memory transport until the
    /// coordinator's run ends.
    ///
    /// - Parameters:
    ///   - coordinator: the coordinator; its configuration names the expected sites.
    ///   - sites: one node per site (each node's host and port are not used).
    ///   - progress: called after every round, as `serve` calls it.
    /// - Returns: the coordinator's run and each site's result. A site that fails is a
    ///   dropout for the coordinator (the run goes on per the fault policy) and is reported
    ///   in ``Outcome/sites``, not thrown.
    /// - Throws: what the coordinator's run throws (sites missing, disagreeing features, a
    ///   round the coordinator cannot run); every site has stopped when it throws.
    public static func run(
        coordinator: FederationCoordinator, sites: [SiteNode],
        progress: @escaping @Sendable (FederationRoundRecord) -> Void = { _ in }
    ) async throws -> Outcome {
        let transport = InProcessTransport()
        return try await withGRPCClient(transport: transport.client) { grpc in
            try await withThrowingTaskGroup(of: Completion<FederationRun, SiteResult>.self) { group in
                group.addTask { .coordinator(try await coordinator.serve(over: .inMemory(transport.server), progress: progress)) }
                for (index, site) in sites.enumerated() {
                    group.addTask {
                        do {
                            return .site(index, .finished(try await site.run(over: .inMemory(grpc))))
                        } catch {
                            return .site(index, .failed("\(error)"))
                        }
                    }
                }
                return try await collect(&group, siteCount: sites.count) { run, results in Outcome(run: run, sites: results) }
            }
        }
    }

    /// Runs the benchmark coordinator and `sites` in this process over the in-memory
    /// transport: `bench federation`'s round over the same code as its gRPC figure.
    ///
    /// - Parameters:
    ///   - coordinator: the benchmark's coordinator (its configuration names `bench-0` …).
    ///   - sites: the synthetic sites (host and port not used).
    ///   - progress: called after every round.
    /// - Returns: the coordinator's round figures and each site's figures (nil for a site
    ///   that failed: a dropout the round figures record).
    /// - Throws: what the coordinator throws; every site has stopped when it throws.
    public static func benchmark(
        coordinator: BenchmarkCoordinator, sites: [SyntheticSite],
        progress: @escaping @Sendable (BenchmarkCoordinator.RoundFigures) -> Void = { _ in }
    ) async throws -> (rounds: [BenchmarkCoordinator.RoundFigures], sites: [SyntheticSite.Figures?]) {
        let transport = InProcessTransport()
        return try await withGRPCClient(transport: transport.client) { grpc in
            try await withThrowingTaskGroup(of: Completion<[BenchmarkCoordinator.RoundFigures], SyntheticSite.Figures?>.self) { group in
                group.addTask { .coordinator(try await coordinator.serve(over: .inMemory(transport.server), progress: progress)) }
                for (index, site) in sites.enumerated() {
                    group.addTask {
                        do {
                            return .site(index, try await site.run(over: .inMemory(grpc)))
                        } catch {
                            return .site(index, nil)
                        }
                    }
                }
                return try await collect(&group, siteCount: sites.count) { rounds, figures in (rounds, figures) }
            }
        }
    }

    /// One child task's end: the coordinator's result, or site `index`'s.
    private enum Completion<Coordinator: Sendable, Site: Sendable>: Sendable {
        case coordinator(Coordinator)
        case site(Int, Site)
    }

    /// Waits for the coordinator and every site. If the coordinator throws, the sites have
    /// been sent Abort and their sessions closed (the coordinator's own cleanup), so they end
    /// on their own; the group then waits for them and rethrows.
    private static func collect<Coordinator: Sendable, Site: Sendable, Result>(
        _ group: inout ThrowingTaskGroup<Completion<Coordinator, Site>, any Error>, siteCount: Int,
        combine: (Coordinator, [Site]) -> Result
    ) async throws -> Result {
        var coordinatorResult: Coordinator?
        var results = [Site?](repeating: nil, count: siteCount)
        while let completion = try await group.next() {
            switch completion {
            case .coordinator(let value): coordinatorResult = value
            case .site(let index, let value): results[index] = value
            }
        }
        guard let coordinatorResult else { throw CancellationError() }
        return combine(coordinatorResult, results.map { $0! })
    }
}
