import ArgumentParser
import PrivAggTools
import SecureAggregation

/// `privagg bench secagg`: runs the secure-aggregation simulator (clients that drop vanish
/// after ShareKeys, the costly case) and reports times, traffic and the raw keystream baseline.
struct BenchSecAggCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "secagg",
        abstract: "Simulate secure aggregation (Bonawitz et al. 2017 / SecAgg+) and time it against raw ChaCha20.",
        discussion: """
            Runs N clients and the server in-process through the real encoded messages on all cores. \
            A fraction F of the clients drops after ShareKeys. With --neighbors N-1 the graph is complete \
            (the original protocol); smaller K uses a random Harary graph (SecAgg+). The threshold comes \
            from the SecAgg+ rule for K, N, F and --corrupt unless --threshold is given. --size-only skips \
            the run and reports message sizes from the real encoders (for sizes that do not fit in memory). \
            Limits, checked before anything is allocated: N ≤ 100,000 (1,000,000 with --size-only), \
            N × K ≤ 10^7 (pairwise keys and shares), M ≤ 2^32 − 1, and for a run N × M ≤ 2.5×10^8 \
            (the masked inputs of all clients are held at once: 1 GB at 32 bits, 2 GB at 64).
            """
    )

    @Option(name: .long, parsing: .unconditional, help: "Number of clients N, 3...100000 (1000000 with --size-only).")
    var clients: Int

    @Option(name: .long, parsing: .unconditional, help: "Neighbours per client K, 2...N-1 (N-1 for the complete graph); N × K ≤ 10^7.")
    var neighbors: Int

    @Option(name: .long, parsing: .unconditional, help: "Entries per input vector M, 1...4294967295; N × M ≤ 2.5×10^8 unless --size-only.")
    var dimension: Int

    @Option(name: .long, parsing: .unconditional, help: "Fraction of clients that drop after ShareKeys, in [0, 1).")
    var dropout: Double

    @Option(name: .long, help: "Output format: text or json.")
    var format: String = "text"

    @Option(name: .long, parsing: .unconditional, help: "Bit width b of Z_2^b (1...64).")
    var bitWidth: Int = 32

    @Option(name: .long, parsing: .unconditional, help: "Bits of one plain input entry, the denominator of the expansion (default: b).")
    var inputBits: Int?

    @Option(name: .long, parsing: .unconditional, help: "Corrupt fraction used by the threshold rule, in [0, 1).")
    var corrupt: Double = 0.1

    @Option(name: .long, parsing: .unconditional, help: "Shamir threshold t (default: the SecAgg+ rule).")
    var threshold: Int?

    @Flag(name: .long, help: "Sign AdvertiseKeys and the consistency check with Ed25519 (active setting).")
    var authenticated = false

    @Flag(name: .long, help: "Only compute message sizes; do not run the protocol.")
    var sizeOnly = false

    @Option(name: .long, parsing: .unconditional, help: "Seed for a reproducible run (inputs, keys, graph, dropouts).")
    var seed: UInt64?

    @Option(name: .long, parsing: .unconditional, help: "Repeat the benchmark R times and report each figure's median and min–max (1...100).")
    var repetitions: Int = 1

    func validate() throws {
        guard (1...100).contains(repetitions) else { throw ValidationError("--repetitions must be in 1...100, got \(repetitions)") }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json, got '\(format)'") }
        guard clients >= 3 else { throw ValidationError("--clients must be at least 3, got \(clients)") }
        let maximumClients = sizeOnly ? Self.maximumClientsSizeOnly : Self.maximumClients
        guard clients <= maximumClients else {
            throw ValidationError("--clients must be at most \(maximumClients)\(sizeOnly ? "" : " (\(Self.maximumClientsSizeOnly) with --size-only)"), got \(clients)")
        }
        guard (2...(clients - 1)).contains(neighbors) else {
            throw ValidationError("--neighbors must be in 2...\(clients - 1) for \(clients) clients, got \(neighbors)")
        }
        guard neighbors % 2 == 0 || clients % 2 == 0 || neighbors == clients - 1 else {
            throw ValidationError("an odd --neighbors (\(neighbors)) needs an even --clients, got \(clients)")
        }
        guard dimension >= 1, dimension <= Int(UInt32.max) else { throw ValidationError("--dimension must be in 1...\(UInt32.max), got \(dimension)") }
        // Products checked with overflow reporting: the operands are user sizes.
        let pairs = clients.multipliedReportingOverflow(by: neighbors)
        guard !pairs.overflow, pairs.partialValue <= Self.maximumClientNeighborPairs else {
            throw ValidationError("--clients × --neighbors must be at most 10^7 (pairwise keys and shares), got \(clients) × \(neighbors)")
        }
        if !sizeOnly {
            let entries = clients.multipliedReportingOverflow(by: dimension)
            guard !entries.overflow, entries.partialValue <= Self.maximumClientEntries else {
                throw ValidationError(
                    "--clients × --dimension must be at most 2.5×10^8 (every masked input is held at once), got \(clients) × \(dimension); --size-only reports sizes without running")
            }
        }
        guard dropout.isFinite, (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1), got \(dropout)") }
        guard corrupt.isFinite, (0..<1).contains(corrupt) else { throw ValidationError("--corrupt must be in [0, 1), got \(corrupt)") }
        guard (1...64).contains(bitWidth) else { throw ValidationError("--bit-width must be in 1...64, got \(bitWidth)") }
        if let inputBits, !(1...64).contains(inputBits) { throw ValidationError("--input-bits must be in 1...64, got \(inputBits)") }
        if let threshold, !(2...(neighbors + 1)).contains(threshold) {
            throw ValidationError("--threshold must be in 2...\(neighbors + 1), got \(threshold)")
        }
    }

    /// Clients of a simulated run: every one holds keys, shares and a masked input in memory.
    static let maximumClients = 100_000
    /// Clients for `--size-only`, whose survivor lists hold one id per client.
    static let maximumClientsSizeOnly = 1_000_000
    /// N·K bounds the key agreements and encrypted shares (each ~100 bytes and one X25519).
    static let maximumClientNeighborPairs = 10_000_000
    /// N·M bounds the masked inputs held at once (4 or 8 bytes an entry).
    static let maximumClientEntries = 250_000_000

    func run() throws {
        var request = SecAggBenchmark.Request(clients: clients, neighbors: neighbors, dimension: dimension, dropout: dropout)
        request.bitWidth = bitWidth
        request.inputBits = inputBits ?? bitWidth
        request.corrupt = corrupt
        request.threshold = threshold
        request.authenticated = authenticated
        request.sizeOnly = sizeOnly
        request.seed = seed
        let report: SecAggBenchReport
        do {
            if repetitions > 1 {
                // Every repetition must verify its sum, or its timings describe a broken run.
                let summary = try RepeatedBenchmark.run(repetitions: repetitions) { () throws -> SecAggBenchReport in
                    let single = SecAggBenchReport(try SecAggBenchmark.run(request))
                    if single.sumVerified == false { throw ExitCode.failure }
                    return single
                }
                try emit(format == "json" ? jsonString(summary) : summary.text, to: nil)
                return
            }
            report = SecAggBenchReport(try SecAggBenchmark.run(request))
        } catch {
            printError("privagg bench secagg: \(error)")
            throw ExitCode.failure
        }
        try emit(format == "json" ? jsonString(report) : report.text, to: nil)
        if report.sumVerified == false { throw ExitCode.failure }
    }
}
