import Foundation
import Plotting

/// Writes an experiment's summary tables (Markdown, CSV, LaTeX booktabs) and plots.
public enum ExperimentOutput {
    /// Files written besides `results.csv` (PNGs too when `rsvg-convert` is installed).
    public static let fileNames = [
        "summary.md", "summary.csv", "summary.tex", "accuracy_vs_epsilon.svg", "accuracy_per_round.svg", "per_site_accuracy.svg",
    ]

    /// Writes the tables and plots of `results` into `directory`.
    ///
    /// - Parameters:
    ///   - results: the runs (all of them, earlier ones included).
    ///   - configuration: the grid (for the title lines).
    ///   - directory: the output folder.
    /// - Throws: Foundation's file errors; `PlotFile.Failure` if `rsvg-convert` fails.
    public static func write(_ results: [RunResult], configuration: ExperimentConfiguration, to directory: String) throws {
        let summaries = CellSummary.summarize(results)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        try Data(markdown(summaries, configuration: configuration).utf8).write(to: URL(fileURLWithPath: path("summary.md")), options: .atomic)
        try Data(csv(summaries).utf8).write(to: URL(fileURLWithPath: path("summary.csv")), options: .atomic)
        try Data(latex(summaries, configuration: configuration).utf8).write(to: URL(fileURLWithPath: path("summary.tex")), options: .atomic)
        try PlotFile.write(accuracyVersusEpsilon(summaries, delta: configuration.delta).svg(), to: path("accuracy_vs_epsilon.svg"))
        try PlotFile.write(accuracyPerRound(summaries).svg(), to: path("accuracy_per_round.svg"))
        try PlotFile.write(perSiteAccuracy(summaries).svg(), to: path("per_site_accuracy.svg"))
    }

    static func fixed(_ value: Double, _ digits: Int = 3) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "∞" }

    static func interval(_ statistics: SampleStatistics) -> String {
        statistics.interval.map { "[\(fixed($0.lowerBound)), \(fixed($0.upperBound))]" } ?? "–"
    }

    static func notes(_ summary: CellSummary) -> String {
        var notes: [String] = []
        if summary.budgetStopped > 0 { notes.append("\(summary.budgetStopped) stopped at budget") }
        if summary.trainedNothing > 0 { notes.append("\(summary.trainedNothing) trained nothing") }
        return notes.joined(separator: "; ")
    }

    static func epsilonText(_ statistics: SampleStatistics) -> String {
        statistics.count == 0 ? "∞" : fixed(statistics.mean, 2)
    }

    /// The Markdown table.
    static func markdown(_ summaries: [CellSummary], configuration: ExperimentConfiguration) -> String {
        var text = "# Experiment summary\n\n"
        text += "Data: \(configuration.dataset.name); \(configuration.rounds) rounds; seeds \(configuration.seeds.map(String.init).joined(separator: ", ")); "
        text += "δ = \(configuration.delta). Accuracy is the final test accuracy over all sites: mean ± standard deviation over the seeds, "
        text += "and the 95% confidence interval of the mean (Student's t, n − 1 degrees of freedom).\n\n"
        text += "| configuration | runs | accuracy (mean ± sd) | 95% CI | worst site | best–worst gap | ε spent | MB per client | seconds | notes |\n"
        text += "|---|---|---|---|---|---|---|---|---|---|\n"
        for s in summaries {
            text += "| \(s.cell) | \(s.accuracy.count) | \(fixed(s.accuracy.mean)) ± \(fixed(s.accuracy.standardDeviation)) | \(interval(s.accuracy)) | "
            text += "\(fixed(s.worstSite.mean)) | \(fixed(s.siteGap.mean)) | \(epsilonText(s.epsilon)) | \(fixed(s.bytes.mean / 1e6, 3)) | "
            text += "\(fixed(s.seconds.mean, 2)) | \(notes(s)) |\n"
        }
        text += "\nRuns marked *stopped at budget* trained fewer rounds than asked; *trained nothing* means the budget could not pay for "
        text += "a single round, so the accuracy is the initial model's. Every run is in results.csv; plots: accuracy_vs_epsilon.svg, "
        text += "accuracy_per_round.svg, per_site_accuracy.svg.\n"
        return text
    }

    /// The CSV table (one row per cell, plain numbers).
    static func csv(_ summaries: [CellSummary]) -> String {
        func number(_ value: Double?) -> String { value.map { $0.isFinite ? "\($0)" : "inf" } ?? "" }
        var text = CSVText.line([
            "cell", "privacy", "aggregator", "model", "epsilon_budget", "noise_multiplier", "runs", "accuracy_mean", "accuracy_sd",
            "accuracy_ci95_low", "accuracy_ci95_high", "worst_site_accuracy_mean", "site_gap_mean", "epsilon_mean", "bytes_per_client_mean",
            "seconds_mean", "budget_stopped", "trained_nothing",
        ])
        for s in summaries {
            text += CSVText.line([
                s.cell, s.privacy, s.aggregator, s.model, number(s.epsilonBudget), number(s.noiseMultiplier), "\(s.accuracy.count)",
                number(s.accuracy.mean), number(s.accuracy.standardDeviation), number(s.accuracy.interval?.lowerBound),
                number(s.accuracy.interval?.upperBound), number(s.worstSite.mean), number(s.siteGap.mean),
                s.epsilon.count == 0 ? "inf" : number(s.epsilon.mean), number(s.bytes.mean), number(s.seconds.mean), "\(s.budgetStopped)",
                "\(s.trainedNothing)",
            ])
        }
        return text
    }

    /// LaTeX special characters escaped, and the Greek and ≤ of the labels in math mode.
    static func tex(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\\(character)"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            case "ε": out += "$\\varepsilon$"
            case "σ": out += "$\\sigma$"
            case "δ": out += "$\\delta$"
            case "≤": out += "$\\le$"
            case "–": out += "--"
            default: out.append(character)
            }
        }
        return out
    }

    /// The LaTeX table (booktabs; needs `\usepackage{booktabs}`).
    static func latex(_ summaries: [CellSummary], configuration: ExperimentConfiguration) -> String {
        func cell(_ value: Double) -> String { value.isFinite ? String(format: "%.3f", value) : "$\\infty$" }
        var text = "% Generated by privagg experiment; needs \\usepackage{booktabs}.\n"
        text += "\\begin{table}\n\\centering\n\\caption{\(tex(configuration.dataset.name)), \(configuration.rounds) rounds, "
        text += "\(configuration.seeds.count) seeds: final test accuracy (mean $\\pm$ sd, 95\\% CI of the mean, Student's $t$), "
        text += "worst site, best--worst gap, $\\varepsilon$ spent at $\\delta = \(configuration.delta)$.}\n"
        text += "\\begin{tabular}{lrrrrrrr}\n\\toprule\n"
        text += "Configuration & $n$ & Accuracy & 95\\% CI & Worst site & Gap & $\\varepsilon$ & MB/client \\\\\n\\midrule\n"
        for s in summaries {
            let ci = s.accuracy.interval.map { "[\(cell($0.lowerBound)), \(cell($0.upperBound))]" } ?? "--"
            var name = tex(s.cell)
            if s.budgetStopped + s.trainedNothing > 0 { name += "$^\\dagger$" }
            text += "\(name) & \(s.accuracy.count) & \(cell(s.accuracy.mean)) $\\pm$ \(cell(s.accuracy.standardDeviation)) & \(ci) & "
            text += "\(cell(s.worstSite.mean)) & \(cell(s.siteGap.mean)) & \(s.epsilon.count == 0 ? "$\\infty$" : String(format: "%.2f", s.epsilon.mean)) & "
            text += String(format: "%.3f", s.bytes.mean / 1e6) + " \\\\\n"
        }
        text += "\\bottomrule\n\\end{tabular}\n"
        if summaries.contains(where: { $0.budgetStopped + $0.trainedNothing > 0 }) {
            text += "\\par\\smallskip{\\footnotesize $^\\dagger$ some runs stopped at the privacy budget (see results.csv).}\n"
        }
        return text + "\\end{table}\n"
    }

    /// Series key of a private cell in the ε plot: everything but the budget.
    static func family(_ s: CellSummary) -> String {
        [s.privacy, s.aggregator, s.noiseMultiplier.map { String(format: "σ=%g", $0) }, s.model].compactMap { $0 }.joined(separator: "/")
    }

    /// Accuracy against ε spent, one series per privacy/aggregator/σ/model, error bars the
    /// 95% CI; runs without privacy as dashed reference lines.
    static func accuracyVersusEpsilon(_ summaries: [CellSummary], delta: Double) -> Plot {
        var families: [String] = [], points: [String: [Plot.Point]] = [:]
        for s in summaries where s.epsilon.count > 0 {
            let name = family(s)
            if points[name] == nil { families.append(name) }
            points[name, default: []].append(.init(x: s.epsilon.mean, y: s.accuracy.mean, interval: s.accuracy.interval))
        }
        let series = families.map { Plot.Series(name: $0, points: points[$0]!.sorted { $0.x < $1.x }, mark: .lineAndDots) }
        let references = summaries.filter { $0.epsilon.count == 0 }.map {
            Plot.Reference(value: $0.accuracy.mean, label: "\($0.cell) (no DP): \(fixed($0.accuracy.mean))")
        }
        return Plot(
            title: "Accuracy against privacy", subtitle: String(format: "mean over seeds, bars: 95%% CI; ε at δ = %g", delta),
            xTitle: "ε spent (record level, largest site ledger)", yTitle: "final test accuracy (share)", series: series,
            references: references, yLimits: 0...1, notes: series.isEmpty ? ["no private configuration"] : [])
    }

    /// Mean accuracy per round per cell, with the 95% CI over the seeds as a band.
    static func accuracyPerRound(_ summaries: [CellSummary]) -> Plot {
        let series = summaries.map { s -> Plot.Series in
            let longest = s.runs.map(\.roundAccuracies.count).max() ?? 0
            var points: [Plot.Point] = [], band: [(x: Double, lower: Double, upper: Double)] = []
            for round in 0..<longest {
                let statistics = SampleStatistics(s.runs.compactMap { round < $0.roundAccuracies.count ? $0.roundAccuracies[round] : nil })
                points.append(.init(x: Double(round + 1), y: statistics.mean))
                if let interval = statistics.interval { band.append((Double(round + 1), interval.lowerBound, interval.upperBound)) }
            }
            return Plot.Series(name: s.cell, points: points, band: band)
        }
        let empty = summaries.filter { $0.trainedNothing == $0.runs.count }.map { "\($0.cell): trained nothing" }
        return Plot(
            title: "Test accuracy per round", subtitle: "mean over seeds, band: 95% CI", xTitle: "round",
            yTitle: "test accuracy (share)", series: series, yLimits: 0...1, notes: empty)
    }

    /// Final accuracy per site and cell, with the 95% CI over the seeds.
    static func perSiteAccuracy(_ summaries: [CellSummary]) -> Plot {
        var sites: [String] = []
        for s in summaries { for run in s.runs { for entry in run.siteAccuracies where !sites.contains(entry.site) { sites.append(entry.site) } } }
        let count = Double(max(summaries.count, 1))
        let series = summaries.enumerated().map { index, s -> Plot.Series in
            // Cells side by side within each site's slot, so their bars do not overlap.
            let offset = count == 1 ? 0 : -0.3 + 0.6 * Double(index) / (count - 1)
            let points = sites.enumerated().compactMap { position, site -> Plot.Point? in
                let statistics = SampleStatistics(s.runs.compactMap { run in run.siteAccuracies.first { $0.site == site }?.accuracy })
                guard statistics.count > 0 else { return nil }
                return .init(x: Double(position) + offset, y: statistics.mean, interval: statistics.interval)
            }
            return Plot.Series(name: s.cell, points: points, mark: .dots)
        }
        return Plot(
            title: "Final accuracy per site", subtitle: "mean over seeds, bars: 95% CI", xTitle: "site", yTitle: "test accuracy (share)",
            series: series, xCategories: sites, yLimits: 0...1)
    }
}
