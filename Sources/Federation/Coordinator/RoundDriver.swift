import FedAvg
import Foundation
import Logging
import SecureAggregation
import Sodium

/// Runs the rounds of one federation over the hub's sessions. One task drives everything;
/// the gRPC handlers only queue messages, so no site can block another.
struct RoundDriver {
    let configuration: FederationCoordinator.Configuration
    let hub: CoordinatorHub
    let logger: Logger
    private var settings: RunSettings { configuration.settings }
    private var names: [String] { configuration.sites }
    /// Sessions that hold the standardization (a site that reconnects gets it again).
    private var standardizedSessions: Set<Int> = []
    private var statistics: [Double] = []
    /// SecAgg's authenticated mode (mutual TLS with a secure aggregator): the CA and the run's
    /// session id every site binds its key for; nil otherwise.
    var authentication: KeyBindingSession?

    init(configuration: FederationCoordinator.Configuration, hub: CoordinatorHub, logger: Logger) {
        self.configuration = configuration
        self.hub = hub
        self.logger = logger
    }

    /// The whole run.
    mutating func run(progress: @Sendable (FederationRoundRecord) -> Void) async throws -> FederationRun {
        await hub.waitForAll(until: .now + configuration.joinTimeout)
        let connected = await hub.connected
        guard connected.count == names.count else {
            let present = Set(connected.map(\.index))
            let missing = names.indices.filter { !present.contains($0) }.map { names[$0] }
            throw FederationError.notEnoughSites(available: connected.count, needed: names.count)
                .withContext("sites missing after the join timeout: \(missing.joined(separator: ", "))")
        }
        var featureCount: Int?
        for (index, _) in connected {
            guard let join = await hub.join(of: index) else { continue }
            let features = Int(join.featureCount)
            if let featureCount, featureCount != features {
                throw FederationError.siteRefused(site: names[index], reason: "\(features) features, the other sites \(featureCount)")
            }
            featureCount = features
            try MessageChecks.trainingRecords(of: join, site: names[index], maximumClientRecords: settings.maximumClientRecords)
        }
        guard let features = featureCount, features >= 1 else { throw FederationError.malformedMessage("no feature count in Join") }

        var records = configuration.resumeFrom?.records ?? []
        var model: FederatedModel
        let firstRound: Int
        do {
            if let checkpoint = configuration.resumeFrom {
                model = try FederatedModel(architecture: settings.model, featureCount: features, l2Penalty: settings.l2Penalty, parameters: checkpoint.parameters)
                statistics = checkpoint.statistics
                firstRound = checkpoint.completedRounds + 1
            } else {
                model = try FederatedRound.initialModel(configuration: settings.trainingConfiguration(seed: configuration.seed), featureCount: features)
                firstRound = 1
            }
        } catch let error as FedAvgError {
            throw FederationError.invalidParameter(name: "model", reason: error.description)
        }
        if settings.standardizes, statistics.isEmpty {
            let record = try await standardize(features: features)
            records.append(record)
            progress(record)
        }

        var stopReason: String?
        var central: CentralRounds?
        if case .central = settings.privacy {
            central = try CentralRounds(
                privacy: settings.privacy, settings: configuration.centralLedger, seed: configuration.seed, siteCount: names.count,
                firstRound: firstRound)
        }
        let dimension = model.parameters.count
        for round in firstRound...settings.rounds {
            let started = ContinuousClock.now
            var sampled: Set<Int>?
            if central != nil {
                if let refusal = try await central!.charge(round: round) {
                    stopReason = refusal
                    logger.warning("run stopped", metadata: ["reason": "\(refusal)"])
                    break
                }
                sampled = central!.sample()
            }
            let before = await hub.byteCounts
            try await sendStandardization()
            let participants = await hub.connected.map(\.index)
            var record = FederationRoundRecord(
                round: round, participants: participants.map { names[$0] }, included: [], dropouts: [:], abandoned: false,
                abandonReason: nil, accuracy: nil, loss: nil, stageSeconds: [], bytesUp: [:], bytesDown: [:], errorBound: 0, wallSeconds: 0)
            let minimum = settings.aggregator.isSecure ? 2 : 1
            if participants.count < minimum {
                record.abandoned = true
                record.abandonReason = "\(participants.count) sites connected, \(minimum) needed"
                logger.warning("round abandoned", metadata: ["round": "\(round)", "reason": "\(record.abandonReason!)"])
            } else {
                let modelBytes = FederationProtocol.pack(model.parameters)
                let outcome = await aggregate(
                    round: round, participants: participants, length: settings.privacy.isDistributed ? dimension : dimension + 1,
                    bound: FederatedRound.aggregationBound(configuration: settings.trainingConfiguration(seed: nil)),
                    validate: contributionCheck(dimension: model.parameters.count)
                ) { index, secure in
                    var start = Privagg_Federation_V1_RoundStart()
                    start.round = UInt64(round)
                    start.model = modelBytes
                    if let secure { start.secureAggregation = secure }
                    if let sampled, !sampled.contains(index) { start.notSampled = true }
                    var message = Privagg_Federation_V1_CoordinatorMessage()
                    message.roundStart = start
                    return message
                }
                if let stall = configuration.testStallAfterAggregatingRound, stall == round, let directory = configuration.testDumpDirectory {
                    guard FileManager.default.createFile(atPath: (directory as NSString).appendingPathComponent("stalled-\(round)"), contents: Data()) else {
                        throw FederationError.aborted(reason: "test hook: cannot write the stall marker")
                    }
                    logger.warning("test hook: stalled before committing the round", metadata: ["round": "\(round)"])
                    try await Task.sleep(for: .seconds(3600))
                }
                record.included = outcome.included.map { names[$0] }
                record.dropouts = Dictionary(uniqueKeysWithValues: outcome.dropouts.map { (names[$0.key], $0.value) })
                record.stageSeconds = outcome.stages
                record.errorBound = outcome.errorBound
                if let sum = outcome.sum {
                    if let directory = configuration.testDumpDirectory {
                        let path = (directory as NSString).appendingPathComponent("sum-round-\(round).json")
                        try JSONEncoder().encode(SumDump(included: record.included, sum: sum, errorBound: outcome.errorBound))
                            .write(to: URL(fileURLWithPath: path))
                    }
                    do {
                        let mean: [Double]
                        if central != nil {
                            // Noise on the sum of every contribution (sampled updates and zeros),
                            // drawn from the coordinator's seed as the in-process server draws it.
                            mean = try FederatedRound.centralMean(
                                sum: sum, dimension: dimension, configuration: settings.trainingConfiguration(seed: configuration.seed),
                                errorBound: outcome.errorBound, contributors: outcome.included.count, clientCount: names.count, round: round)
                        } else {
                            mean = try FederatedRound.meanUpdate(
                                sum: sum, dimension: dimension, configuration: settings.trainingConfiguration(seed: nil),
                                participants: outcome.included.count)
                        }
                        model = try model.applying(mean)
                    } catch let error as FedAvgError {
                        record.abandoned = true
                        record.abandonReason = error.description
                    }
                } else {
                    record.abandoned = true
                    record.abandonReason = outcome.abandonReason
                    logger.warning("round abandoned", metadata: ["round": "\(round)", "reason": "\(outcome.abandonReason ?? "")"])
                }
            }
            let evaluationStart = ContinuousClock.now
            let evaluation = await evaluate(model: model, round: round, abandoned: record.abandoned, reason: record.abandonReason, included: record.included)
            record.stageSeconds.append(.init(stage: "Evaluation", seconds: (ContinuousClock.now - evaluationStart).seconds))
            record.accuracy = evaluation.accuracy
            record.loss = evaluation.loss
            (record.bytesUp, record.bytesDown) = await hub.bytes(since: before)
            record.wallSeconds = (ContinuousClock.now - started).seconds
            records.append(record)
            if let path = configuration.checkpointPath {
                try CoordinatorCheckpoint(
                    sites: names, settings: settings, completedRounds: round, parameters: model.parameters, statistics: statistics,
                    records: records
                ).write(to: path)
            }
            logger.info("round done", metadata: [
                "round": "\(round)", "included": "\(record.included.count)", "abandoned": "\(record.abandoned)",
                "accuracy": "\(record.accuracy.map { String(format: "%.4f", $0) } ?? "-")",
            ])
            progress(record)
        }
        if records.last(where: { $0.round > 0 })?.abandoned == true, records.allSatisfy({ $0.round == 0 || $0.abandoned }) {
            stopReason = "every round was abandoned"
        }
        var finished = Privagg_Federation_V1_CoordinatorMessage()
        // The last round run (fewer than asked when the coordinator's budget stopped the run).
        finished.finished.completedRounds = UInt32(records.last { $0.round > 0 }?.round ?? firstRound - 1)
        if let stopReason { finished.finished.stopReason = stopReason }
        for (index, _) in await hub.connected { await hub.send(finished, to: index) }
        var run = FederationRun(
            sites: names, aggregator: settings.aggregator.rawValue, privacy: settings.privacy.name, rounds: settings.rounds,
            records: records, finalModel: model.parameters, model: settings.model.name, stopReason: stopReason, firstRound: firstRound)
        run.secaggAuthenticated = authentication != nil
        if let central {
            run.coordinatorEpsilon = await central.ledger.spent.epsilon
            run.coordinatorLedgerPath = central.ledger.path
        }
        return run
    }

    /// Checks a round contribution: `dimension` update entries within the bound, then the
    /// weight (an integer record count in the weighted modes, 0 in the local mode).
    private func contributionCheck(dimension: Int) -> @Sendable ([Double]) throws -> Void {
        let privacy = settings.privacy, maximum = settings.maximumClientRecords
        return { values in try MessageChecks.weight(of: values, dimension: dimension, privacy: privacy, maximumClientRecords: maximum) }
    }

    // MARK: Standardization

    /// Round 0: the sites' feature statistics summed by the run's aggregator; every site must
    /// take part (they must all standardize alike).
    private mutating func standardize(features: Int) async throws -> FederationRoundRecord {
        let started = ContinuousClock.now
        let before = await hub.byteCounts
        let participants = await hub.connected.map(\.index)
        let length = Standardization.statisticsLength(features: features)
        let outcome = await aggregate(
            round: 0, participants: participants, length: length, bound: FederatedStandardization.statisticsBound, validate: { _ in }
        ) { _, secure in
            var request = Privagg_Federation_V1_StatisticsRequest()
            if let secure { request.secureAggregation = secure }
            var message = Privagg_Federation_V1_CoordinatorMessage()
            message.statisticsRequest = request
            return message
        }
        guard let sum = outcome.sum, outcome.included.count == names.count else {
            throw FederationError.aborted(
                reason: "standardization needs every site; \(outcome.abandonReason ?? "dropped: \(outcome.dropouts.map { "\(names[$0.key]): \($0.value)" }.joined(separator: "; "))")")
        }
        statistics = sum
        logger.info("standardization statistics summed", metadata: ["sites": "\(participants.count)"])
        // Round 0 carries 3·features values per site: its bytes belong in the report like any round's.
        let (bytesUp, bytesDown) = await hub.bytes(since: before)
        return FederationRoundRecord(
            round: 0, participants: participants.map { names[$0] }, included: outcome.included.map { names[$0] },
            dropouts: [:], abandoned: false, abandonReason: nil, accuracy: nil, loss: nil, stageSeconds: outcome.stages,
            bytesUp: bytesUp, bytesDown: bytesDown, errorBound: outcome.errorBound, wallSeconds: (ContinuousClock.now - started).seconds)
    }

    /// Sends the summed statistics to every connected session that has not had them.
    private mutating func sendStandardization() async throws {
        guard settings.standardizes else { return }
        var message = Privagg_Federation_V1_CoordinatorMessage()
        message.statisticsResult.summed = FederationProtocol.pack(statistics)
        for (index, session) in await hub.connected where !standardizedSessions.contains(session) {
            if await hub.send(message, to: index) { standardizedSessions.insert(session) }
        }
    }

    // MARK: Evaluation

    private func evaluate(model: FederatedModel, round: Int, abandoned: Bool, reason: String?, included: [String]) async -> (accuracy: Double?, loss: Double?) {
        var result = Privagg_Federation_V1_RoundResult()
        result.round = UInt64(round)
        result.model = FederationProtocol.pack(model.parameters)
        result.abandoned = abandoned
        result.reason = reason ?? ""
        result.includedSites = included
        var message = Privagg_Federation_V1_CoordinatorMessage()
        message.roundResult = result
        var expected = Set<Int>()
        for (index, _) in await hub.connected where await hub.send(message, to: index) { expected.insert(index) }
        var context = RoundContext(members: expected)
        let replies = await collect(&context, from: expected, stage: "Evaluation") { message -> Privagg_Federation_V1_Evaluation? in
            guard case .evaluation(let evaluation) = message.kind, evaluation.round == UInt64(round) else { return nil }
            try MessageChecks.evaluation(evaluation)
            return evaluation
        }
        let correct = replies.values.reduce(0) { $0 + Double($1.correct) }
        let count = replies.values.reduce(0) { $0 + Double($1.count) }
        guard count > 0 else { return (nil, nil) }
        return (correct / count, replies.values.reduce(0) { $0 + $1.loss } / count)
    }
}

extension FederationError {
    /// The same error with more context in its text (for the thrown summary).
    func withContext(_ context: String) -> FederationError {
        switch self {
        case .notEnoughSites: return .aborted(reason: "\(description); \(context)")
        default: return self
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }
}

/// A round's aggregate as the process tests read it.
public struct SumDump: Codable, Sendable {
    /// The sites whose contributions the sum holds.
    public var included: [String]
    /// The sum.
    public var sum: [Double]
    /// Its per-entry error bound.
    public var errorBound: Double
}
