import ArgumentParser
import FedAvg
import Foundation
import PrivacyAccounting
import PrivAggTools

/// `privagg demo`: the federated heart-disease demo with its report.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Four hospitals train a heart-disease model with DP-SGD (ε ≤ 3) under secure aggregation, and report the cost.",
        discussion: """
            Runs record-level DP-SGD at each of the four UCI heart-disease sites (σ = 3, q = 0.1, 300 steps, \
            budget ε = 3 at δ = 1e-5) with SecAgg aggregation, the same run without privacy as a baseline, and \
            times plain, SecAgg and Paillier aggregation of the model. Writes report.md, report.json, \
            accuracy.svg and epsilon.svg into the output folder, and the sites' new privacy ledgers into its \
            ledgers/ folder (read them with privagg report). A demo never deletes, replaces or spends from \
            ledgers it did not create: without --output it writes to privagg-report/, or, when that already \
            holds ledgers, to the first of privagg-report-2/, privagg-report-3/, ... that holds none (and says \
            so); an explicit --output whose ledgers/ folder holds ledgers is refused. Exit status 3 if the \
            budget allowed no round at all.
            """
    )

    /// The output folder when none is given.
    static let defaultOutput = "privagg-report"

    @Option(name: .long, help: ArgumentHelp(
        "Folder for the report and ledgers (default: privagg-report, or the first privagg-report-N without ledgers).",
        discussion: "Refused if its ledgers/ folder already holds privacy ledgers."))
    var output: String?

    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Seed of all randomness, for a reproducible demo (default: sampling, noise and keys from the CSPRNG; split from seed 7).",
        discussion: "Whoever knows the seed can regenerate the noise, so ε holds only while it stays secret."))
    var seed: UInt64?

    @Flag(name: .long, help: ArgumentHelp(
        "Run the four hospitals as four site processes and a coordinator process on loopback with mutual TLS and SecAgg+ (needs privagg-federation: make federation).",
        discussion: "Writes the same report plus the federation's network figures (federation/), the certificates (pki/) and the processes' logs (logs/)."))
    var distributed = false

    @Option(name: .long, parsing: .unconditional, help: "FedAvg rounds (default 30).")
    var rounds: Int?

    func validate() throws {
        if let rounds, !(1...1_000).contains(rounds) { throw ValidationError("--rounds must be in 1...1000, got \(rounds)") }
    }

    func run() async throws {
        if distributed {
            // The processes, gRPC and TLS live in the companion; the output folder is chosen
            // here by the same rules as the in-process demo.
            let output: String
            if let explicit = self.output {
                output = explicit
            } else {
                output = try Self.freshDefaultOutput()
                if output != Self.defaultOutput {
                    printError("\(Self.defaultOutput)/ holds the privacy ledgers of an earlier run, which a demo never deletes: writing this demo to \(output)/")
                }
            }
            var arguments = ["demo", "--output", output]
            if let rounds { arguments += ["--rounds", "\(rounds)"] }
            if let seed { arguments += ["--seed", "\(seed)"] }
            try federationExecutable.exec(arguments)
        }
        let display = ProgressDisplay()
        let output: String
        if let explicit = self.output {
            try prepareOutputFolder(explicit)
            let folder = (explicit as NSString).appendingPathComponent("ledgers")
            let existing = try LedgerFile.ledgers(in: folder)
            guard existing.isEmpty else {
                throw FileAccessError(
                    "--output \(explicit): \(Demo.describeExistingLedgers(existing, in: folder)); choose another --output, or omit it to get a fresh folder")
            }
            output = explicit
        } else {
            output = try Self.freshDefaultOutput()
            if output != Self.defaultOutput {
                display.phase("\(Self.defaultOutput)/ holds the privacy ledgers of an earlier run, which a demo never deletes: writing this demo to \(output)/")
            }
        }
        var configuration = Demo.Configuration()
        configuration.seed = seed
        if let rounds { configuration.rounds = rounds }
        configuration.ledgerDirectory = (output as NSString).appendingPathComponent("ledgers")
        let rounds = configuration.rounds
        display.phase("PrivAgg demo: four hospitals (UCI heart disease), DP-SGD under secure aggregation")
        let report = try await Demo.run(configuration) { phase, record in
            if let record {
                display.round(
                    record.round, of: rounds, accuracy: record.accuracy,
                    epsilon: phase == .baseline ? nil : record.epsilon)
            } else {
                display.phase("• \(phase.rawValue)")
            }
        }
        display.finish()
        try ReportWriter.write(report, to: output)
        print(DemoSummary.text(report, output: output))
        if report.rounds.isEmpty, let reason = report.stopReason {
            printError("Error: \(reason)")
            throw ExitCode(TrainCommand.nothingTrainedStatus)
        }
    }

    /// The default output folder, or the first `privagg-report-N` (N = 2, 3, …) whose
    /// ledgers/ folder holds no ledger, created if needed.
    static func freshDefaultOutput() throws -> String {
        for index in 1...10_000 {
            let candidate = index == 1 ? defaultOutput : "\(defaultOutput)-\(index)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue { continue }
            guard try LedgerFile.ledgers(in: (candidate as NSString).appendingPathComponent("ledgers")).isEmpty else { continue }
            try prepareOutputFolder(candidate)
            return candidate
        }
        throw FileAccessError("\(defaultOutput) and \(defaultOutput)-2 … -10000 all hold ledgers; give --output")
    }
}

/// The demo's closing lines.
enum DemoSummary {
    static func text(_ report: ExperimentReport, output: String) -> String {
        var lines = [
            String(format: "Accuracy %.3f with DP-SGD at ε = %.2f (budget %.1f, δ = %g); baseline without privacy %.3f.",
                   report.finalAccuracy, report.epsilon, report.epsilonBudget ?? 0, report.delta ?? 0, report.baselineAccuracy ?? 0),
        ]
        if let reason = report.stopReason { lines.append("Stopped early: \(reason)") }
        lines.append("Aggregation cost per round (\(report.settings.clients) clients):")
        for row in report.overhead {
            let name = row.aggregator.padding(toLength: 10, withPad: " ", startingAt: 0)
            lines.append("  " + name + String(format: "%9.4f s  %9.0f B up/client", row.secondsPerRound, row.uploadBytesPerClient))
        }
        if let met = report.goalMet { lines.append("Goal (accuracy ≥ \(Demo.accuracyGoal) within the budget): \(met ? "met" : "NOT met").") }
        lines.append("Report written to \(output)/ (report.md, report.json, accuracy.svg, epsilon.svg; ledgers in ledgers/).")
        return lines.joined(separator: "\n")
    }
}
