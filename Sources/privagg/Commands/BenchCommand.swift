import ArgumentParser

/// `privagg bench`: timings of PrivAgg's building blocks on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark PrivAgg's building blocks.",
        subcommands: [BenchPaillierCommand.self]
    )
}
