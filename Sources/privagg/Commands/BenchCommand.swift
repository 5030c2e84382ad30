import ArgumentParser

/// `privagg bench`: benchmarks of PrivAgg's protocols, each timed against its raw baseline.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark PrivAgg's protocols against their raw cryptographic baselines.",
        subcommands: [BenchSecAggCommand.self, BenchOverheadCommand.self]
    )
}
