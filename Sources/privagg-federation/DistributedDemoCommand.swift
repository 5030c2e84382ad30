import ArgumentParser
import FedAvg
import Federation
import FederationTLS
import Foundation
import PrivacyAccounting
import PrivAggTools

/// `privagg demo --distributed` (`privagg-federation demo`): the demo's four hospitals as four
/// site processes and a coordinator process on loopback, over mutual TLS, with SecAgg+ and
/// DP-SGD at the demo's settings.
struct DistributedDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The demo across processes: a coordinator and four hospital sites on loopback, mutual TLS, SecAgg+, DP-SGD.",
        discussion: """
            Creates a federation (CA, coordinator and four site certificates) in OUTPUT/pki, starts \
            `privagg-federation serve` and four `privagg-federation join` processes on 127.0.0.1 with \
            the demo's settings (DP-SGD σ = 3, q = 0.1, 10 local steps per round, budget ε = 3 at \
            δ = 1e-5, SecAgg+), and writes the demo's report (report.md, report.json, accuracy.svg, \
            epsilon.svg) with the federation's network figures (bytes on the wire per site, stage \
            latencies; also in OUTPUT/federation/). The sites' ledgers are in OUTPUT/ledgers, the \
            processes' logs in OUTPUT/logs. Every child process ends with this command (also on \
            Ctrl-C). An OUTPUT whose ledgers/ holds ledgers, or an existing OUTPUT/pki, is refused.
            """
    )

    @Option(name: .long, help: "Folder for the report, ledgers, certificates and logs.")
    var output: String
    @Option(name: .long, parsing: .unconditional, help: "FedAvg rounds (the demo's 30 by default).")
    var rounds: Int = Demo.Configuration().rounds
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Seed of all randomness, for a reproducible demo (default: sampling, noise and keys from the CSPRNG; split from seed 7).",
        discussion: "Whoever knows the seed can regenerate the noise, so ε holds only while it stays secret."))
    var seed: UInt64?
    @Option(name: .customLong("stage-timeout"), parsing: .unconditional, help: "Seconds one protocol stage may take before a silent site is dropped.")
    var stageTimeout: Double = 120

    func validate() throws {
        guard (1...1_000).contains(rounds) else { throw ValidationError("--rounds must be in 1...1000, got \(rounds)") }
        guard stageTimeout > 0, stageTimeout.isFinite else { throw ValidationError("--stage-timeout must be positive") }
    }

    func run() async throws {
        var configuration = Demo.Configuration()
        configuration.rounds = rounds
        configuration.seed = seed
        let outcome = try await DistributedDemo(output: output, configuration: configuration, stageTimeout: stageTimeout).run()
        print(outcome.summary)
        if !outcome.failures.isEmpty {
            throw ValidationError(outcome.failures.joined(separator: "\n"))
        }
    }
}
