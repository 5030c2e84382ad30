import FedAvg
import Foundation
import Logging
import PrivacyAccounting
import SecureAggregation
import Sodium
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The site's side of a session, as a state machine over the coordinator's messages: it
/// holds the site's records (``SiteClient``), its ledger and its SecAgg client, and turns
/// each coordinator message into the site's replies.
///
/// Order of a private round: the round's event is charged to the site's ledger first; only
/// then is the update computed and the first message carrying it (Contribution, or SecAgg's
/// AdvertiseKeys, which commits the site to sending its masked input) sent. A round whose
/// charge the budget refuses is declined with Abort, and the site leaves.
struct SiteSession: ~Copyable {
    private var client: SiteClient
    private let configuration: SiteNode.Configuration
    private let logger: Logger
    private var settings: RunSettings?
    private var index = 0
    private var ledger: PrivacyLedger?
    private var standardized = false
    private var secure: SecAggClient?
    private var secureRound: UInt64 = 0
    private var contributed = 0
    private var lastModel: [Double] = []

    init(client: SiteClient, configuration: SiteNode.Configuration, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    /// The replies to one coordinator message, and the outcome once the run is over.
    struct Step {
        var replies: [Privagg_Federation_V1_SiteMessage] = []
        var outcome: SiteNode.Outcome?
    }

    /// Handles one coordinator message.
    ///
    /// - Throws: ``FederationError`` for a malformed or out-of-turn message, a refused
    ///   budget, or the coordinator's Abort; ledger errors.
    mutating func handle(_ message: Privagg_Federation_V1_CoordinatorMessage) async throws -> Step {
        switch message.kind {
        case .welcome(let welcome):
            guard settings == nil else { throw FederationError.unexpectedMessage(expected: "no second Welcome", received: "Welcome") }
            let settings = try RunSettings(welcome: welcome)
            guard welcome.siteCount >= 1, welcome.siteIndex < welcome.siteCount else {
                throw FederationError.malformedMessage("site index \(welcome.siteIndex) of \(welcome.siteCount)")
            }
            index = Int(welcome.siteIndex)
            try await openLedger(for: settings)
            self.settings = settings
            logger.info("joined", metadata: [
                "site": "\(client.name)", "index": "\(index)", "aggregator": "\(settings.aggregator.rawValue)",
                "privacy": "\(settings.privacy.name)", "rounds": "\(settings.rounds)",
            ])
            return Step()
        case .statisticsRequest(let request):
            let settings = try requireSettings("StatisticsRequest")
            guard settings.standardizes, !standardized else {
                throw FederationError.unexpectedMessage(expected: "no statistics request", received: "StatisticsRequest")
            }
            let statistics = client.statisticsContribution()
            return Step(replies: [try startAggregation(
                round: 0, vector: statistics, bound: FederatedStandardization.statisticsBound,
                secure: request.hasSecureAggregation ? request.secureAggregation : nil, settings: settings)])
        case .statisticsResult(let result):
            let settings = try requireSettings("StatisticsResult")
            guard settings.standardizes, !standardized else {
                throw FederationError.unexpectedMessage(expected: "no standardization", received: "StatisticsResult")
            }
            let sums = try FederationProtocol.unpack(result.summed, count: Standardization.statisticsLength(features: client.featureCount), field: "statistics")
            do {
                try client.standardize(using: try Standardization(summedStatistics: sums))
            } catch let error as FedAvgError {
                throw FederationError.malformedMessage("statistics: \(error)")
            }
            standardized = true
            return Step()
        case .roundStart(let start):
            return Step(replies: [try await startRound(start)])
        case .protocol(let payload):
            // Taken out for the step: if the step fails, the site holds no client for the round.
            guard payload.round == secureRound, var secure = self.secure.take() else {
                throw FederationError.unexpectedMessage(expected: "a protocol message of round \(secureRound)", received: "one of round \(payload.round)")
            }
            let bytes = [UInt8](payload.payload)
            if let hooks = configuration.testHooks, hooks.pauseBeforeMaskedInputRound == Int(payload.round),
               (try? SecAggWire.kind(of: bytes)) == .forwardedShares {
                let marker = (hooks.directory as NSString).appendingPathComponent("\(client.name)-paused-\(payload.round)")
                guard FileManager.default.createFile(atPath: marker, contents: Data()) else {
                    throw FederationError.aborted(reason: "test hook: cannot write \(marker)")
                }
                logger.warning("test hook: paused before the masked input", metadata: ["round": "\(payload.round)"])
                try await Task.sleep(for: .seconds(3600))
            }
            let reply: [UInt8]
            do {
                reply = try secure.respond(to: bytes)
            } catch {
                // Leave this round only: the coordinator drops the site and the round goes on
                // with the others (or is abandoned below the threshold).
                logger.warning("left the round: refused a protocol message", metadata: ["round": "\(payload.round)", "reason": "\(error)"])
                var abort = Privagg_Federation_V1_SiteMessage()
                abort.abort.reason = "refused the coordinator's \(payload.round) message: \(error)"
                return Step(replies: [abort])
            }
            self.secure = consume secure
            var message = Privagg_Federation_V1_SiteMessage()
            message.protocol.round = payload.round
            message.protocol.payload = Data(reply)
            return Step(replies: [message])
        case .roundResult(let result):
            _ = try requireSettings("RoundResult")
            secure = nil
            let model = try rebuild(result.model)
            lastModel = model.parameters
            let evaluation = client.evaluate(model)
            var message = Privagg_Federation_V1_SiteMessage()
            message.evaluation.round = result.round
            message.evaluation.correct = UInt64(evaluation.correct)
            message.evaluation.count = UInt64(evaluation.count)
            message.evaluation.loss = evaluation.loss
            if result.abandoned { logger.warning("round abandoned", metadata: ["round": "\(result.round)", "reason": "\(result.reason)"]) }
            return Step(replies: [message])
        case .finished(let finished):
            logger.info("run finished", metadata: ["rounds": "\(finished.completedRounds)"])
            var outcome = SiteNode.Outcome(
                roundsContributed: contributed, finalModel: lastModel, epsilon: nil, ledgerPath: ledger?.path,
                stopReason: finished.stopReason.isEmpty ? nil : finished.stopReason)
            if let ledger { outcome.epsilon = await ledger.spent.epsilon }
            return Step(outcome: outcome)
        case .abort(let abort):
            throw FederationError.aborted(reason: "the coordinator aborted: \(abort.reason)")
        case nil:
            throw FederationError.malformedMessage("an empty coordinator message")
        }
    }

    private func requireSettings(_ received: String) throws -> RunSettings {
        guard let settings else { throw FederationError.unexpectedMessage(expected: "Welcome", received: received) }
        return settings
    }

    private func rebuild(_ packed: Data) throws -> FederatedModel {
        let settings = try requireSettings("a model")
        do {
            return try FederatedModel(
                architecture: settings.model, featureCount: client.featureCount, l2Penalty: settings.l2Penalty,
                parameters: try FederationProtocol.unpack(packed, field: "model"))
        } catch let error as FedAvgError {
            throw FederationError.malformedMessage("model: \(error)")
        }
    }

    /// Charges the ledger, trains, and sends the first message of the round's aggregation.
    private mutating func startRound(_ start: Privagg_Federation_V1_RoundStart) async throws -> Privagg_Federation_V1_SiteMessage {
        let settings = try requireSettings("RoundStart")
        guard !settings.standardizes || standardized else {
            throw FederationError.unexpectedMessage(expected: "StatisticsResult", received: "RoundStart")
        }
        let round = Int(clamping: start.round)
        guard (1...settings.rounds).contains(round) else { throw FederationError.malformedMessage("round \(start.round) outside 1...\(settings.rounds)") }
        secure = nil
        let model = try rebuild(start.model)
        lastModel = model.parameters
        let training = settings.trainingConfiguration(seed: configuration.seed)
        if let ledger {
            // Before the update exists outside this function: a crash after this line has
            // spent the round (never under-counted); a refusal sends nothing.
            let event = try FederatedRound.siteEvent(configuration: training)
            do {
                try await ledger.spend(event, label: "round \(round) (federation, \(settings.privacy.name))")
            } catch let error as PrivacyAccountingError {
                if case .budgetExceeded = error {
                    throw FederationError.aborted(reason: "site \(client.name): privacy budget reached before round \(round): \(error)")
                }
                throw error
            }
        }
        let contribution: [Double]
        do {
            contribution = try FederatedRound.siteContribution(client: client, index: index, model: model, round: round, configuration: training)
        } catch let error as FedAvgError {
            throw FederationError.aborted(reason: "local training failed in round \(round): \(error)")
        }
        contributed += 1
        if let hooks = configuration.testHooks {
            let path = (hooks.directory as NSString).appendingPathComponent("\(client.name)-round-\(round).json")
            try JSONEncoder().encode(contribution).write(to: URL(fileURLWithPath: path))
        }
        return try startAggregation(
            round: round, vector: contribution, bound: FederatedRound.aggregationBound(configuration: training),
            secure: start.hasSecureAggregation ? start.secureAggregation : nil, settings: settings)
    }

    /// The first message carrying `vector`: the vector itself (plain), or SecAgg's
    /// AdvertiseKeys of a client holding its quantization.
    private mutating func startAggregation(
        round: Int, vector: [Double], bound: Double, secure parameters: Privagg_Federation_V1_SecureAggregationRound?, settings: RunSettings
    ) throws -> Privagg_Federation_V1_SiteMessage {
        var message = Privagg_Federation_V1_SiteMessage()
        guard settings.aggregator.isSecure else {
            guard parameters == nil else { throw FederationError.malformedMessage("secure aggregation parameters in a plain run") }
            message.contribution.round = UInt64(round)
            message.contribution.values = FederationProtocol.pack(vector)
            return message
        }
        guard let parameters else { throw FederationError.malformedMessage("a \(settings.aggregator.rawValue) round without its parameters") }
        guard parameters.protocolRound == UInt64(round) + 1, parameters.bitWidth == UInt32(settings.bitWidth),
              parameters.dimension == UInt32(vector.count), parameters.clippingBound == bound,
              parameters.quantizerClients >= 2, parameters.threshold >= 2, parameters.threshold <= parameters.quantizerClients else {
            throw FederationError.malformedMessage("secure aggregation parameters do not match the run")
        }
        var generator = configuration.seed.map { ChaChaRandom(seed: $0 &+ UInt64(round) &* 0x1_0000 &+ UInt64(index) &* 0x9E37_79B9 ^ 0x5EC_A66) }
            ?? .freshlyKeyed()
        var advertisement: [UInt8] = []
        let client: SecAggClient
        do {
            client = try Self.secureClient(
                id: UInt32(index), vector: vector, bound: bound, bitWidth: settings.bitWidth, parameters: parameters,
                advertisement: &advertisement, using: &generator)
        } catch {
            throw FederationError.malformedMessage("secure aggregation: \(error)")
        }
        message.protocol.round = UInt64(round)
        message.protocol.payload = Data(advertisement)
        secure = consume client
        secureRound = UInt64(round)
        return message
    }

    /// A SecAgg client holding `vector` quantized; its AdvertiseKeys message in `advertisement`.
    static func secureClient(
        id: UInt32, vector: [Double], bound: Double, bitWidth: Int, parameters: Privagg_Federation_V1_SecureAggregationRound,
        advertisement: inout [UInt8], using generator: inout ChaChaRandom
    ) throws(SecAggError) -> SecAggClient {
        let quantizer = try Quantizer(clippingBound: bound, bitWidth: bitWidth, clientCount: Int(parameters.quantizerClients))
        let input = try quantizer.quantize(vector, using: &generator)
        let configuration = try SecAggConfiguration(
            round: parameters.protocolRound, threshold: Int(parameters.threshold), bitWidth: bitWidth, dimension: vector.count)
        var client = try SecAggClient(id: id, configuration: configuration, input: input, using: &generator)
        advertisement = try client.advertiseKeysMessage()
        return client
    }

    /// Opens (or creates) the site's ledger for a private run; refuses a non-private run on a
    /// folder whose ledger tracks this site.
    private mutating func openLedger(for settings: RunSettings) async throws {
        if settings.privacy == .none {
            if let directory = configuration.ledgerDirectory {
                do { try FederatedTraining.refuseNonPrivateRun(on: [client], trackedIn: directory) } catch let error as FedAvgError {
                    throw FederationError.aborted(reason: "\(error)")
                }
            }
            return
        }
        let directory = configuration.ledgerDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("privagg-site-ledger-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("\(client.name).ledger")
        let opened: PrivacyLedger
        do {
            opened = try PrivacyLedger(creatingAt: path, budget: configuration.budget, accountant: configuration.accountant)
        } catch PrivacyAccountingError.ledgerIO(_, _, let code) where code == EEXIST {
            opened = try PrivacyLedger(openingAt: path)
            guard opened.budget == configuration.budget else {
                throw FederationError.aborted(reason: "the ledger \(path) has budget ε = \(opened.budget.epsilon), δ = \(opened.budget.delta); this site was started with ε = \(configuration.budget.epsilon), δ = \(configuration.budget.delta)")
            }
            guard opened.accountantKind == configuration.accountant else {
                throw FederationError.aborted(reason: "the ledger \(path) uses the \(opened.accountantKind.rawValue) accountant, this site \(configuration.accountant.rawValue)")
            }
        }
        ledger = opened
        let spent = await opened.spent.epsilon
        logger.info("privacy ledger", metadata: ["path": "\(path)", "spent": "\(spent)"])
    }
}
