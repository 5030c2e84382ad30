import ArgumentParser

/// `privagg bench`: benchmarks of PrivAgg's protocols and building blocks on this machine.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark PrivAgg's protocols and building blocks against their raw baselines.",
        subcommands: [BenchSecAggCommand.self, BenchPaillierCommand.self, BenchOverheadCommand.self, BenchNoiseCommand.self, BenchFederationForwardCommand.self]
    )
}
