import ArgumentParser
import FedAvg
import Foundation
import Paillier
import PrivacyAccounting
import PrivAggTools

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
            local (each client clips and noises its own update); distributed (distributed DP under secure \
            aggregation: each client clips its update, adds its share of discrete noise, --mechanism ddg or \
            skellam, in a --bits bit ring, and --aggregator secagg or secagg+ reveals only the noisy sum; \
            --noise-multiplier is the central-equivalent multiplier of the noise the protocol's threshold t of \
            clients are guaranteed to add between them). Every private mode charges each site's own \
            ledger (SITE.ledger) with a record-level event before the site's update leaves it, so runs of \
            different modes on one --ledger-dir share one budget per site (central also keeps the server's \
            client-level server.ledger); --privacy none, which no ledger can be charged for, is refused on a \
            ledger folder that tracks one of its sites. Training stops before a round that would exceed --epsilon-budget at \
            --delta by --accountant (rdp, the default, or pld: its upper estimate), which the ledgers record and keep \
            enforcing (a reopened ledger must name the same accountant); if not even the first round fits, the report is still written and the exit status is 3. \
            A private run keeps every client's ledger open and locked, so it takes at most 1000 clients. \
            The ledger folder is printed on stderr when the run starts. Models: logistic (L2-regularized \
            logistic regression) or mlp (one hidden layer of --hidden-units tanh units, initial weights from \
            the CSPRNG or --seed).
            """
    )

    /// Exit status of a run whose budget allowed no round at all.
    static let nothingTrainedStatus: Int32 = 3

    @Option(name: .long, help: "Data: heart-disease, synthetic or csv (with --data).")
    var dataset: DatasetChoice = .heartDisease
    @OptionGroup var csvData: CSVDataOptions
    @OptionGroup var resumeOptions: TrainResumeOptions
    @Option(name: .long, parsing: .unconditional, help: "Number of clients (heart-disease: 1...4; synthetic: up to 1000 with privacy, 100000 without).")
    var clients: Int?
    @Option(name: .long, parsing: .unconditional, help: "FedAvg rounds.")
    var rounds: Int = 30
    @Option(name: .long, help: "Model: logistic or mlp.")
    var model: ModelChoice = .logistic
    @Option(name: .customLong("hidden-units"), parsing: .unconditional, help: "Hidden units of the mlp model, 1...4096; units × (dimension + 2) < 10^7 (default 16).")
    var hiddenUnitsOption: Int?
    var hiddenUnits: Int { hiddenUnitsOption ?? 16 }
    @Option(name: .long, help: "Aggregator: plain, secagg, secagg+, paillier or paillier-threshold.")
    var aggregator: AggregatorChoice = .secagg
    @Option(name: .long, parsing: .unconditional, help: "Sites needed to decrypt with --aggregator paillier-threshold, 2...clients (default: a majority).")
    var threshold: Int?
    @Option(name: .long, help: "Privacy mode: none, dp-sgd, central, local or distributed.")
    var privacy: PrivacyChoice = .dpSGD
    @Option(name: .customLong("mechanism"), help: "Noise of --privacy distributed: ddg (distributed discrete Gaussian) or skellam.")
    var mechanismOption: DistributedMechanism?
    @Option(name: .customLong("bits"), parsing: .unconditional, help: "Bits per coordinate of --privacy distributed's modular sum, 8...62 (default 16).")
    var bitsOption: Int?
    var bits: Int { bitsOption ?? 16 }
    @Option(name: .customLong("epsilon-budget"), parsing: .unconditional, help: "ε budget of every ledger (default 3).")
    var epsilonBudgetOption: Double?
    var epsilonBudget: Double { epsilonBudgetOption ?? 3 }
    @Option(name: .customLong("delta"), parsing: .unconditional, help: "δ at which ε is measured (default 1e-5).")
    var deltaOption: Double?
    var delta: Double { deltaOption ?? 1e-5 }
    @Option(name: .customLong("accountant"), help: ArgumentHelp(
        "Accountant of the ledgers' budgets: rdp or pld (default rdp).",
        discussion: "pld (privacy loss distributions, upper estimate) is tighter, so the same budget pays for more rounds."))
    var accountantOption: AccountantKind?
    var accountant: AccountantKind { accountantOption ?? .rdp }
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
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
    @Option(name: .long, parsing: .unconditional, help: "Local SGD steps per round.")
    var localSteps: Int = 10
    @Option(name: .long, parsing: .unconditional, help: "Poisson sampling rate of each local batch, in (0, 1].")
    var samplingRate: Double = 0.1
    @Option(name: .long, parsing: .unconditional, help: "Learning rate.")
    var learningRate: Double = 0.5
    @Option(name: .customLong("noise-multiplier"), parsing: .unconditional, help: "Noise multiplier σ of the private modes (default 3).")
    var noiseMultiplierOption: Double?
    var noiseMultiplier: Double { noiseMultiplierOption ?? 3 }
    @Option(name: .customLong("clip-norm"), parsing: .unconditional, help: "Clipping norm (per example for dp-sgd, per update for central and local) (default 1).")
    var clipNormOption: Double?
    var clipNorm: Double { clipNormOption ?? 1 }
    @Option(name: .customLong("client-rate"), parsing: .unconditional, help: "Client sampling rate of the central mode, in (0, 1] (default 1).")
    var clientRateOption: Double?
    var clientRate: Double { clientRateOption ?? 1 }
    @Option(name: .customLong("dimension"), parsing: .unconditional, help: "Features of the synthetic data (default 20).")
    var dimensionOption: Int?
    var dimension: Int { dimensionOption ?? 20 }
    @Option(name: .customLong("records-per-client"), parsing: .unconditional, help: "Records per synthetic client (default 100).")
    var recordsPerClientOption: Int?
    var recordsPerClient: Int { recordsPerClientOption ?? 100 }
    @Option(name: .customLong("label-skew"), parsing: .unconditional, help: "Dirichlet concentration α of the synthetic label skew (small = skewed) (default 1).")
    var labelSkewOption: Double?
    var labelSkew: Double { labelSkewOption ?? 1 }

    func validate() throws {
        try refuseIrrelevantOptions()
        try csvData.validate(dataset: dataset)
        try resumeOptions.validate(output: output)
        if let clients {
            guard clients >= 1 else { throw ValidationError("--clients must be at least 1, got \(clients)") }
            if dataset == .heartDisease, clients > HeartDiseaseSite.allCases.count {
                throw ValidationError("--clients must be at most 4 for heart-disease (one per site), got \(clients)")
            }
            if [.secagg, .secaggPlus, .paillier, .paillierThreshold].contains(aggregator), clients < 2 {
                throw ValidationError("--aggregator \(aggregator.rawValue) needs at least 2 clients")
            }
        }
        guard (1...4096).contains(hiddenUnits) else { throw ValidationError("--hidden-units must be in 1...4096, got \(hiddenUnits)") }
        if model == .mlp, dataset == .synthetic, (1...1_000_000).contains(dimension) {
            // Every client, the aggregator and the noise hold vectors of the model's size (a
            // --dimension out of its range is reported by its own check below).
            let parameters = hiddenUnits.multipliedReportingOverflow(by: dimension + 2)
            guard !parameters.overflow, parameters.partialValue < Self.maximumModelParameters else {
                throw ValidationError("--hidden-units × (--dimension + 2) must be below 10^7 model parameters, got \(hiddenUnits) × \(dimension + 2)")
            }
        }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        guard epsilonBudget.isFinite, epsilonBudget > 0 else { throw ValidationError("--epsilon-budget must be positive, got \(epsilonBudget)") }
        try AccountingValidation.delta(delta)
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

    /// The largest model (80 MB a copy) a run may build: each client holds several copies.
    static let maximumModelParameters = 10_000_000

    /// Options that would change nothing in this run are errors, not silently ignored: a
    /// user who sets σ for a run without privacy, or hidden units for a logistic model,
    /// believes something about the run that is not true.
    private func refuseIrrelevantOptions() throws {
        if aggregator != .paillierThreshold, threshold != nil { throw ValidationError("--threshold applies to --aggregator paillier-threshold only") }
        if aggregator == .paillierThreshold {
            let sites = clients ?? (dataset == .heartDisease ? HeartDiseaseSite.allCases.count : 10)
            guard sites <= Paillier.ThresholdPublicKey.maximumParties else {
                throw ValidationError("--aggregator paillier-threshold supports at most \(Paillier.ThresholdPublicKey.maximumParties) clients, got \(sites)")
            }
            if let threshold, !(2...max(2, sites)).contains(threshold) {
                throw ValidationError("--threshold must be in 2...\(sites) (the clients), got \(threshold)")
            }
        }
        if model != .mlp, hiddenUnitsOption != nil { throw ValidationError("--hidden-units applies to --model mlp only") }
        if privacy == .none {
            let given = [("--noise-multiplier", noiseMultiplierOption != nil), ("--clip-norm", clipNormOption != nil),
                         ("--epsilon-budget", epsilonBudgetOption != nil), ("--delta", deltaOption != nil),
                         ("--accountant", accountantOption != nil)]
            if let (flag, _) = given.first(where: { $0.1 }) { throw ValidationError("\(flag) has no effect with --privacy none") }
        }
        if privacy != .central, clientRateOption != nil { throw ValidationError("--client-rate applies to --privacy central only") }
        if privacy == .distributed {
            guard mechanismOption != nil else { throw ValidationError("--privacy distributed needs --mechanism ddg or skellam") }
            guard [.secagg, .secaggPlus].contains(aggregator) else {
                throw ValidationError("--privacy distributed needs --aggregator secagg or secagg+ (each client adds only a share of the noise; only secure aggregation keeps single updates hidden), got \(aggregator.rawValue)")
            }
            guard (8...62).contains(bits) else { throw ValidationError("--bits must be in 8...62, got \(bits)") }
        } else {
            if mechanismOption != nil { throw ValidationError("--mechanism applies to --privacy distributed only") }
            if bitsOption != nil { throw ValidationError("--bits applies to --privacy distributed only") }
        }
        if dataset != .synthetic {
            let given = [("--dimension", dimensionOption != nil), ("--records-per-client", recordsPerClientOption != nil),
                         ("--label-skew", labelSkewOption != nil)]
            if let (flag, _) = given.first(where: { $0.1 }) {
                throw ValidationError("\(flag) applies to --dataset synthetic only (\(dataset.rawValue) has its own records and features)")
            }
        }
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
        case .csv:
            participants = try csvData.clients(seed: splitSeed, isPrivate: privacy != .none, limit: clients)
        }
        // Before the sites exchange anything (standardization below): a non-private run may
        // not touch records whose budget a ledger in the folder tracks.
        if privacy == .none, let ledgerFolder {
            do { try FederatedTraining.refuseNonPrivateRun(on: participants, trackedIn: ledgerFolder) } catch let error as FedAvgError {
                if case .invalidParameter(_, let reason) = error { throw FileAccessError("--privacy none: \(reason)") }
                throw error
            }
        }
        let chosen = try AggregatorFactory.make(aggregator, seed: seed, sites: participants.count, threshold: threshold)
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
        case .distributed:
            // validate() makes sure the mechanism is given.
            mode = .distributed(mechanism: mechanismOption ?? .discreteGaussian, bits: bits, clipNorm: clipNorm, noiseMultiplier: noiseMultiplier)
        }
        var settings = TrainingConfiguration(
            rounds: rounds,
            localTraining: try LocalTraining(steps: localSteps, samplingRate: samplingRate, learningRate: learningRate),
            privacy: mode, budget: mode == .none ? nil : .init(epsilon: epsilonBudget, delta: delta), ledgerDirectory: ledgerFolder,
            model: model == .mlp ? .multilayerPerceptron(hiddenUnits: hiddenUnits) : .logisticRegression, seed: seed)
        settings.accountant = accountant
        let interrupt = try resumeOptions.configure(&settings, settings: checkpointSettings, output: output)
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
            if interrupt.isSet { throw ExitCode(TrainResumeOptions.interruptedStatus) }
            return
        }
        var lines = [String(format: "Final accuracy %.3f after %d rounds (%@, %@).", report.finalAccuracy, report.rounds.count,
                            report.privacy as NSString, report.aggregator as NSString)]
        if let budget = report.epsilonBudget {
            lines.append(String(format: "ε spent %.3f of %@ at δ = %@ (record level, largest over the sites; %@ accountant).", report.epsilon, formatInput(budget) as NSString, formatInput(delta) as NSString, (report.accountant ?? accountant.rawValue).uppercased() as NSString))
            if let client = report.clientLevelEpsilon {
                lines.append(String(format: "Client-level ε %.3f of %@ (server ledger).", client, formatInput(budget) as NSString))
            }
            if let central = report.centralGaussianEpsilon {
                lines.append(String(format: "A central Gaussian with the same total noise: ε %.3f over this run's rounds.", central))
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
        if interrupt.isSet { throw ExitCode(TrainResumeOptions.interruptedStatus) }
    }

    /// Every option that shapes the run except --rounds (a resumed run may go further) and
    /// the output ones: a checkpoint is only continued by the run that wrote it.
    var checkpointSettings: String {
        [
            "dataset=\(dataset.rawValue)", "data=\(csvData.data ?? "")", "schema=\(csvData.schema ?? "")", "clients=\(clients.map(String.init) ?? "")",
            "model=\(model.rawValue)", "hidden-units=\(hiddenUnits)", "aggregator=\(aggregator.rawValue)", "privacy=\(privacy.rawValue)",
            "epsilon-budget=\(epsilonBudget)", "delta=\(delta)", "seed=\(seed.map(String.init) ?? "")", "local-steps=\(localSteps)",
            "sampling-rate=\(samplingRate)", "learning-rate=\(learningRate)", "noise-multiplier=\(noiseMultiplier)", "clip-norm=\(clipNorm)",
            "client-rate=\(clientRate)", "accountant=\(accountant.rawValue)", "threshold=\(threshold.map(String.init) ?? "")", "dimension=\(dimension)", "records-per-client=\(recordsPerClient)", "label-skew=\(labelSkew)",
        ].joined(separator: " ") + (privacy == .distributed ? " mechanism=\(mechanismOption?.rawValue ?? "") bits=\(bits)" : "")
    }
}
