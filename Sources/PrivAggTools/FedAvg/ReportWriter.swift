import FedAvg
import Foundation
import Plotting

/// Writes an ``ExperimentReport`` as `report.json`, `report.md`, `accuracy.svg` and `epsilon.svg`.
public enum ReportWriter {
    /// The files written, relative to the output folder.
    public static let fileNames = ["report.md", "report.json", "accuracy.svg", "epsilon.svg"]

    /// Creates `directory` if needed and writes the four files into it, plus a PNG beside
    /// each SVG when `rsvg-convert` is on the PATH.
    ///
    /// - Parameters:
    ///   - report: the run's report.
    ///   - directory: the output folder.
    /// - Throws: Foundation's file errors; `PlotFile.Failure` if `rsvg-convert` fails.
    public static func write(_ report: ExperimentReport, to directory: String) throws {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(json(report).utf8).write(to: folder.appendingPathComponent("report.json"), options: .atomic)
        try Data(markdown(report).utf8).write(to: folder.appendingPathComponent("report.md"), options: .atomic)
        try PlotFile.write(accuracyPlot(report), to: folder.appendingPathComponent("accuracy.svg").path)
        try PlotFile.write(epsilonPlot(report), to: folder.appendingPathComponent("epsilon.svg").path)
    }

    /// Pretty, key-sorted JSON.
    public static func json(_ report: ExperimentReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// The SVG of test accuracy per round (run and baseline).
    static func accuracyPlot(_ report: ExperimentReport) -> String {
        var series = [Plot.Series(
            name: "\(report.privacy) + \(report.aggregator)", points: report.rounds.map { .init(x: Double($0.round), y: $0.accuracy) },
            mark: .lineAndDots)]
        if let baseline = report.baselineRounds {
            series.append(.init(
                name: "baseline (no privacy)", points: baseline.map { .init(x: Double($0.round), y: $0.accuracy) }, color: "#777777",
                dashed: true))
        }
        return Plot(
            title: "Test accuracy per round", xTitle: "round", yTitle: "test accuracy (share of test records)", series: series,
            references: report.accuracyGoal.map { [.init(value: $0, label: "goal \($0)")] } ?? [], yLimits: 0...1,
            notes: report.rounds.isEmpty ? ["no round was trained"] : []
        ).svg()
    }

    /// The SVG of ε spent per round, with the budget.
    static func epsilonPlot(_ report: ExperimentReport) -> String {
        let finite = report.rounds.filter { $0.epsilon.isFinite }
        let unbounded = finite.count < report.rounds.count
        return Plot(
            title: unbounded ? "No differential privacy: ε is unbounded" : "Privacy spent per round",
            subtitle: report.delta.map { String(format: "ε at δ = %g (Rényi DP accountant)", $0) },
            xTitle: "round", yTitle: "ε spent (largest ledger)",
            series: [.init(name: "ε spent (\(report.privacy))", points: finite.map { .init(x: Double($0.round), y: $0.epsilon) }, mark: .lineAndDots)],
            references: report.epsilonBudget.map { [.init(value: $0, label: String(format: "budget ε = %g", $0))] } ?? [],
            yLimits: 0...Double.greatestFiniteMagnitude,
            notes: unbounded ? ["ε = ∞ in every round"] : []
        ).svg()
    }

    /// How the report names the accountant that computed ε.
    static func accountantName(_ accountant: String?) -> String {
        accountant == "pld" ? "privacy-loss-distribution (PLD) accountant's upper estimate" : "Rényi-DP accountant"
    }

    private static func epsilonExplanation(_ privacy: String, accountant: String?) -> String {
        switch privacy {
        case "dp-sgd":
            return "is the record-level privacy loss of every site's DP-SGD, from the \(accountantName(accountant)) (Poisson-subsampled Gaussian), at the stated δ; each site keeps its own ledger, and training stops before a round that would exceed the budget."
        case "central":
            return "is the record-level privacy loss of central DP-FedAvg at each site: a round in which a site is sampled costs its ledger a Gaussian of noise multiplier σ/2 (one record can move the site's clipped update by up to 2S; the server's noise is sized for S), and a round in which it sends zeros costs nothing. The client-level ε (client sampling, update clipping, server noise) is kept in the server's ledger. Both from the \(accountantName(accountant)); training stops before a round that a site's or the server's ledger cannot pay for."
        case "local":
            return "is the record-level privacy loss of local DP (each client noises its own clipped update with σ·2S, which hides one record as well as the whole update), composed over rounds in each site's ledger by the \(accountantName(accountant)); training stops before a round that would exceed the budget."
        case let name where name.hasPrefix("distributed"):
            return "is the record-level privacy loss of distributed DP under secure aggregation at each site: every round costs each site's ledger the distributed discrete Gaussian or Skellam event with the sensitivities after rotation, scaling and conditional rounding doubled (one record can move the site's clipped update by up to 2S), counting only the noise of the protocol's threshold t of clients, whose inputs the unmasked sum is guaranteed to hold. Beside it, the ε of a central Gaussian with the same total noise (multiplier √t·σ/S, halved for one record). Both from the \(accountantName(accountant)); training stops before a round that would exceed the budget."
        default:
            return "is unbounded (∞, null in report.json): this run has no differential privacy."
        }
    }

    /// The human-readable report.
    public static func markdown(_ report: ExperimentReport) -> String {
        func pct(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
        func num(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
        let s = report.settings
        var text = "# PrivAgg federated training report\n\n"
        text += "Data: **\(s.dataset)**, \(s.clients) clients; \(report.rounds.count) of \(s.rounds) rounds, "
        text += "\(s.localSteps) local steps per round at sampling rate \(s.samplingRate), learning rate \(s.learningRate).\n\n"
        if let seed = s.seed {
            text += "Randomness: seed \(seed) for everything (reproducible: whoever knows the seed can regenerate "
            text += "the noise and the sampling, so ε holds only while the seed stays secret).\n\n"
        } else {
            text += "Randomness: sampling, noise and keys from the CSPRNG; data split from seed \(s.splitSeed).\n\n"
        }
        text += "Privacy: **\(report.privacy)**"
        if let sigma = s.noiseMultiplier, let clip = s.clipNorm { text += " (noise multiplier σ = \(sigma), clipping norm \(clip))" }
        text += "; aggregation: **\(report.aggregator)**; model: **\(s.model)**.\n\n"
        text += "## Result\n\n| | value |\n|---|---|\n"
        text += "| final test accuracy | \(pct(report.finalAccuracy)) |\n"
        if let baseline = report.baselineAccuracy { text += "| non-private baseline accuracy | \(pct(baseline)) |\n" }
        if let budget = report.epsilonBudget, let delta = report.delta {
            text += "| ε spent (per site, record level) | \(num(report.epsilon)) of a budget of \(num(budget, 2)) at δ = \(delta) |\n"
            if let accountant = report.accountant { text += "| accountant (governs every ledger's budget) | \(accountant) |\n" }
            if let client = report.clientLevelEpsilon {
                text += "| ε spent (client level, server ledger) | \(num(client)) of a budget of \(num(budget, 2)) at δ = \(delta) |\n"
            }
            if let central = report.centralGaussianEpsilon {
                text += "| ε of a central Gaussian with the same total noise (this run's rounds) | \(num(central)) at δ = \(delta) |\n"
            }
        }
        if let goal = report.accuracyGoal, let met = report.goalMet {
            text += "| goal: accuracy ≥ \(goal) within the budget | \(met ? "met" : "NOT met") |\n"
        }
        if let reason = report.stopReason { text += "\n**Training stopped early:** \(reason)\n" }
        if !report.ledgers.isEmpty {
            text += "\nPrivacy ledgers (read with `privagg report FILE`): " + report.ledgers.map { "`\($0)`" }.joined(separator: ", ") + "\n"
        }
        text += "\n## Sites\n\n| site | train | test | accuracy |"
        let hasBaseline = report.baselineAccuracy != nil
        text += hasBaseline ? " baseline |\n|---|---|---|---|---|\n" : "\n|---|---|---|---|\n"
        for site in report.sites {
            text += "| \(site.name) | \(site.trainSize) | \(site.testSize) | \(pct(site.accuracy)) |"
            text += hasBaseline ? " \(site.baselineAccuracy.map(pct) ?? "–") |\n" : "\n"
        }
        text += "\n## Rounds\n\n![accuracy](accuracy.svg)\n\n![epsilon](epsilon.svg)\n\n"
        let distributed = report.centralGaussianEpsilon != nil
        text += "| round | accuracy | loss | ε |\(distributed ? " central-Gaussian ε |" : "") upload B/client | download B/client | crypto s (client + server) | wall s |\n"
        text += "|---|---|---|---|\(distributed ? "---|" : "")---|---|---|---|\n"
        for record in report.rounds {
            text += "| \(record.round) | \(pct(record.accuracy)) | \(num(record.loss)) | \(record.epsilon.isFinite ? num(record.epsilon) : "∞") |"
            if distributed { text += " \(record.centralGaussianEpsilon.map { num($0) } ?? "–") |" }
            text += " \(Int(record.uploadBytes)) | "
            text += "\(Int(record.downloadBytes)) | \(num(record.clientCryptoSeconds, 4)) + \(num(record.serverCryptoSeconds, 4)) | \(num(record.wallSeconds, 3)) |\n"
        }
        if !report.overhead.isEmpty {
            text += "\n## What aggregation costs per round (this model, \(s.clients) clients)\n\n"
            text += "| aggregator | seconds per round | client s | server s | upload B/client | download B/client | error bound per entry |\n"
            text += "|---|---|---|---|---|---|---|\n"
            for row in report.overhead {
                text += "| \(row.aggregator) | \(num(row.secondsPerRound, 4)) | \(num(row.clientSecondsPerRound, 4)) | \(num(row.serverSecondsPerRound, 4)) | "
                text += "\(Int(row.uploadBytesPerClient)) | \(Int(row.downloadBytesPerClient)) | \(String(format: "%.2g", row.errorBound)) |\n"
            }
        }
        text += """

        ## How to read this report

        - **accuracy** is measured on each site's held-out test records (a stratified 20% split per site); the overall figure pools the sites' correct counts.
        - **ε** \(epsilonExplanation(report.privacy, accountant: report.accountant))
        - **bytes** are what one client sends and receives per round (model broadcast included in download); **crypto seconds** are the time spent in quantization, masking, key agreement, encryption and unmasking.
        - Records never leave their site: model updates (and, in non-private runs, standardization statistics) are the only things a site sends, and they go through the aggregator.
        - What ε assumes and does not cover: features come from public per-attribute ranges, record by record (private runs do not standardize from the records' statistics, which would tie every record to all others); the sites' record counts are treated as public, as Opacus and TF Privacy treat the expected batch size q·n; the per-site test accuracies reported here for evaluation are not covered, nor is the baseline without privacy (demo), trained on the same records for comparison.

        """
        // The attribution belongs to the bundled data only, not to a user's own CSV files.
        if s.dataset == "heart-disease" {
            text += "\nData: UCI Heart Disease (Janosi, Steinbrunn, Pfisterer, Detrano; donor D. W. Aha, 1988), CC BY 4.0, doi:10.24432/C52P4X.\n"
        }
        return text
    }
}
