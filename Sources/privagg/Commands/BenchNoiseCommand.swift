import ArgumentParser
import DifferentialPrivacy
import Foundation

/// `privagg bench noise [--count N] [--repetitions R] [--seed S] [--format text|json]`.
struct BenchNoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Time the exact noise samplers on a vector (samples per second, one core).")

    @Option(help: "Samples per vector.")
    var count = 1_000_000

    @Option(help: "Repetitions per case (the best time is kept).")
    var repetitions = 3

    @Option(help: "Seed for ChaCha20 (default 1); --secure uses the libsodium CSPRNG instead.")
    var seed: UInt64 = 1

    @Flag(help: "Draw from the libsodium CSPRNG instead of seeded ChaCha20.")
    var secure = false

    @Option(help: "Output format: text or json.")
    var format = "text"

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json, got '\(format)'") }
        guard count >= 1, count <= 1 << 28 else { throw ValidationError("--count must be in 1...268435456, got \(count)") }
        guard repetitions >= 1, repetitions <= 100 else { throw ValidationError("--repetitions must be in 1...100, got \(repetitions)") }
    }

    func run() throws {
        let report: NoiseBenchmark.Report
        do {
            report = try NoiseBenchmark.run(count: count, repetitions: repetitions, seed: secure ? nil : seed)
        } catch {
            throw ValidationError(error.description)
        }
        if format == "json" {
            try emit(try jsonString(report), to: nil)
        } else {
            try emit(Self.text(report), to: nil)
        }
    }

    static func text(_ report: NoiseBenchmark.Report) -> String {
        var lines = ["Exact noise samplers, \(report.generator), best of \(report.repetitions), one core"]
        for r in report.results {
            let label = "\(r.name) scale=\(r.scale)".padding(toLength: 34, withPad: " ", startingAt: 0)
            lines.append("  \(label) \(String(format: "%12.0f", r.samplesPerSecond)) samples/s  (\(r.count) in \(String(format: "%.4f", r.seconds)) s)")
        }
        return lines.joined(separator: "\n")
    }
}
