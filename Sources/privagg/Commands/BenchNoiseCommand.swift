import ArgumentParser
import DifferentialPrivacy
import Foundation
import PrivAggTools

/// `privagg bench noise [--count N] [--repetitions R] [--seed S] [--format text|json]`.
struct BenchNoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise",
        abstract: "Time the exact noise samplers on a vector (samples per second, one core).")

    @Option(parsing: .unconditional, help: "Samples per vector, 1...67108864 (2^26: the vector is 512 MiB).")
    var count = 1_000_000

    @Option(parsing: .unconditional, help: "Repetitions per case, 1...100 (the best time is kept).")
    var repetitions = 3

    @Option(parsing: .unconditional, help: "Seed for ChaCha20 (default 1); not with --secure.")
    var seed: UInt64?

    @Flag(help: "Draw from the libsodium CSPRNG instead of seeded ChaCha20.")
    var secure = false

    @Option(help: "Output format: text or json.")
    var format = "text"

    @Flag(help: "Print the discrete Gaussian table of papers/canonne2020-discrete-gaussian.md (variance and attempts per σ) instead of timings.")
    var table = false

    func validate() throws {
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json, got '\(format)'") }
        guard count >= 1, count <= 1 << 26 else { throw ValidationError("--count must be in 1...67108864, got \(count)") }
        guard repetitions >= 1, repetitions <= 100 else { throw ValidationError("--repetitions must be in 1...100, got \(repetitions)") }
        if secure, seed != nil { throw ValidationError("--seed and --secure exclude each other: a seed asks for the reproducible ChaCha20 stream") }
        if secure, table { throw ValidationError("--table is a reproducible experiment on a seeded stream; drop --secure") }
    }

    func run() throws {
        if table { return try runTable() }
        let report: NoiseBenchmark.Report
        do {
            report = try NoiseBenchmark.run(count: count, repetitions: repetitions, seed: secure ? nil : (seed ?? 1))
        } catch {
            throw ValidationError(error.description)
        }
        if format == "json" {
            try emit(try jsonString(report), to: nil)
        } else {
            try emit(Self.text(report), to: nil)
        }
    }

    private func runTable() throws {
        let rows: [DiscreteGaussianTable.Row]
        do {
            rows = try DiscreteGaussianTable.rows(count: count, seed: seed ?? 1)
        } catch {
            throw ValidationError(error.description)
        }
        if format == "json" { return try emit(try jsonString(rows), to: nil) }
        var lines = [
            "Discrete Gaussian, \(count) draws per sigma (ChaCha20 seed \(seed ?? 1))",
            "| σ | exact Var (series) | Var/σ² | sample Var ± s.e. | t | expected attempts | measured attempts | CKS t = ⌊σ⌋+1: expected attempts |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in rows {
            lines.append("| \(r.sigma) | \(String(format: "%.6g", r.exactVariance)) | \(String(format: "%.10f", r.exactVariance / (r.sigma * r.sigma))) "
                + "| \(String(format: "%.6g", r.sampleVariance)) ± \(String(format: "%.2g", r.varianceStandardError)) | \(r.proposalScale) "
                + "| \(String(format: "%.4f", r.expectedAttempts)) | \(String(format: "%.4f", r.measuredAttempts)) | \(String(format: "%.4f", r.expectedAttemptsCKS)) |")
        }
        try emit(lines.joined(separator: "\n"), to: nil)
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
