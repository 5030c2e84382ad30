import ArgumentParser
import Federation
import Foundation
import Logging
import SecureAggregation

#if canImport(Glibc)
import Glibc
#endif

/// `privagg bench federation` (`privagg-federation bench`): one coordinator process and N
/// synthetic sites spread over P worker processes on loopback, then the same coordinator and
/// sites in one process over the in-memory transport, then the SecAgg simulation of the same
/// round; prints JSON.
///
/// Synchronous on purpose: it only starts processes, waits for them and runs the CPU-bound
/// simulation, so it never holds a cooperative-pool thread.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark a federation round on loopback: coordinator process + N synthetic sites over P processes; prints JSON.",
        discussion: """
            Each site is an async task with its own gRPC connection (plaintext HTTP/2 on 127.0.0.1: a \
            loopback benchmark, like --insecure) contributing a seeded synthetic update of --dimension \
            entries in [-1, 1]. Printed: round seconds (per round and median), client and server crypto \
            seconds, bytes per client up/down counted at the gRPC transport boundary (protobuf encoding + \
            5-byte gRPC prefix of every message) and the protocol's own message bytes with their ratio, \
            the bytes the site processes read and wrote through system calls, the coordinator's peak RSS \
            (VmHWM of its /proc/PID/status); then the same coordinator and sites in one process over \
            grpc-swift's in-process transport (in_memory: the same code and message bytes without sockets \
            or HTTP/2; every party in one process and one cooperative thread pool, where the gRPC run \
            spreads them over 1 + P processes); and for \
            secagg/secagg+ the SecAgg simulation of the same round (in_process: the protocol's client and \
            server objects called directly, same N, M, degree, threshold and bit width) with the ratio. \
            Progress on stderr.
            """
    )

    @Option(name: .long, parsing: .unconditional, help: "Number of sites N.")
    var clients: Int
    @Option(name: .long, parsing: .unconditional, help: "Entries M of each site's update.")
    var dimension: Int
    @Option(name: .long, help: "Aggregator: plain, secagg or secagg+.")
    var aggregator: String = "secagg+"
    @Option(name: .long, parsing: .unconditional, help: "Worker processes the sites are spread over.")
    var processes: Int = 2
    @Option(name: .long, parsing: .unconditional, help: "Rounds.")
    var rounds: Int = 1
    @Option(name: .customLong("bit-width"), parsing: .unconditional, help: "Bit width of the secure aggregators' ring, 8...64.")
    var bitWidth: Int = 48
    @Option(name: .long, parsing: .unconditional, help: "Seed of the synthetic updates, keys and graph (default: 1).")
    var seed: UInt64 = 1
    @Option(name: .customLong("stage-timeout"), parsing: .unconditional, help: "Seconds one stage may take.")
    var stageTimeout: Double = 600
    @Flag(name: .customLong("skip-in-process"), help: "Do not run the in-process SecAgg simulation.")
    var skipInProcess = false
    @Flag(name: .customLong("skip-in-memory"), help: "Do not run the same federation over the in-memory transport.")
    var skipInMemory = false
    @Option(name: .customLong("masked-input-window"), parsing: .unconditional, help: ArgumentHelp(
        "Most sites owing their masked input at once (default: as many as 64 MiB of masked vectors hold, at least 8).",
        discussion: "The coordinator releases the rest as answers arrive, which bounds the masked inputs its transport holds at once."))
    var maskedInputWindow: Int?
    @Option(name: .long, help: "Also write the JSON to this file.")
    var output: String?

    func validate() throws {
        guard let choice = FederationAggregator(rawValue: aggregator) else {
            throw ValidationError("--aggregator must be plain, secagg or secagg+, got '\(aggregator)'")
        }
        guard clients >= (choice.isSecure ? 2 : 1), clients <= 10_000 else { throw ValidationError("--clients must be in \(choice.isSecure ? 2 : 1)...10000, got \(clients)") }
        guard (1...10_000_000).contains(dimension) else { throw ValidationError("--dimension must be in 1...10000000, got \(dimension)") }
        guard clients * dimension <= 400_000_000 else { throw ValidationError("--clients × --dimension must be at most 4·10^8 (memory of the site processes)") }
        guard (1...64).contains(processes) else { throw ValidationError("--processes must be in 1...64, got \(processes)") }
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be in 1...100, got \(rounds)") }
        guard (8...64).contains(bitWidth) else { throw ValidationError("--bit-width must be in 8...64, got \(bitWidth)") }
        guard stageTimeout > 0, stageTimeout.isFinite else { throw ValidationError("--stage-timeout must be positive") }
        if let maskedInputWindow, maskedInputWindow < 1 { throw ValidationError("--masked-input-window must be at least 1, got \(maskedInputWindow)") }
    }

    func run() throws {
        let choice = FederationAggregator(rawValue: aggregator)!
        let executable = try BenchProcesses.selfExecutable()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = { (name: String) in (directory as NSString).appendingPathComponent(name) }
        let common = ["--clients", "\(clients)", "--dimension", "\(dimension)", "--seed", "\(seed)"]

        BenchProcesses.progress("bench federation: \(clients) sites × \(dimension) entries, \(aggregator), \(rounds) round(s), \(processes) site process(es)")
        let coordinator = try BenchProcesses.start(executable, ["bench-coordinator"] + common + [
            "--aggregator", aggregator, "--rounds", "\(rounds)", "--bit-width", "\(bitWidth)", "--stage-timeout", "\(stageTimeout)",
            "--port-file", path("port"), "--output", path("coordinator.json"),
        ] + (maskedInputWindow.map { ["--masked-input-window", "\($0)"] } ?? []))
        var workers: [Process] = []
        do {
            let port = try BenchProcesses.waitForPort(path("port"), process: coordinator)
            BenchProcesses.progress("coordinator pid \(coordinator.processIdentifier) listening on 127.0.0.1:\(port)")
            let perProcess = (clients + processes - 1) / processes
            for worker in 0..<processes {
                let first = worker * perProcess, count = min(perProcess, clients - first)
                guard count > 0 else { break }
                workers.append(try BenchProcesses.start(executable, ["bench-sites"] + common + [
                    "--server", "127.0.0.1:\(port)", "--first", "\(first)", "--count", "\(count)", "--output", path("sites-\(worker).json"),
                ]))
            }
            for worker in workers {
                worker.waitUntilExit()
                guard worker.terminationStatus == 0 else { throw BenchProcesses.failure("a site process", worker) }
            }
            coordinator.waitUntilExit()
            guard coordinator.terminationStatus == 0 else { throw BenchProcesses.failure("the coordinator", coordinator) }
        } catch {
            for process in workers + [coordinator] where process.isRunning { process.terminate() }
            throw error
        }
        let decoder = JSONDecoder()
        let server = try decoder.decode(BenchCoordinatorReport.self, from: Data(contentsOf: URL(fileURLWithPath: path("coordinator.json"))))
        var sites: [BenchSitesReport] = []
        for index in workers.indices {
            sites.append(try decoder.decode(BenchSitesReport.self, from: Data(contentsOf: URL(fileURLWithPath: path("sites-\(index).json")))))
        }

        var inMemory: BenchInMemory?
        if !skipInMemory {
            BenchProcesses.progress("in memory: the same coordinator and \(clients) sites in one process over the in-process transport")
            let child = try BenchProcesses.start(executable, ["bench-in-memory"] + common + [
                "--aggregator", aggregator, "--rounds", "\(rounds)", "--bit-width", "\(bitWidth)", "--stage-timeout", "\(stageTimeout)",
                "--output", path("in-memory.json"),
            ] + (maskedInputWindow.map { ["--masked-input-window", "\($0)"] } ?? []))
            child.waitUntilExit()
            guard child.terminationStatus == 0 else { throw BenchProcesses.failure("the in-memory run", child) }
            inMemory = BenchInMemory(report: try decoder.decode(
                BenchInMemoryReport.self, from: Data(contentsOf: URL(fileURLWithPath: path("in-memory.json")))))
        }

        var inProcess: BenchInProcess?
        if choice.isSecure, !skipInProcess, let first = server.rounds.first {
            BenchProcesses.progress("in-process simulation: \(clients) clients, k = \(first.graphDegree), t = \(first.threshold), \(dimension) entries, \(bitWidth) bits")
            var parameters = SecAggSimulation.Parameters(
                clientCount: clients, degree: first.graphDegree, threshold: first.threshold, dimension: dimension, bitWidth: bitWidth)
            parameters.seed = seed
            let report = try SecAggSimulation.run(parameters)
            inProcess = BenchInProcess(
                roundSeconds: report.totalSeconds, clientSeconds: report.clientSeconds, serverSeconds: report.serverSeconds,
                uploadBytesPerClient: report.uploadBytesPerClient, downloadBytesPerClient: report.downloadBytesPerClient,
                sumVerified: report.sumVerified)
        }
        let result = BenchFederationResult(
            aggregator: aggregator, clients: clients, dimension: dimension, rounds: rounds, processes: workers.count, bitWidth: bitWidth,
            coordinator: server, sites: sites, inMemory: inMemory, inProcess: inProcess)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(result)
        if let output { try json.write(to: URL(fileURLWithPath: output)) }
        print(String(decoding: json, as: UTF8.self))
    }
}

/// `privagg-federation bench-coordinator`: the benchmark's coordinator process.
struct BenchCoordinatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-coordinator", abstract: "The coordinator process of `bench` (started by it).", shouldDisplay: false)

    @OptionGroup var round: BenchRoundOptions
    @Option(name: .customLong("port-file")) var portFile: String
    @Option(name: .long) var output: String

    func run() async throws {
        let logger = LogSetup.bootstrap(round.logLevel, label: "privagg.bench.coordinator")
        let configuration = try round.coordinatorConfiguration()
        let portFile = self.portFile, total = round.rounds
        let figures = try await BenchmarkCoordinator(configuration: configuration, logger: logger).serve(
            host: "127.0.0.1", port: 0,
            onListening: { port in
                do { try PortFile.write(port, to: portFile) } catch { logger.error("could not write the port file", metadata: ["error": "\(error)"]) }
            },
            progress: { round in
                BenchProcesses.progress(String(
                    format: "round %d/%d: %.2f s, %d sites included, %d dropped, server crypto %.2f s", round.round, total, round.seconds,
                    round.included, round.dropouts.count, round.serverCryptoSeconds))
            })
        let report = BenchCoordinatorReport(rounds: figures, peakRSSBytes: try BenchProcesses.peakResidentBytes())
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: output))
    }
}

/// The round options `bench` passes to its coordinator child and to its in-memory child
/// (the same benchmark coordinator over the two transports).
struct BenchRoundOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional) var clients: Int
    @Option(name: .long, parsing: .unconditional) var dimension: Int
    @Option(name: .long) var aggregator: String
    @Option(name: .long, parsing: .unconditional) var rounds: Int
    @Option(name: .customLong("bit-width"), parsing: .unconditional) var bitWidth: Int
    @Option(name: .long, parsing: .unconditional) var seed: UInt64
    @Option(name: .customLong("stage-timeout"), parsing: .unconditional) var stageTimeout: Double
    @Option(name: .customLong("masked-input-window"), parsing: .unconditional) var maskedInputWindow: Int?
    @Option(name: .customLong("log-level")) var logLevel: LogLevelChoice = .warning

    /// The benchmark coordinator these options describe.
    ///
    /// - Throws: `ValidationError` for an unknown aggregator; ``FederationError`` for invalid sizes.
    func coordinatorConfiguration() throws -> BenchmarkCoordinator.Configuration {
        guard let choice = FederationAggregator(rawValue: aggregator) else { throw ValidationError("unknown aggregator \(aggregator)") }
        var configuration = try BenchmarkCoordinator.Configuration(
            clients: clients, dimension: dimension, aggregator: choice, rounds: rounds, bitWidth: bitWidth, seed: seed,
            stageTimeout: .milliseconds(Int64(stageTimeout * 1000)))
        configuration.maskedInputWindow = maskedInputWindow
        return configuration
    }
}

/// `privagg-federation bench-sites`: one worker process of `bench`, running sites
/// `first ..< first + count` as async tasks, each with its own gRPC connection.
struct BenchSitesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sites", abstract: "A site process of `bench` (started by it).", shouldDisplay: false)

    @Option(name: .long) var server: String
    @Option(name: .long, parsing: .unconditional) var clients: Int
    @Option(name: .long, parsing: .unconditional) var first: Int
    @Option(name: .long, parsing: .unconditional) var count: Int
    @Option(name: .long, parsing: .unconditional) var dimension: Int
    @Option(name: .long, parsing: .unconditional) var seed: UInt64
    @Option(name: .long) var output: String
    @Option(name: .customLong("log-level")) var logLevel: LogLevelChoice = .warning

    func run() async throws {
        let logger = LogSetup.bootstrap(logLevel, label: "privagg.bench.sites")
        let (host, port) = try parseAddress(server, option: "--server")
        let before = try BenchProcesses.ioCounters()
        var sites: [SyntheticSite] = []
        for index in first..<(first + count) {
            sites.append(try SyntheticSite(name: "bench-\(index)", host: host, port: port, dimension: dimension, seed: seed, logger: logger))
        }
        // A site counts as done when Finished arrives; the process does not wait for the
        // connections' teardown (returning from run() exits it).
        let collector = SiteCollector(expected: sites.count)
        for (offset, site) in sites.enumerated() {
            Task {
                do {
                    // Dials spread over ~2 ms per site, so a thousand connections do not all hit
                    // the coordinator's accept backlog in the same instant.
                    try await Task.sleep(for: .milliseconds(2 * offset))
                    _ = try await site.run { figures in Task { await collector.finished(site.name, figures) } }
                } catch {
                    await collector.failed(site.name, "\(error)")
                }
            }
        }
        let figures = try await collector.all()
        let after = try BenchProcesses.ioCounters()
        let report = BenchSitesReport(sites: figures, syscallBytesRead: after.read - before.read, syscallBytesWritten: after.written - before.written)
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: output))
    }
}

/// The sites of one worker process: their figures as each receives Finished, or the first
/// failure of a site that had not finished.
actor SiteCollector {
    private let expected: Int
    private var figures: [String: SyntheticSite.Figures] = [:]
    private var failure: String?
    private var waiter: CheckedContinuation<Void, Never>?

    init(expected: Int) { self.expected = expected }

    func finished(_ site: String, _ result: SyntheticSite.Figures) {
        figures[site] = result
        wake()
    }

    func failed(_ site: String, _ reason: String) {
        guard figures[site] == nil, failure == nil else { return }
        failure = "site \(site): \(reason)"
        wake()
    }

    private func wake() {
        if figures.count == expected || failure != nil, let waiter {
            self.waiter = nil
            waiter.resume()
        }
    }

    /// Every site's figures, in name order.
    func all() async throws -> [SyntheticSite.Figures] {
        if figures.count < expected, failure == nil { await withCheckedContinuation { waiter = $0 } }
        if let failure { throw BenchError(description: failure) }
        return figures.keys.sorted().map { figures[$0]! }
    }
}

/// What the coordinator process reports.
struct BenchCoordinatorReport: Codable {
    var rounds: [BenchmarkCoordinator.RoundFigures]
    /// VmHWM of the coordinator's /proc/self/status, read at the end of the run.
    var peakRSSBytes: Int
}

/// What a site process reports.
struct BenchSitesReport: Codable {
    var sites: [SyntheticSite.Figures]
    /// rchar / wchar deltas of the process's /proc/self/io over the run.
    var syscallBytesRead: Int
    var syscallBytesWritten: Int
}

/// The in-process simulation's figures.
struct BenchInProcess: Codable {
    var roundSeconds: Double
    var clientSeconds: Double
    var serverSeconds: Double
    var uploadBytesPerClient: Double
    var downloadBytesPerClient: Double
    var sumVerified: Bool

    enum CodingKeys: String, CodingKey {
        case roundSeconds = "round_seconds", clientSeconds = "client_seconds", serverSeconds = "server_seconds"
        case uploadBytesPerClient = "message_bytes_up_per_client", downloadBytesPerClient = "message_bytes_down_per_client"
        case sumVerified = "sum_verified"
    }
}

/// The printed JSON.
struct BenchFederationResult: Encodable {
    var aggregator: String
    var clients: Int
    var dimension: Int
    var rounds: Int
    var processes: Int
    var bitWidth: Int
    var coordinator: BenchCoordinatorReport
    var sites: [BenchSitesReport]
    var inMemory: BenchInMemory?
    var inProcess: BenchInProcess?

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    enum Keys: String, CodingKey {
        case aggregator, clients, dimension, rounds, processes, transport
        case bitWidth = "bit_width", graphDegree = "graph_degree", threshold
        case roundSeconds = "round_seconds", roundSecondsMedian = "round_seconds_median"
        case clientCryptoSeconds = "client_crypto_seconds", serverCryptoSeconds = "server_crypto_seconds"
        case bytesUp = "bytes_up_per_client", bytesDown = "bytes_down_per_client", bytesCounted = "bytes_counted"
        case messageBytesUp = "message_bytes_up_per_client", messageBytesDown = "message_bytes_down_per_client"
        case wireRatioUp = "wire_to_message_ratio_up", wireRatioDown = "wire_to_message_ratio_down"
        case syscallUp = "site_process_syscall_bytes_written_per_client_round", syscallDown = "site_process_syscall_bytes_read_per_client_round"
        case peakRSS = "coordinator_peak_rss_bytes", stageMemory = "coordinator_memory_after_stage", assemblyPeak = "coordinator_assembly_peak_bytes", included, dropouts, sumVerified = "sum_verified", sumError = "sum_max_error"
        case inMemory = "in_memory", inMemoryRatio = "round_to_in_memory_ratio"
        case inProcess = "in_process", roundRatio = "round_to_in_process_ratio"
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        let records = coordinator.rounds
        let allSites = sites.flatMap(\.sites)
        let siteRounds = Double(max(1, allSites.reduce(0) { $0 + $1.rounds }))
        let roundCount = Double(max(1, records.count))
        try container.encode(aggregator, forKey: .aggregator)
        try container.encode(clients, forKey: .clients)
        try container.encode(dimension, forKey: .dimension)
        try container.encode(rounds, forKey: .rounds)
        try container.encode(processes, forKey: .processes)
        try container.encode("gRPC (HTTP/2) plaintext on 127.0.0.1, one connection per site (loopback benchmark, no TLS)", forKey: .transport)
        try container.encode(bitWidth, forKey: .bitWidth)
        try container.encode(records.first?.graphDegree ?? 0, forKey: .graphDegree)
        try container.encode(records.first?.threshold ?? 0, forKey: .threshold)
        let seconds = records.map(\.seconds)
        try container.encode(seconds, forKey: .roundSeconds)
        let median = Self.median(seconds)
        try container.encode(median, forKey: .roundSecondsMedian)
        // Mean per site per round.
        try container.encode(allSites.reduce(0) { $0 + $1.cryptoSeconds } / siteRounds, forKey: .clientCryptoSeconds)
        try container.encode(records.map(\.serverCryptoSeconds), forKey: .serverCryptoSeconds)
        let up = records.reduce(0) { $0 + $1.grpcBytesUpPerClient } / roundCount
        let down = records.reduce(0) { $0 + $1.grpcBytesDownPerClient } / roundCount
        try container.encode(up, forKey: .bytesUp)
        try container.encode(down, forKey: .bytesDown)
        try container.encode(
            "gRPC messages at the coordinator's transport boundary: protobuf encoding + 5-byte gRPC prefix of every message of the round "
                + "(RoundStart, contributions or SecAgg stages); HTTP/2 frame headers and TCP/IP headers not included (see the syscall bytes)",
            forKey: .bytesCounted)
        let messageUp = Double(allSites.reduce(0) { $0 + $1.messageBytesUp }) / siteRounds
        let messageDown = Double(allSites.reduce(0) { $0 + $1.messageBytesDown }) / siteRounds
        try container.encode(messageUp, forKey: .messageBytesUp)
        try container.encode(messageDown, forKey: .messageBytesDown)
        try container.encode(messageUp > 0 ? up / messageUp : 0, forKey: .wireRatioUp)
        try container.encode(messageDown > 0 ? down / messageDown : 0, forKey: .wireRatioDown)
        try container.encode(Double(sites.reduce(0) { $0 + $1.syscallBytesWritten }) / siteRounds, forKey: .syscallUp)
        try container.encode(Double(sites.reduce(0) { $0 + $1.syscallBytesRead }) / siteRounds, forKey: .syscallDown)
        try container.encode(coordinator.peakRSSBytes, forKey: .peakRSS)
        try container.encode(records.map(\.memory), forKey: .stageMemory)
        try container.encode(records.last?.assemblyPeakBytes ?? 0, forKey: .assemblyPeak)
        try container.encode(records.map(\.included), forKey: .included)
        try container.encode(records.map(\.dropouts), forKey: .dropouts)
        try container.encode(records.map(\.sumVerified), forKey: .sumVerified)
        try container.encode(records.map(\.sumMaximumError), forKey: .sumError)
        try container.encodeIfPresent(inMemory, forKey: .inMemory)
        if let inMemory, inMemory.medianRoundSeconds > 0 {
            try container.encode(median / inMemory.medianRoundSeconds, forKey: .inMemoryRatio)
        } else {
            try container.encodeNil(forKey: .inMemoryRatio)
        }
        try container.encodeIfPresent(inProcess, forKey: .inProcess)
        if let inProcess, inProcess.roundSeconds > 0 {
            try container.encode(median / inProcess.roundSeconds, forKey: .roundRatio)
        } else {
            try container.encodeNil(forKey: .roundRatio)
        }
    }
}

/// A benchmark that could not complete.
struct BenchError: Error, CustomStringConvertible {
    var description: String
}

/// Process plumbing of the benchmark.
enum BenchProcesses {
    /// A progress line on standard error.
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data("[bench] \(line)\n".utf8))
    }

    /// This executable's path.
    static func selfExecutable() throws -> URL {
        let path = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        return URL(fileURLWithPath: path)
    }

    /// Starts `executable arguments`, standard error passed through.
    static func start(_ executable: URL, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardError = FileHandle.standardError
        try process.run()
        return process
    }

    /// Waits (up to 120 s) for the port file the coordinator writes once listening; blocking
    /// (this command is synchronous: it holds no cooperative-pool thread), unlike
    /// ``PortFile/wait(for:writtenBy:timeout:failure:)``.
    static func waitForPort(_ path: String, process: Process) throws -> Int {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if let port = PortFile.read(path) { return port }
            guard process.isRunning else { throw failure("the coordinator", process) }
            usleep(20_000)
        }
        throw BenchError(description: "the coordinator did not listen within 120 s")
    }

    /// The error for a process that failed.
    static func failure(_ what: String, _ process: Process) -> BenchError {
        BenchError(description: "\(what) (pid \(process.processIdentifier)) failed with status \(process.terminationStatus); its log is above")
    }

    /// VmHWM (peak resident set) of this process, in bytes.
    static func peakResidentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else {
            throw ValidationError("no VmHWM in /proc/self/status")
        }
        return kilobytes * 1024
    }

    /// rchar and wchar of /proc/self/io: bytes this process read and wrote through system calls.
    static func ioCounters() throws -> (read: Int, written: Int) {
        let text = try String(contentsOfFile: "/proc/self/io", encoding: .utf8)
        var read = 0, written = 0
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Int(parts[1]) else { continue }
            if parts[0] == "rchar" { read = value } else if parts[0] == "wchar" { written = value }
        }
        return (read, written)
    }
}
