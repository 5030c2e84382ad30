import DifferentialPrivacy
import Foundation
internal import ParallelWork
import PrivacyAccounting
import Sodium
#if canImport(Glibc)
import Glibc
/// `RLIMIT_NOFILE` as getrlimit takes it (an enum type on Glibc, an Int32 on Darwin).
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#elseif canImport(Darwin)
import Darwin
private let RLIMIT_NOFILE_VALUE = RLIMIT_NOFILE
#endif

/// The FedAvg loop: broadcast the model, train locally, aggregate weighted updates, evaluate,
/// account for privacy — round after round until the rounds or the budget run out.
public enum FederatedTraining {
    /// Runs federated training.
    ///
    /// Clients only ever hand the loop what ``SiteClient`` returns (updates, which go
    /// straight into `aggregator`, and their own evaluation counts). Before a private round,
    /// every ledger involved is asked whether the round's event fits; if one would exceed its
    /// budget, training stops and ``TrainingRun/stopReason`` says so (a run stopped before
    /// its first round trained nothing: ``TrainingRun/trainedNothing``).
    ///
    /// One person's records, one budget: every private mode charges each site's own ledger
    /// (`<site>.ledger`) with a record-level event before the site's update leaves it
    /// (`PrivacyMode.siteEvent(localTraining:)`), so DP-SGD, local and central runs on one
    /// ledger folder all spend from the same per-site budgets. The central mode also keeps
    /// the server's client-level ledger (`server.ledger`). Every ledger is held open and
    /// locked for the whole run, one file descriptor each, so a private run takes at most
    /// ``maximumLedgers`` clients.
    ///
    /// - Parameters:
    ///   - clients: standardized clients with equal feature counts.
    ///   - configuration: rounds, local training, privacy mode, budget, ledger folder, model, seed.
    ///   - aggregator: how the clients' updates are summed.
    ///   - progress: called after every round.
    /// - Throws: ``FedAvgError`` for bad configurations or failed aggregations;
    ///   `PrivacyAccountingError` for ledger failures.
    public static func run(
        clients: [SiteClient], configuration: TrainingConfiguration, aggregator: any Aggregator,
        progress: (@Sendable (RoundRecord) -> Void)? = nil
    ) async throws -> TrainingRun {
        guard let first = clients.first else { throw FedAvgError.invalidParameter(name: "clients", reason: "at least one client is needed") }
        guard clients.allSatisfy({ $0.featureCount == first.featureCount }) else {
            throw FedAvgError.invalidParameter(name: "clients", reason: "clients differ in feature count")
        }
        guard configuration.rounds >= 1 else {
            throw FedAvgError.invalidParameter(name: "rounds", reason: "must be at least 1, got \(configuration.rounds)")
        }
        guard configuration.updateBound.isFinite, configuration.updateBound > 0 else {
            throw FedAvgError.invalidParameter(name: "updateBound", reason: "must be finite and > 0, got \(configuration.updateBound)")
        }
        guard let largest = clients.map(\.trainingCount).max(), largest <= configuration.maximumClientRecords else {
            throw FedAvgError.invalidParameter(name: "maximumClientRecords", reason: "a client holds more training records than the public bound")
        }
        let privacy = configuration.privacy
        try privacy.validate()
        var local = configuration.localTraining
        if case .dpSGD(let clip, let sigma) = privacy { local.dpSGD = .init(clipNorm: clip, noiseMultiplier: sigma) } else { local.dpSGD = nil }

        // The model is built before any ledger file is created, so a bad architecture leaves nothing behind.
        let randomness = RunRandomness(seed: configuration.seed)
        var sampler = randomness.generator { $0 ^ 0xC11E_4715 }
        var initializer = randomness.generator { $0 ^ 0x4D0D_E115 }
        var model = try configuration.model.makeModel(featureCount: first.featureCount, l2Penalty: configuration.l2Penalty, using: &initializer)
        if let checkpoint = configuration.resumeFrom {
            guard checkpoint.version == TrainingCheckpoint.currentVersion, checkpoint.architecture == configuration.model,
                  checkpoint.featureCount == first.featureCount, checkpoint.parameters.count == model.parameters.count,
                  checkpoint.parameters.allSatisfy(\.isFinite), checkpoint.rounds.count == checkpoint.completedRounds else {
                throw FedAvgError.invalidParameter(name: "resumeFrom", reason: "the checkpoint does not fit this run's model and data")
            }
            guard checkpoint.settings == configuration.checkpointSettings else {
                throw FedAvgError.invalidParameter(
                    name: "resumeFrom", reason: "the checkpoint was written by a run with other settings (\(checkpoint.settings))")
            }
            guard checkpoint.completedRounds < configuration.rounds else {
                throw FedAvgError.invalidParameter(
                    name: "resumeFrom", reason: "the checkpoint already holds \(checkpoint.completedRounds) of \(configuration.rounds) rounds")
            }
            model.setParameters(checkpoint.parameters)
        }
        // The distributed mode's pipeline needs the model's dimension; set up (and a plain or
        // Paillier aggregator refused) before any ledger exists.
        let distributed = try distributedSetup(privacy: privacy, aggregator: aggregator, clients: clients.count, dimension: model.parameters.count)
        let aggregator: any Aggregator = distributed?.aggregator ?? aggregator
        let ledgers = try openLedgers(for: clients, configuration: configuration)
        let siteEvent = distributed?.siteEvent ?? privacy.siteEvent(localTraining: local)
        let serverEvent = privacy.serverEvent
        var records: [RoundRecord] = configuration.resumeFrom?.rounds ?? []
        var stopReason: String?
        // Without differential privacy there is no finite guarantee: ε is infinite, not 0.
        // A reopened ledger may already hold spends from earlier runs.
        var epsilon = privacy == .none ? Double.infinity : try await maximumSpent(ledgers.sites)
        var clientEpsilon = await ledgers.server?.spent.epsilon
        let clock = ContinuousClock()

        for round in (records.count + 1)...configuration.rounds {
            let started = clock.now
            // Every site must be able to pay for the round before it starts (any site may be
            // sampled), and so must the server's client-level ledger.
            if privacy != .none, let refusal = try await refusal(ledgers: ledgers, siteEvent: siteEvent, serverEvent: serverEvent, round: round) {
                stopReason = refusal
                break
            }
            var participants = Array(clients.indices)
            if case .central(_, _, let rate) = privacy {
                participants = sampleClients(count: clients.count, rate: rate, using: &sampler)
            }
            // Charged before any update leaves its site. In the central mode only the sampled
            // sites send their update (the others send zeros, which reveal nothing of their
            // records), so only they are charged.
            if privacy != .none {
                let label = privacy.isCentral ? "round \(round) (central, record level)" : "round \(round)"
                for index in participants { try await ledgers.sites[index].spend(siteEvent, label: label) }
                if let server = ledgers.server, let serverEvent {
                    clientEpsilon = try await server.spend(serverEvent, label: "round \(round) (central, client level)").epsilon
                }
                epsilon = try await maximumSpent(ledgers.sites)
            }

            // Local training and aggregation are CPU-bound: they run on a thread of their own so
            // this task never holds a cooperative thread through them (see `Parallel`).
            let update = try await Parallel.offPool { [model, participants, local] in
                try aggregateRound(
                    clients: clients, participants: participants, model: model, local: local,
                    configuration: configuration, randomness: randomness, aggregator: aggregator, round: round)
            }
            model.apply(update.mean)

            let evaluations = clients.map { $0.evaluate(model) }
            let testCount = Double(max(evaluations.reduce(0) { $0 + $1.count }, 1))
            let modelBytes = Double(8 * model.parameters.count)
            var record = RoundRecord(
                round: round, accuracy: Double(evaluations.reduce(0) { $0 + $1.correct }) / testCount,
                siteAccuracies: Dictionary(uniqueKeysWithValues: evaluations.map { ($0.site, $0.accuracy) }),
                loss: evaluations.reduce(0) { $0 + $1.loss } / testCount, epsilon: epsilon,
                participants: privacy.isCentral ? clients.count : participants.count,
                uploadBytes: update.outcome?.uploadBytesPerClient ?? 0,
                downloadBytes: modelBytes + (update.outcome?.downloadBytesPerClient ?? 0),
                clientCryptoSeconds: update.outcome?.clientCryptoSeconds ?? 0,
                serverCryptoSeconds: update.outcome?.serverCryptoSeconds ?? 0,
                wallSeconds: (clock.now - started).seconds, aggregationErrorBound: update.outcome?.errorBound ?? 0)
            if let distributed, let delta = configuration.budget?.delta {
                // This run's rounds only (a reopened ledger's earlier spends are not in it).
                record.centralGaussianEpsilon = try configuration.accountant.makeAccountant()
                    .composing(distributed.centralComparison, count: round).epsilon(delta: delta).epsilon
            }
            records.append(record)
            // Saved before the progress report, so whatever the caller shows has a checkpoint.
            try configuration.saveCheckpoint?(TrainingCheckpoint(settings: configuration.checkpointSettings, model: model, rounds: records))
            progress?(record)
            if round < configuration.rounds, configuration.shouldStop?() == true {
                stopReason = "interrupted after round \(round) of \(configuration.rounds)"
                break
            }
        }
        // Released now, not whenever the actors are deinitialized: a caller may open the same
        // ledgers right after this returns (a second run on the same folder).
        for ledger in ledgers.all { await ledger.close() }
        return TrainingRun(
            rounds: records, model: model, siteEvaluations: clients.map { $0.evaluate(model) }, stopReason: stopReason,
            epsilon: epsilon, privacy: privacy, budget: configuration.budget, aggregator: aggregator.name,
            ledgerPaths: ledgers.all.map(\.path), clientLevelEpsilon: clientEpsilon,
            accountant: privacy == .none ? nil : configuration.accountant)
    }

    /// The random stream of one client's local training in one round (its batch sampling and
    /// DP-SGD noise): derived from `seed` when there is one, so that a site trained elsewhere
    /// (a Flower node) with the same seed, round and client index draws exactly what this
    /// loop draws; a fresh CSPRNG key otherwise.
    ///
    /// - Parameters:
    ///   - seed: the run's seed, or nil.
    ///   - round: the round, from 1.
    ///   - index: the client's position in the run's client list.
    public static func localTrainingGenerator(seed: UInt64?, round: Int, client index: Int) -> ChaChaRandom {
        RunRandomness(seed: seed).generator { $0 &+ UInt64(round) &* 0x1_0000 &+ UInt64(index) &* 0x9E37_79B9 }
    }

    /// The most clients a private run takes: each keeps its privacy ledger open and locked
    /// (one file descriptor) for the whole run, so that no other run can spend from it
    /// meanwhile. A larger simulation would exhaust the process's file descriptors.
    public static let maximumLedgers = 1_000

    /// The ledgers of one run: one per site (indexed like the clients) and, in the central
    /// mode, the server's client-level one.
    struct RunLedgers {
        var sites: [PrivacyLedger] = []
        var server: PrivacyLedger?

        var all: [PrivacyLedger] { sites + (server.map { [$0] } ?? []) }
    }

    /// One round's aggregated mean update and the aggregation's cost.
    private static func aggregateRound(
        clients: [SiteClient], participants: [Int], model: FederatedModel, local: LocalTraining,
        configuration: TrainingConfiguration, randomness: RunRandomness, aggregator: any Aggregator, round: Int
    ) throws -> (mean: [Double], outcome: AggregationOutcome?) {
        let dimension = model.parameters.count
        var contributions: [[Double]] = []
        if case .central = configuration.privacy {
            // Every client sends; the unsampled ones send zeros. The aggregation then never
            // runs short of clients, and neither the aggregate's shape nor the traffic tells
            // who (or how many) were sampled: the amplification the ledger counts on.
            let sampled = Set(participants)
            for index in clients.indices where !sampled.contains(index) {
                contributions.append([Double](repeating: 0, count: dimension + 1))
            }
        }
        for index in participants {
            contributions.append(try siteContribution(
                client: clients[index], index: index, model: model, local: local, configuration: configuration,
                randomness: randomness, round: round))
        }
        var sum = [Double](repeating: 0, count: dimension + 1)
        var outcome: AggregationOutcome?
        if !contributions.isEmpty {
            let bound = aggregationBound(configuration)
            let result = try aggregator.sum(contributions, bound: bound, round: UInt64(round))
            sum = result.sum
            outcome = result
        }
        if case .central = configuration.privacy {
            let mean = try centralMean(
                sum: sum, dimension: dimension, privacy: configuration.privacy, errorBound: outcome?.errorBound ?? 0,
                contributors: contributions.count, clientCount: clients.count, randomness: randomness, round: round)
            return (mean, outcome)
        }
        if case .distributed = configuration.privacy {
            // Every client sends in every round: the mean over the (public) client count.
            return ((0..<dimension).map { sum[$0] / Double(clients.count) }, outcome)
        }
        return (meanUpdate(sum: sum, dimension: dimension, privacy: configuration.privacy, participants: participants.count), outcome)
    }

    /// The central mode's server step: Gaussian noise sized for the client-level sensitivity
    /// added to the first `dimension` entries of `sum`, then the fixed denominator q·N that
    /// keeps the sensitivity known. The noise stream is derived from the run's seed and the
    /// round (or freshly keyed), so a coordinator with the run's seed draws what this loop draws.
    ///
    /// - Parameters:
    ///   - sum: the aggregated contributions (`dimension` or more entries).
    ///   - errorBound: the aggregator's per-entry error bound of the sum (0 when exact).
    ///   - contributors: how many contributions the sum holds (sampled or zeros).
    ///   - clientCount: N, the run's clients.
    static func centralMean(
        sum: [Double], dimension: Int, privacy: PrivacyMode, errorBound: Double, contributors: Int, clientCount: Int,
        randomness: RunRandomness, round: Int
    ) throws -> [Double] {
        guard case .central(let clip, let sigma, let rate) = privacy else {
            throw FedAvgError.invalidParameter(name: "privacy", reason: "the server's noise is the central mode's, not \(privacy.name)'s")
        }
        // The server's noise, and the fixed denominator q·N that keeps the sensitivity known.
        var generator = randomness.generator { $0 &+ UInt64(round) &* 0x1_0000 &+ 0xFFFF }
        var noisy = Array(sum[0..<dimension])
        let sensitivity = centralSensitivity(clipNorm: clip, errorBound: errorBound, contributors: contributors, dimension: dimension)
        try GaussianNoise(noiseMultiplier: sigma, clipNorm: sensitivity, dimension: dimension).addNoise(to: &noisy, using: &generator)
        let denominator = rate * Double(clientCount)
        return noisy.map { $0 / denominator }
    }

    /// The central mode's client sampling of one round: each of `count` clients independently
    /// with probability `rate`, one draw per client in index order.
    static func sampleClients(count: Int, rate: Double, using sampler: inout ChaChaRandom) -> [Int] {
        (0..<count).filter { _ in unitInterval(&sampler) < rate }
    }

    /// The server's FedAvg step from the summed contributions in the modes without server
    /// noise (none, DP-SGD: weighted by the record counts in the last column; local: the
    /// unweighted mean over the participants).
    static func meanUpdate(sum: [Double], dimension: Int, privacy: PrivacyMode, participants: Int) -> [Double] {
        if case .local = privacy {
            // Unweighted: the mean over the (public) number of participants.
            let count = Double(max(participants, 1))
            return (0..<dimension).map { sum[$0] / count }
        }
        let totalWeight = sum[dimension]
        guard totalWeight > 0.5 else { return [Double](repeating: 0, count: dimension) }
        return (0..<dimension).map { sum[$0] / totalWeight }
    }

    /// The public bound on every entry of a contribution, which quantizing aggregators size
    /// their grid with.
    static func aggregationBound(_ configuration: TrainingConfiguration) -> Double {
        switch configuration.privacy {
        case .central, .local, .distributed: return configuration.updateBound
        case .none, .dpSGD: return configuration.updateBound * Double(configuration.maximumClientRecords)
        }
    }

    /// What one site hands its aggregator in one round, computed at the site from its own
    /// records: its local update, checked, clipped and (by mode) weighted or noised. The
    /// in-process loop and the federation's site node both call this, so the two transports
    /// train and encode alike.
    static func siteContribution(
        client: SiteClient, index: Int, model: FederatedModel, local: LocalTraining, configuration: TrainingConfiguration,
        randomness: RunRandomness, round: Int
    ) throws -> [Double] {
        let dimension = model.parameters.count
        var generator = randomness.generator { $0 &+ UInt64(round) &* 0x1_0000 &+ UInt64(index) &* 0x9E37_79B9 }
        var delta = try client.localUpdate(from: model, training: local, using: &generator)
        // Before any clipping: clipping would turn ±∞ into a full-size update and let
        // NaN through, where the aggregators' shared check refuses both.
        if let entry = delta.firstIndex(where: { !$0.isFinite }) {
            throw FedAvgError.nonFiniteContribution(client: index, index: entry)
        }
        switch configuration.privacy {
        case .none, .dpSGD:
            clipCoordinates(&delta, to: configuration.updateBound)
            let weight = Double(client.trainingCount)
            return delta.map { $0 * weight } + [weight]
        case .local(let clip, let sigma):
            // A local release must hide the whole update: any two clipped updates lie up
            // to 2S apart. The record count is the client's data too, so it is not sent.
            clipNorm(&delta, to: clip)
            try PrivacyMode.localNoise(clipNorm: clip, noiseMultiplier: sigma, dimension: dimension).addNoise(to: &delta, using: &generator)
            clipCoordinates(&delta, to: configuration.updateBound)
            return delta + [0]
        case .central(let clip, _, _):
            // The weight column stays 0 here: the sum must not count the sampled clients.
            clipNorm(&delta, to: clip)
            clipCoordinates(&delta, to: configuration.updateBound)
            return delta + [0]
        case .distributed(_, _, let clip, _):
            // Unweighted and without a weight column: the pipeline encodes exactly the
            // model's entries (and clips them in L2 itself, after the rotation).
            clipNorm(&delta, to: clip)
            return delta
        }
    }

    /// What the distributed mode runs with.
    struct DistributedSetup {
        /// The pipeline over the caller's secure aggregation protocol.
        let aggregator: DistributedDPAggregator
        /// The record-level event each site's ledger is charged per round.
        let siteEvent: PrivacyEvent
        /// The record-level event of a central Gaussian with the same total noise.
        let centralComparison: PrivacyEvent
    }

    /// Sets up the distributed mode (nil in the other modes).
    ///
    /// Parameters: each client adds σ = z·S/√t (z the mode's noise multiplier, S its clip,
    /// t the protocol's threshold), so the t clients whose inputs the unmasked sum is
    /// guaranteed to hold carry z·S between them; the grid step γ is TFF's heuristic
    /// (`DistributedDP.gamma(setting:localStddev:)`): k standard deviations of the noisy,
    /// quantized sum of all n clients fill 2^bits, or coarser where the exact samplers'
    /// ranges end (σ ≤ 2^10 grid units; for Skellam μ ≤ 2^19, the same σ = √(2μ) = 2^10).
    ///
    /// Site event: the pipeline's round event for t clients (`DistributedDPAggregator.roundEvent(clients:)`)
    /// with its L2 and L1 sensitivities doubled. The round event bounds one client's rounded
    /// vector by Δ₂ (conditional rounding enforces it on every release) and Δ₁; a record
    /// added, removed or replaced changes the site's update arbitrarily within the clip, so
    /// the two rounded vectors, each within those norms, differ by at most 2Δ₂ and 2Δ₁ (the
    /// same reasoning as the central mode's σ/2 in `PrivacyMode.siteEvent(localTraining:)`).
    /// The other sites' encodings do not depend on this site's records, the rounding draws
    /// are data-independent (joint quasi-convexity of Rényi divergence covers the mixture),
    /// and the broadcast model is post-processing of earlier rounds.
    ///
    /// Comparison: a Gaussian of multiplier √t·σ/S (the same total noise, σ the noise the
    /// samplers actually draw), halved for one record as in the central mode.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` named `aggregator` for an
    ///   aggregator other than SecAgg or SecAgg+, or named `bits` when the bit width cannot
    ///   hold the sum (the parameter choice's own error in the reason).
    static func distributedSetup(privacy: PrivacyMode, aggregator: any Aggregator, clients: Int, dimension: Int) throws -> DistributedSetup? {
        guard case .distributed(let mechanism, let bits, let clip, let multiplier) = privacy else { return nil }
        guard let secure = aggregator as? SecureAggregator else {
            throw FedAvgError.invalidParameter(
                name: "aggregator",
                reason: "the distributed mode needs secure aggregation (secagg or secagg+): each client adds only a share of the noise, so any aggregator that lets the server see single updates (\(aggregator.name)) would release them almost unprotected")
        }
        guard clients >= 2 else {
            throw FedAvgError.invalidParameter(name: "clients", reason: "the distributed mode needs at least 2 clients, got \(clients)")
        }
        let threshold = secure.threshold(clients: clients)
        let setting = DistributedDPSetting(
            mechanism: mechanism, bits: bits, clients: clients, minimumClients: threshold, dimension: dimension, clip: clip,
            delta: 1e-5, rounds: 1, clientRate: 1)
        let sigma = multiplier * clip / Double(threshold).squareRoot()
        do {
            // The exact samplers take at most σ = 2^10 grid units (DDG, at 1/1024 resolution);
            // Skellam stops at the same deviation, μ = 2^19 (the Poisson sampler takes μ ≤ 2^36
            // in time O(√μ), about 10 µs a draw at 2^19 in a release build), so the two
            // mechanisms share one grid. Where the bits would allow a finer grid (few clients,
            // many bits), the grid stops there: the sum then fits the range with room to
            // spare, and more bits change nothing.
            let largestGridDeviation = 0.999 * 1024
            let scale = min(1 / (try DistributedDP.gamma(setting: setting, localStddev: sigma)), largestGridDeviation / sigma)
            let localNoise = mechanism == .discreteGaussian ? sigma * scale : (sigma * scale) * (sigma * scale) / 2
            let pipeline = try DistributedDPPipeline(
                mechanism: mechanism, bits: bits, dimension: dimension, clip: clip, scale: scale, beta: setting.beta, localNoise: localNoise)
            let distributed = try DistributedDPAggregator(variant: secure.variant, pipeline: pipeline, seed: secure.seed)
            let siteEvent: PrivacyEvent
            switch try distributed.roundEvent(clients: clients) {
            case .distributedDiscreteGaussian(let local, let count, let padded, let l1, let l2):
                siteEvent = .distributedDiscreteGaussian(localSigma: local, clients: count, dimension: padded, l1Sensitivity: 2 * l1, l2Sensitivity: 2 * l2)
            case .distributedSkellam(let mu, let count, let l1, let l2):
                siteEvent = .distributedSkellam(localMu: mu, clients: count, l1Sensitivity: 2 * l1, l2Sensitivity: 2 * l2)
            case let other:
                preconditionFailure("a distributed pipeline's round event is distributed, got \(other)")
            }
            // The samplers round σ and μ to multiples of 1/1024: compare with what they draw.
            let drawn = (mechanism == .discreteGaussian ? pipeline.localNoise : (2 * pipeline.localNoise).squareRoot()) / scale
            let central = Double(threshold).squareRoot() * drawn / clip
            return DistributedSetup(aggregator: distributed, siteEvent: siteEvent, centralComparison: .gaussian(noiseMultiplier: central / 2))
        } catch let error as DistributedDPError {
            throw FedAvgError.invalidParameter(name: "bits", reason: error.description)
        } catch let error as DistributedDPPipelineError {
            throw FedAvgError.invalidParameter(name: "bits", reason: error.description)
        } catch let error as PrivacyAccountingError {
            throw FedAvgError.invalidParameter(name: "noiseMultiplier", reason: error.description)
        }
    }

    /// The L2 sensitivity of the aggregated sum to one client in the central mode: its clipped
    /// update (norm ≤ S) after the aggregator's quantization, which moves each of the d
    /// entries by at most one grid step (the outcome's error bound over the contributors).
    static func centralSensitivity(clipNorm: Double, errorBound: Double, contributors: Int, dimension: Int) -> Double {
        guard contributors > 0, errorBound > 0 else { return clipNorm }
        return clipNorm + errorBound / Double(contributors) * Double(dimension).squareRoot()
    }

    private static func clipCoordinates(_ vector: inout [Double], to bound: Double) {
        for index in vector.indices { vector[index] = min(max(vector[index], -bound), bound) }
    }

    private static func clipNorm(_ vector: inout [Double], to bound: Double) {
        let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > bound { for index in vector.indices { vector[index] *= bound / norm } }
    }

    /// Opens (or creates) every ledger of the run before anything is trained. If one cannot
    /// be opened (held by another run, another budget, damaged), the ledgers this call
    /// created, still without a spend, are removed again and the error is thrown; ledgers
    /// that existed before are never removed.
    private static func openLedgers(for clients: [SiteClient], configuration: TrainingConfiguration) throws -> RunLedgers {
        if case .none = configuration.privacy {
            if let directory = configuration.ledgerDirectory { try refuseNonPrivateRun(on: clients, trackedIn: directory) }
            return RunLedgers()
        }
        guard let budget = configuration.budget else {
            throw FedAvgError.invalidParameter(name: "budget", reason: "a private run needs an (ε, δ) budget")
        }
        let central = configuration.privacy.isCentral
        let count = clients.count + (central ? 1 : 0)
        guard clients.count <= maximumLedgers else {
            throw FedAvgError.invalidParameter(
                name: "clients",
                reason: "a private run keeps one ledger per client open and locked; at most \(maximumLedgers) clients, got \(clients.count)")
        }
        guard Set(clients.map(\.name)).count == clients.count, !(central && clients.contains { $0.name == "server" }) else {
            throw FedAvgError.invalidParameter(
                name: "clients", reason: "client names must be distinct (and not \"server\" in the central mode): each names its privacy ledger")
        }
        try reserveFileDescriptors(count)
        let directory = configuration.ledgerDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("privagg-ledgers-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var ledgers = RunLedgers()
        var created: [PrivacyLedger] = []
        do {
            for client in clients {
                let (ledger, isNew) = try openOrCreateLedger(
                    at: directory + "/\(client.name).ledger", budget: budget, accountant: configuration.accountant,
                    reopen: configuration.reopensExistingLedgers)
                ledgers.sites.append(ledger)
                if isNew { created.append(ledger) }
            }
            if central {
                let (ledger, isNew) = try openOrCreateLedger(
                    at: directory + "/server.ledger", budget: budget, accountant: configuration.accountant,
                    reopen: configuration.reopensExistingLedgers)
                ledgers.server = ledger
                if isNew { created.append(ledger) }
            }
        } catch {
            // Ours alone, created in this call and still locked by it, with no spend.
            for ledger in created { unlink(ledger.path) }
            throw error
        }
        return ledgers
    }

    /// A run without differential privacy reveals its sites' records without any bound, so no
    /// ledger can be charged for it: it may not run on sites whose budget a ledger in
    /// `directory` tracks (that would void the guarantee the ledger accounts for).
    ///
    /// - Parameters:
    ///   - clients: the sites the run would train on.
    ///   - directory: the ledger folder the run was given.
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` named `privacy` if a ledger
    ///   named after one of the sites is there.
    public static func refuseNonPrivateRun(on clients: [SiteClient], trackedIn directory: String) throws {
        let tracked = clients.map { (directory as NSString).appendingPathComponent("\($0.name).ledger") }
            .filter { FileManager.default.fileExists(atPath: $0) }
        guard tracked.isEmpty else {
            throw FedAvgError.invalidParameter(
                name: "privacy",
                reason: "a run without differential privacy would release the records of sites whose budgets ledgers track (\(tracked.joined(separator: ", "))) with no bound, voiding them; use a private mode or another ledger folder")
        }
    }

    /// Makes sure `count` ledgers can be held open at once (raising the soft limit on open
    /// files up to the hard one if needed), so a run never fails halfway through creating them.
    private static func reserveFileDescriptors(_ count: Int) throws {
        let needed = rlim_t(count + 64)  // standard streams, resources, sockets of the aggregators
        var limit = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0, limit.rlim_cur < needed else { return }
        var raised = limit
        raised.rlim_cur = min(limit.rlim_max, needed)
        if setrlimit(RLIMIT_NOFILE_VALUE, &raised) == 0, raised.rlim_cur >= needed { return }
        throw FedAvgError.invalidParameter(
            name: "clients",
            reason: "\(count) ledgers stay open (one file each) but this process may open only \(limit.rlim_max) files; raise `ulimit -n` or use fewer clients")
    }

    /// A ledger left by an earlier run is reopened, so its spends count against this run
    /// (``PrivacyLedger/openOrCreate(at:budget:accountant:)``: same budget and accountant
    /// required). Returns the ledger and whether this call created it; with `reopen` false an
    /// existing ledger is an error (the creation's `EEXIST`).
    private static func openOrCreateLedger(
        at path: String, budget: PrivacyLedger.Budget, accountant: AccountantKind, reopen: Bool
    ) throws -> (PrivacyLedger, Bool) {
        guard reopen else { return (try PrivacyLedger(creatingAt: path, budget: budget, accountant: accountant), true) }
        do {
            let opened = try PrivacyLedger.openOrCreate(at: path, budget: budget, accountant: accountant)
            return (opened.ledger, opened.created)
        } catch let error as PrivacyAccountingError {
            guard case .ledgerSettingsMismatch(_, let setting, _, _) = error else { throw error }
            throw FedAvgError.invalidParameter(name: setting.rawValue, reason: error.description)
        }
    }

    /// Why the next round may not run, if a ledger cannot pay for it.
    private static func refusal(ledgers: RunLedgers, siteEvent: PrivacyEvent, serverEvent: PrivacyEvent?, round: Int) async throws -> String? {
        var charges = ledgers.sites.map { ($0, siteEvent) }
        if let server = ledgers.server, let serverEvent { charges.append((server, serverEvent)) }
        for (ledger, event) in charges {
            let projected = try await ledger.projected(event).epsilon
            if projected > ledger.budget.epsilon {
                let spent = await ledger.spent.epsilon
                let name = URL(fileURLWithPath: ledger.path).deletingPathExtension().lastPathComponent
                if round == 1 {
                    return String(
                        format: "privacy budget exhausted before the first round: one round would bring %@ from ε = %.3f to ε = %.3f > %.3f (δ = %g); nothing was trained",
                        name, spent, projected, ledger.budget.epsilon, ledger.budget.delta)
                }
                return String(
                    format: "privacy budget reached: round %d would bring %@ from ε = %.3f to ε = %.3f > %.3f (δ = %g); stopped after %d rounds",
                    round, name, spent, projected, ledger.budget.epsilon, ledger.budget.delta, round - 1)
            }
        }
        return nil
    }

    private static func maximumSpent(_ ledgers: [PrivacyLedger]) async throws -> Double {
        var largest = 0.0
        for ledger in ledgers { largest = max(largest, await ledger.spent.epsilon) }
        return largest
    }
}

/// Where a run's sampling, noise and initialization come from: streams derived from the
/// configuration's seed (reproducible, and predictable by anyone who knows it), or, without
/// a seed, a fresh CSPRNG key for every stream.
struct RunRandomness: Sendable {
    let seed: UInt64?

    /// The stream of one use: `derive` maps the run's seed to that use's own seed.
    func generator(_ derive: (UInt64) -> UInt64) -> ChaChaRandom {
        guard let seed else { return .freshlyKeyed() }
        return ChaChaRandom(seed: derive(seed))
    }
}
