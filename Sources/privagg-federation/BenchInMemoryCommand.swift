import ArgumentParser
import Federation
import Foundation
import Logging

/// `privagg-federation bench-in-memory`: the in-memory figure of `bench`: the same benchmark
/// coordinator and synthetic sites as the gRPC figure, in one process over the in-memory
/// transport (``FederationSimulation/benchmark(coordinator:sites:progress:)``), so the two
/// figures differ only by the transport.
struct BenchInMemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-in-memory", abstract: "The in-memory-transport run of `bench` (started by it).", shouldDisplay: false)

    @OptionGroup var round: BenchRoundOptions
    @Option(name: .long) var output: String

    func run() async throws {
        let logger = LogSetup.bootstrap(round.logLevel, label: "privagg.bench.in-memory")
        let configuration = try round.coordinatorConfiguration()
        let dimension = round.dimension, seed = round.seed
        let sites = try configuration.siteNames.map {
            try SyntheticSite(name: $0, host: "in-memory", port: 0, dimension: dimension, seed: seed, logger: logger)
        }
        let total = round.rounds
        let result = try await FederationSimulation.benchmark(
            coordinator: BenchmarkCoordinator(configuration: configuration, logger: logger), sites: sites,
            progress: { round in
                BenchProcesses.progress(String(
                    format: "in memory: round %d/%d: %.2f s, %d sites included, %d dropped, server crypto %.2f s", round.round, total,
                    round.seconds, round.included, round.dropouts.count, round.serverCryptoSeconds))
            })
        let failed = result.sites.indices.filter { result.sites[$0] == nil }
        guard failed.isEmpty else { throw BenchError(description: "in memory: sites \(failed.map { "bench-\($0)" }) did not finish") }
        let report = BenchInMemoryReport(
            rounds: result.rounds, sites: result.sites.compactMap { $0 }, peakRSSBytes: try BenchProcesses.peakResidentBytes())
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: output))
    }
}

/// What the in-memory run reports.
struct BenchInMemoryReport: Codable {
    var rounds: [BenchmarkCoordinator.RoundFigures]
    var sites: [SyntheticSite.Figures]
    /// VmHWM of the process (coordinator and every site together), read at the end of the run.
    var peakRSSBytes: Int
}

/// The in-memory figure as `bench` prints it.
struct BenchInMemory: Encodable {
    var report: BenchInMemoryReport

    enum Keys: String, CodingKey {
        case transport, roundSeconds = "round_seconds", roundSecondsMedian = "round_seconds_median"
        case clientCryptoSeconds = "client_crypto_seconds", serverCryptoSeconds = "server_crypto_seconds"
        case bytesUp = "bytes_up_per_client", bytesDown = "bytes_down_per_client"
        case messageBytesUp = "message_bytes_up_per_client", messageBytesDown = "message_bytes_down_per_client"
        case peakRSS = "process_peak_rss_bytes", included, sumVerified = "sum_verified"
    }

    /// The median round time.
    var medianRoundSeconds: Double { BenchFederationResult.median(report.rounds.map(\.seconds)) }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let records = report.rounds
        let siteRounds = Double(max(1, report.sites.reduce(0) { $0 + $1.rounds }))
        let roundCount = Double(max(1, records.count))
        try container.encode(
            "grpc-swift in-process transport: the same coordinator (service, hub, round driver) and synthetic sites in one process, "
                + "messages serialized and passed in memory (no socket, no HTTP/2, no TLS)", forKey: .transport)
        try container.encode(records.map(\.seconds), forKey: .roundSeconds)
        try container.encode(medianRoundSeconds, forKey: .roundSecondsMedian)
        try container.encode(report.sites.reduce(0) { $0 + $1.cryptoSeconds } / siteRounds, forKey: .clientCryptoSeconds)
        try container.encode(records.map(\.serverCryptoSeconds), forKey: .serverCryptoSeconds)
        try container.encode(records.reduce(0) { $0 + $1.grpcBytesUpPerClient } / roundCount, forKey: .bytesUp)
        try container.encode(records.reduce(0) { $0 + $1.grpcBytesDownPerClient } / roundCount, forKey: .bytesDown)
        try container.encode(Double(report.sites.reduce(0) { $0 + $1.messageBytesUp }) / siteRounds, forKey: .messageBytesUp)
        try container.encode(Double(report.sites.reduce(0) { $0 + $1.messageBytesDown }) / siteRounds, forKey: .messageBytesDown)
        try container.encode(report.peakRSSBytes, forKey: .peakRSS)
        try container.encode(records.map(\.included), forKey: .included)
        try container.encode(records.map(\.sumVerified), forKey: .sumVerified)
    }
}
