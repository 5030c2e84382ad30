import ArgumentParser

/// `privagg federation …`: forwarded to the `privagg-federation` companion executable, which
/// carries the federation's TLS and gRPC dependencies (see ``CompanionExecutable``).
struct FederationForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federation",
        abstract: "Create a federation's certificates (runs privagg-federation; `privagg federation init --help`)."
    )

    @Argument(parsing: .captureForPassthrough, help: "The federation subcommand and its options, e.g. init --sites a,b --out DIR.")
    var arguments: [String] = []

    func run() throws {
        try CompanionExecutable(name: "privagg-federation", buildHint: "make federation").exec(["federation"] + arguments)
    }
}
