import ArgumentParser

/// `privagg flower-node`: forwards to the `privagg-flower` companion, which links the HTTP/TLS
/// stack `privagg` itself does not (so `make demo` never builds it).
struct FlowerNodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flower-node",
        abstract: "Join a Flower federation as one heart-disease site (runs privagg-flower; see privagg-flower --help).",
        discussion: """
            privagg flower-node --superlink HOST:PORT --site NAME [--insecure] [--ledger-dir DIR] [--privacy dp-sgd|none] \
            [--noise-multiplier S] [--clip-norm C] [--epsilon-budget E] [--delta D] [--seed N] … \
            Every argument goes to privagg-flower unchanged (build it with `make flower`).
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "Arguments of privagg-flower.")
    var arguments: [String] = []

    func run() throws {
        try CompanionExecutable(name: "privagg-flower", buildHint: "make flower").exec(arguments)
    }
}
