import ArgumentParser
import FedAvg
import Foundation
import PrivAggTools

/// `privagg bench overhead`: per-round seconds and bytes of each aggregator.
struct BenchOverheadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overhead",
        abstract: "Per-round seconds and bytes of plain, SecAgg+ and Paillier aggregation of N clients' M-entry updates.",
        discussion: """
            Every party runs in this process; bytes are the serialized protocol messages (or ciphertexts) one client \
            sends and receives. Paillier uses a fresh 2048-bit key with 32-bit packed slots; key generation is not timed.
            """
    )

    @Option(name: .long, parsing: .unconditional, help: "Number of clients N (at least 2).")
    var clients: Int
    @Option(name: .long, parsing: .unconditional, help: "Entries per update M.")
    var dimension: Int
    @Option(name: .long, help: "Output format: text or json.")
    var format: RunFormat = .text
    @Option(name: .long, parsing: .unconditional, help: "Aggregation rounds timed per aggregator.")
    var rounds: Int = 1
    @Option(name: .long, parsing: .unconditional, help: "Bit width of the secure-aggregation ring (8...64).")
    var bitWidth: Int = 32
    @Option(name: .long, parsing: .unconditional, help: "Seed of the inputs and protocol keys.")
    var seed: UInt64 = 1
    @Option(name: .long, parsing: .unconditional, help: "Repeat the benchmark R times and report each figure's median and min–max (1...100).")
    var repetitions: Int = 1

    func validate() throws {
        guard (1...100).contains(repetitions) else { throw ValidationError("--repetitions must be in 1...100, got \(repetitions)") }
        guard clients >= 2 else { throw ValidationError("--clients must be at least 2, got \(clients)") }
        guard (1...10_000_000).contains(dimension) else { throw ValidationError("--dimension must be in 1...10000000, got \(dimension)") }
        guard clients <= 100_000 else { throw ValidationError("--clients must be at most 100000, got \(clients)") }
        // Every client's vector is held in memory at once (8 bytes an entry).
        guard clients * dimension <= 500_000_000 else {
            throw ValidationError("--clients × --dimension must be at most 5×10^8 (4 GB of updates), got \(clients) × \(dimension)")
        }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        guard (8...64).contains(bitWidth) else { throw ValidationError("--bit-width must be in 8...64, got \(bitWidth)") }
    }

    func run() throws {
        if repetitions > 1 {
            let summary = try RepeatedBenchmark.run(repetitions: repetitions) { try measure() }
            try emit(format == .json ? jsonString(summary) : summary.text, to: nil)
            return
        }
        let rows = try measure()
        if format == .json {
            try emit(jsonString(rows), to: nil)
            return
        }
        var text = "Aggregation of \(clients) clients × \(dimension) entries, mean of \(rounds) round(s):\n"
        text += "aggregator   s/round    client s   server s   upload B/client   download B/client\n"
        for row in rows {
            text += row.aggregator.padding(toLength: 10, withPad: " ", startingAt: 0)
            text += String(format: " %9.4f  %9.4f  %9.4f  %16.0f  %18.0f\n", row.secondsPerRound,
                           row.clientSecondsPerRound, row.serverSecondsPerRound, row.uploadBytesPerClient, row.downloadBytesPerClient)
        }
        try emit(text, to: nil)
    }

    /// One measurement of every aggregator.
    private func measure() throws -> [OverheadRow] {
        let aggregators = try [AggregatorChoice.plain, .secaggPlus, .paillier].map { try AggregatorFactory.make($0, seed: seed, bitWidth: bitWidth) }
        // Progress goes to stderr so that stdout stays the report (JSON or table) alone.
        let total = rounds
        return try OverheadMeasurement.measure(
            aggregators: aggregators, clients: clients, dimension: dimension, rounds: rounds, seed: seed
        ) { name, round in
            FileHandle.standardError.write(Data("timing \(name), round \(round)/\(total)…\n".utf8))
        }
    }
}
