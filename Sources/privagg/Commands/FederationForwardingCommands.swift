import ArgumentParser

/// The companion that carries the networked commands.
let federationExecutable = CompanionExecutable(name: "privagg-federation", buildHint: "make federation")

/// `privagg serve …`: the federation's coordinator, in the `privagg-federation` companion.
struct ServeForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a federation's coordinator over gRPC (runs privagg-federation serve; `make federation` builds it).",
        shouldDisplay: true
    )

    @Argument(parsing: .captureForPassthrough, help: "Options of privagg-federation serve (see privagg serve --help).")
    var arguments: [String] = []

    func run() throws { try federationExecutable.exec(["serve"] + arguments) }
}

/// `privagg join …`: one site node, in the `privagg-federation` companion.
struct JoinForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "join",
        abstract: "Run one site of a federation (runs privagg-federation join; `make federation` builds it).",
        shouldDisplay: true
    )

    @Argument(parsing: .captureForPassthrough, help: "Options of privagg-federation join (see privagg join --help).")
    var arguments: [String] = []

    func run() throws { try federationExecutable.exec(["join"] + arguments) }
}

/// `privagg simulate …`: a coordinator and its sites in one process over the in-memory
/// transport, in the `privagg-federation` companion (it links gRPC, which `privagg` does not).
struct SimulateForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a federation's coordinator and sites in one process over gRPC's in-memory transport; serve's report (runs privagg-federation simulate; `make federation` builds it).",
        shouldDisplay: true
    )

    @Argument(parsing: .captureForPassthrough, help: "Options of privagg-federation simulate (see privagg simulate --help).")
    var arguments: [String] = []

    func run() throws { try federationExecutable.exec(["simulate"] + arguments) }
}

/// `privagg bench federation …`: a federation round on loopback (coordinator process and
/// synthetic site processes), in the `privagg-federation` companion (`privagg-federation bench`).
struct BenchFederationForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federation",
        abstract: "Benchmark a federation round over gRPC on loopback and over the in-memory transport: --clients N --dimension M --aggregator secagg+|secagg|plain (runs privagg-federation bench)."
    )

    @Argument(parsing: .captureForPassthrough, help: "Options of privagg-federation bench (--clients, --dimension, --aggregator, --processes, --rounds, --output).")
    var arguments: [String] = []

    func run() throws { try federationExecutable.exec(["bench"] + arguments) }
}
