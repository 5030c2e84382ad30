import ArgumentParser
import FedAvg
import Foundation
import PrivacyAccounting

/// `privagg train`: one federated training run with every choice exposed.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model with FedAvg, choosing data, model, aggregator and privacy mode.",
        discussion: """
            heart-disease uses the four UCI sites (--clients 1...4 takes the first sites: cleveland, hungarian, \
            switzerland, va); synthetic generates --clients clients with --dimension features and Dirichlet \
            label skew --label-skew. Privacy modes: none; dp-sgd (record-level DP-SGD at every site, one ledger \
            per site); central (DP-FedAvg: client sampling at --client-rate, update clipping, server noise); \
            local (each client clips and noises its own update). Every private mode charges each site's own \
            ledger (SITE.ledger) with a record-level event before the site's update leaves it, so runs of \
            different modes on one --ledger-dir share one budget per site (central also keeps the server's \
            client-level server.ledger); --privacy none, which no ledger can be charged for, is refused on a \
            ledger folder that tracks one of its sites. Training stops before a round that would exceed --epsilon-budget at \
            --delta; if not even the first round fits, the report is still written and the exit status is 3. \
            A private run keeps every client's ledger open and locked, so it takes at most 1000 clients. \
            The ledger folder is printed on stderr when the run starts. Models: logistic (L2-regularized \
            logistic regression) or mlp (one hidden layer of --hidden-units tanh units, initial weights from \
            the CSPRNG or --seed).
            """
    )

    /// Exit status of a run whose budget allowed no round at all.
    static let nothingTrainedStatus: Int32 = 3

    @Option(name: .long, help: "Data: heart-disease or synthetic.")
    var dataset: DatasetChoice = .heartDisease
    @Option(name: .long, help: "Number of clients (heart-disease: 1...4; synthetic: up to 1000 with privacy, 100000 without).")
    var clients: Int?
    @Option(name: .long, help: "FedAvg rounds.")
    var rounds: Int = 30
    @Option(name: .long, help: "Model: logistic or mlp.")
    var model: ModelChoice = .logistic
    @Option(name: .long, help: "Hidden units of the mlp model, 1...4096.")
    var hiddenUnits: Int = 16
    @Option(name: .long, help: "Aggregator: plain, secagg, secagg+ or paillier.")
    var aggregator: AggregatorChoice = .secagg
    @Option(name: .long, help: "Privacy mode: none, dp-sgd, central or local.")
    var privacy: PrivacyChoice = .dpSGD
    @Option(name: .long, help: "ε budget of every ledger.")
    var epsilonBudget: Double = 3
    @Option(name: .long, help: "δ at which ε is measured.")
    var delta: Double = 1e-5
    @Option(name: .long, help: ArgumentHelp(
        "Seed of all randomness, for a reproducible run (default: sampling, noise and keys from the CSPRNG; split from seed 7).",
        discussion: "Whoever knows the seed can regenerate the noise and the sampling, so ε holds only while it stays secret."))
    var seed: UInt64?
    @Option(name: .long, help: "Folder to write report.md, report.json and the SVG plots into.")
    var output: String?
    @Option(name: .long, help: ArgumentHelp(
        "Folder of the privacy ledgers (default: OUTPUT/ledgers with --output, else a new temporary folder).",
        discussion: "Ledgers already there are reopened: their earlier spends count against the budget."))
    var ledgerDir: String?
    @Option(name: .long, help: "Output format on standard output: text or json.")
    var format: RunFormat = .text
    @Option(name: .long, help: "Local SGD steps per round.")
    var localSteps: Int = 10
    @Option(name: .long, help: "Poisson sampling rate of each local batch, in (0, 1].")
    var samplingRate: Double = 0.1
    @Option(name: .long, help: "Learning rate.")
    var learningRate: Double = 0.5
    @Option(name: .long, help: "Noise multiplier σ of the private modes.")
    var noiseMultiplier: Double = 3
    @Option(name: .long, help: "Clipping norm (per example for dp-sgd, per update for central and local).")
    var clipNorm: Double = 1
    @Option(name: .long, help: "Client sampling rate of the central mode, in (0, 1].")
    var clientRate: Double = 1
    @Option(name: .long, help: "Features of the synthetic data.")
    var dimension: Int = 20
    @Option(name: .long, help: "Records per synthetic client.")
    var recordsPerClient: Int = 100
    @Option(name: .long, help: "Dirichlet concentration α of the synthetic label skew (small = skewed).")
    var labelSkew: Double = 1

    func validate() throws {
        if let clients {
            guard clients >= 1 else { throw ValidationError("--clients must be at least 1, got \(clients)") }
            if dataset == .heartDisease, clients > HeartDiseaseSite.allCases.count {
                throw ValidationError("--clients must be at most 4 for heart-disease (one per site), got \(clients)")
            }
            if [.secagg, .secaggPlus, .paillier].contains(aggregator), clients < 2 {
                throw ValidationError("--aggregator \(aggregator.rawValue) needs at least 2 clients")
            }
        }
        guard (1...4096).contains(hiddenUnits) else { throw ValidationError("--hidden-units must be in 1...4096, got \(hiddenUnits)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        guard epsilonBudget.isFinite, epsilonBudget > 0 else { throw ValidationError("--epsilon-budget must be positive, got \(epsilonBudget)") }
        guard delta > 0, delta < 1 else { throw ValidationError("--delta must be in (0, 1), got \(delta)") }
        guard localSteps >= 1 else { throw ValidationError("--local-steps must be at least 1, got \(localSteps)") }
        guard samplingRate > 0, samplingRate <= 1 else { throw ValidationError("--sampling-rate must be in (0, 1], got \(samplingRate)") }
        guard learningRate.isFinite, learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
        guard noiseMultiplier.isFinite, noiseMultiplier > 0 else {
            throw ValidationError("--noise-multiplier must be positive, got \(noiseMultiplier)")
        }
        guard clipNorm.isFinite, clipNorm > 0 else { throw ValidationError("--clip-norm must be positive, got \(clipNorm)") }
        guard clientRate > 0, clientRate <= 1 else { throw ValidationError("--client-rate must be in (0, 1], got \(clientRate)") }
        guard (1...1_000_000).contains(dimension) else { throw ValidationError("--dimension must be in 1...1000000, got \(dimension)") }
        if let clients, clients > 100_000 { throw ValidationError("--clients must be at most 100000, got \(clients)") }
        if let clients, privacy != .none, clients > FederatedTraining.maximumLedgers {
            throw ValidationError(
                "--clients must be at most \(FederatedTraining.maximumLedgers) with --privacy \(privacy.rawValue) (each client's privacy ledger stays open and locked for the run), got \(clients); --privacy none takes up to 100000")
        }
        guard recordsPerClient <= 1_000_000 else { throw ValidationError("--records-per-client must be at most 1000000, got \(recordsPerClient)") }
        if dataset == .synthetic {
            // The synthetic records live in memory (8 bytes a feature).
            let records = (clients ?? 10) * recordsPerClient
            guard records.multipliedReportingOverflow(by: dimension).partialValue <= 500_000_000 else {
                throw ValidationError("--clients × --records-per-client × --dimension must be at most 5×10^8 (4 GB), got \(records) records × \(dimension)")
            }
        }
        guard recordsPerClient >= 10 else { throw ValidationError("--records-per-client must be at least 10, got \(recordsPerClient)") }
        guard labelSkew.isFinite, labelSkew > 0 else { throw ValidationError("--label-skew must be positive, got \(labelSkew)") }
    }

    func run() async throws {
        if let output { try prepareOutputFolder(output) }
        // Chosen (and said) before training, so the folder is known even if the run fails.
        var ledgerFolder = ledgerDir ?? output.map { ($0 as NSString).appendingPathComponent("ledgers") }
        if privacy != .none, ledgerFolder == nil {
            ledgerFolder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-ledgers-\(UUID().uuidString)").path
        }
        if let ledgerFolder {
            try prepareOutputFolder(ledgerFolder, option: "--ledger-dir")
            if privacy != .none { printError("Privacy ledgers: \(ledgerFolder)/") }
        }
        var participants: [SiteClient]
        let splitSeed = seed ?? 7
        switch dataset {
        case .heartDisease:
            participants = try HeartDisease.clients(sites: Array(HeartDiseaseSite.allCases.prefix(clients ?? 4)), seed: splitSeed)
        case .synthetic:
            participants = try SyntheticData.clients(
                count: clients ?? 10, dimension: dimension, recordsPerClient: recordsPerClient, labelSkew: labelSkew, seed: splitSeed)
        }
        // Before the sites exchange anything (standardization below): a non-private run may
        // not touch records whose budget a ledger in the folder tracks.
        if privacy == .none, let ledgerFolder {
            do { try FederatedTraining.refuseNonPrivateRun(on: participants, trackedIn: ledgerFolder) } catch let error as FedAvgError {
                if case .invalidParameter(_, let reason) = error { throw FileAccessError("--privacy none: \(reason)") }
                throw error
            }
        }
        let chosen = try AggregatorFactory.make(aggregator, seed: seed)
        // Standardizing from all records' statistics would make every record's features depend
        // on every other record, voiding a record- or client-level guarantee; private runs
        // train on the public-range features as they are.
        if privacy == .none { try FederatedStandardization.standardize(&participants, aggregator: chosen) }
        let mode: PrivacyMode
        switch privacy {
        case .none: mode = .none
        case .dpSGD: mode = .dpSGD(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier)
        case .central: mode = .central(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier, clientSamplingRate: clientRate)
        case .local: mode = .local(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier)
        }
        let settings = TrainingConfiguration(
            rounds: rounds,
            localTraining: try LocalTraining(steps: localSteps, samplingRate: samplingRate, learningRate: learningRate),
            privacy: mode, budget: mode == .none ? nil : .init(epsilon: epsilonBudget, delta: delta), ledgerDirectory: ledgerFolder,
            model: model == .mlp ? .multilayerPerceptron(hiddenUnits: hiddenUnits) : .logisticRegression, seed: seed)
        let display = format == .text ? ProgressDisplay() : nil
        let total = rounds, isPrivate = mode != .none
        let run = try await FederatedTraining.run(clients: participants, configuration: settings, aggregator: chosen) { record in
            display?.round(record.round, of: total, accuracy: record.accuracy, epsilon: isPrivate ? record.epsilon : nil)
        }
        display?.finish()
        let report = ExperimentReport(
            run: run, clients: participants,
            settings: .init(
                dataset: dataset.rawValue, clients: participants.count, rounds: rounds, localSteps: localSteps,
                samplingRate: samplingRate, learningRate: learningRate, clipNorm: mode == .none ? nil : clipNorm,
                noiseMultiplier: mode == .none ? nil : noiseMultiplier, seed: seed, splitSeed: splitSeed,
                model: run.model.architecture.name))
        if let output { try ReportWriter.write(report, to: output) }
        // A run that trained nothing still reports what happened, then fails.
        let failure = run.trainedNothing ? run.stopReason : nil
        defer { if let failure { printError("Error: \(failure)") } }
        if format == .json {
            FileHandle.standardOutput.write(Data(try ReportWriter.json(report).utf8))
            if failure != nil { throw ExitCode(Self.nothingTrainedStatus) }
            return
        }
        var lines = [String(format: "Final accuracy %.3f after %d rounds (%@, %@).", report.finalAccuracy, report.rounds.count,
                            report.privacy as NSString, report.aggregator as NSString)]
        if let budget = report.epsilonBudget {
            lines.append(String(format: "ε spent %.3f of %@ at δ = %@ (record level, largest over the sites).", report.epsilon, formatInput(budget) as NSString, formatInput(delta) as NSString))
            if let client = report.clientLevelEpsilon {
                lines.append(String(format: "Client-level ε %.3f of %@ (server ledger).", client, formatInput(budget) as NSString))
            }
        }
        if let reason = report.stopReason { lines.append(reason) }
        if let folder = report.ledgers.first.map({ ($0 as NSString).deletingLastPathComponent }) {
            lines.append("Privacy ledgers in \(folder)/ (privagg report FILE).")
        }
        for site in report.sites {
            lines.append("  " + site.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: " train %4d  test %4d  accuracy %.3f", site.trainSize, site.testSize, site.accuracy))
        }
        if let output { lines.append("Report written to \(output)/.") }
        try emit(lines.joined(separator: "\n"), to: nil)
        if failure != nil { throw ExitCode(Self.nothingTrainedStatus) }
    }
}
