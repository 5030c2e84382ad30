import ArgumentParser
import Experiments
import Foundation

/// `privagg experiment CONFIG.json`: a grid of runs over seeds, with tables and plots.
struct ExperimentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "experiment",
        abstract: "Run a grid (privacy × aggregator × ε budget × σ × model) over seeds; write results, tables and plots.",
        discussion: """
            CONFIG.json lists the grid (see README, "Experiments"). The output folder receives results.csv (one row \
            per run, appended and flushed after each run), summary.md/.csv/.tex (mean, standard deviation and 95% \
            confidence interval of accuracy, worst site, best–worst gap, ε, bytes, seconds), three plots (SVG, and PNG \
            when rsvg-convert is installed), and one ledger folder per private run under ledgers/. Rerunning the same \
            command skips the runs already in results.csv. Every run uses its seed for all randomness (reproducible; \
            ε holds only while the seed stays secret).
            """
    )

    @Argument(help: "The experiment's JSON configuration.")
    var config: String
    @Option(name: .long, help: "Output folder (default: results/ + the configuration's file name without extension).")
    var output: String?

    func run() async throws {
        let configuration = try ExperimentConfiguration.load(from: config)
        let folder = output ?? "results/" + ((config as NSString).lastPathComponent as NSString).deletingPathExtension
        let runner = ExperimentRunner(configuration: configuration, directory: folder)
        let display = ProgressDisplay()
        let results = try await runner.run { event in
            switch event {
            case let .skipped(index, total, key): display.phase("[\(index)/\(total)] \(key): already in results.csv, skipped")
            case let .started(index, total, key): display.phase("[\(index)/\(total)] \(key)")
            case let .round(round, total, accuracy): display.round(round, of: total, accuracy: accuracy, epsilon: nil)
            case let .finished(_, _, result):
                display.finish()
                let marker = result.status == .completed ? "" : " [\(result.status.rawValue)]"
                display.phase(String(format: "    accuracy %.3f, ε %@, %.1f s%@", result.accuracy,
                                     result.epsilon.isFinite ? String(format: "%.3f", result.epsilon) : "∞", result.seconds, marker))
            }
        }
        try ExperimentOutput.write(results, configuration: configuration, to: folder)
        let summary = try String(contentsOfFile: (folder as NSString).appendingPathComponent("summary.md"), encoding: .utf8)
        try emit(summary + "\nWritten to \(folder)/: results.csv, " + ExperimentOutput.fileNames.joined(separator: ", ") + ".", to: nil)
    }
}
