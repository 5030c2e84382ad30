import FedAvg
import Foundation
import Logging
import Paillier
import PrivacyAccounting
import SecureAggregation
import Sodium
internal import ParallelWork
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
    private var siteCount = 0
    /// Paillier: the round, length and bound of the contribution whose encrypted sum is awaited.
    private var paillierPending: (round: UInt64, length: Int, bound: Double)?
    /// SecAgg's authenticated mode: this session's signing key and verified peer bindings.
    private var authentication: SiteAuthentication?

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
            let (settings, index) = try MessageChecks.welcome(welcome)
            self.index = index
            siteCount = Int(welcome.siteCount)
            if settings.aggregator == .paillier {
                guard let key = configuration.paillierKey else {
                    throw FederationError.aborted(reason: "the run aggregates with Paillier: this site needs the federation's private key (join --paillier-key FILE)")
                }
                guard welcome.paillierKeyFingerprint == key.publicKey.fingerprint else {
                    throw FederationError.aborted(
                        reason: "the coordinator's Paillier public key (\(welcome.paillierKeyFingerprint)) is not this site's key (\(key.publicKey.fingerprint))")
                }
            }
            let authenticated = try Self.authentication(for: welcome, settings: settings, credentials: configuration.credentials, site: client.name)
            try await openLedger(for: settings)
            self.settings = settings
            authentication = authenticated?.0
            logger.info("joined", metadata: [
                "site": "\(client.name)", "index": "\(index)", "aggregator": "\(settings.aggregator.rawValue)",
                "privacy": "\(settings.privacy.name)", "rounds": "\(settings.rounds)",
                "secaggAuthenticated": "\(authenticated != nil)",
            ])
            return Step(replies: authenticated.map { [$0.1] } ?? [])
        case .statisticsRequest(let request):
            let settings = try requireSettings("StatisticsRequest")
            guard settings.standardizes, !standardized else {
                throw FederationError.unexpectedMessage(expected: "no statistics request", received: "StatisticsRequest")
            }
            let secure = request.hasSecureAggregation ? request.secureAggregation : nil
            let identities = try await Self.peerIdentities(for: secure, ownID: index, authentication: &authentication)
            let statistics = client.statisticsContribution()
            return Step(replies: [try await startAggregation(
                round: 0, vector: statistics, bound: FederatedStandardization.statisticsBound,
                secure: secure, settings: settings, identities: identities)])
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
        case .protocol(let payload) where settings?.aggregator == .paillier:
            return Step(replies: [try await decryptPaillierSum(payload)])
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
                stopReason: finished.stopReason.isEmpty ? nil : finished.stopReason,
                secAggAuthenticated: settings?.aggregator.isSecure == true ? authentication != nil : nil)
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
        let round = try MessageChecks.round(of: start, rounds: settings.rounds)
        secure = nil
        // Authenticated mode: every peer's key checked against the CA before anything is spent or sent.
        let identities = try await Self.peerIdentities(
            for: start.hasSecureAggregation ? start.secureAggregation : nil, ownID: index, authentication: &authentication)
        let model = try rebuild(start.model)
        lastModel = model.parameters
        let training = settings.trainingConfiguration(seed: configuration.seed)
        if start.notSampled {
            // Central mode, not sampled: zeros (a function of nothing in the site's records), so
            // the aggregate's shape does not tell who was sampled. No training, nothing spent.
            guard case .central = settings.privacy else { throw FederationError.malformedMessage("a not-sampled round outside the central mode") }
            return try await startAggregation(
                round: round, vector: [Double](repeating: 0, count: model.parameters.count + 1),
                bound: FederatedRound.aggregationBound(configuration: training),
                secure: start.hasSecureAggregation ? start.secureAggregation : nil, settings: settings, identities: identities)
        }
        // Distributed DP: the round's pipeline (and so its event) depends on the round's
        // client count, announced with the secure aggregation parameters.
        let distributed = try Self.distributedRound(
            settings: settings, training: training, secure: start.hasSecureAggregation ? start.secureAggregation : nil,
            dimension: model.parameters.count)
        if let ledger {
            // Before the update exists outside this function: a crash after this line has
            // spent the round (never under-counted); a refusal sends nothing.
            let event = try distributed?.siteEvent ?? FederatedRound.siteEvent(configuration: training)
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
        return try await startAggregation(
            round: round, vector: contribution, bound: FederatedRound.aggregationBound(configuration: training),
            secure: start.hasSecureAggregation ? start.secureAggregation : nil, settings: settings, distributed: distributed,
            identities: identities)
    }

    /// The first message carrying `vector`: the vector itself (plain), or SecAgg's
    /// AdvertiseKeys of a client holding its quantization.
    private mutating func startAggregation(
        round: Int, vector: [Double], bound: Double, secure parameters: Privagg_Federation_V1_SecureAggregationRound?, settings: RunSettings,
        distributed: FederatedRound.DistributedRound? = nil, identities: [UInt32: Ed25519.VerifyingKey]? = nil
    ) async throws -> Privagg_Federation_V1_SiteMessage {
        var message = Privagg_Federation_V1_SiteMessage()
        if settings.aggregator == .paillier {
            guard parameters == nil else { throw FederationError.malformedMessage("secure aggregation parameters in a Paillier run") }
            message.protocol.round = UInt64(round)
            message.protocol.payload = Data(try await encryptPaillier(vector, bound: bound))
            paillierPending = (UInt64(round), vector.count, bound)
            return message
        }
        guard settings.aggregator.isSecure else {
            guard parameters == nil else { throw FederationError.malformedMessage("secure aggregation parameters in a plain run") }
            message.contribution.round = UInt64(round)
            message.contribution.values = FederationProtocol.pack(vector)
            return message
        }
        guard let parameters else { throw FederationError.malformedMessage("a \(settings.aggregator.rawValue) round without its parameters") }
        try MessageChecks.secureParameters(
            parameters, round: round, dimension: distributed?.aggregator.pipeline.paddedDimension ?? vector.count, bound: bound, settings: settings)
        var generator = configuration.seed.map { ChaChaRandom(seed: $0 &+ UInt64(round) &* 0x1_0000 &+ UInt64(index) &* 0x9E37_79B9 ^ 0x5EC_A66) }
            ?? .freshlyKeyed()
        var advertisement: [UInt8] = []
        let client: SecAggClient
        do {
            if let distributed {
                // The site's whole distributed-DP part (clipped in L2 by the pipeline after the
                // rotation, scaled, rounded, its noise share added) happens here, before AdvertiseKeys.
                let input = try distributed.aggregator.encodeClient(vector, rotationSeed: [UInt8](parameters.rotationSeed), using: &generator)
                client = try Self.secureClient(
                    id: UInt32(index), input: input, bitWidth: settings.bitWidth, parameters: parameters, advertisement: &advertisement,
                    identities: identities, signingKey: authentication?.signingKey, using: &generator)
            } else {
                client = try Self.secureClient(
                    id: UInt32(index), vector: vector, bound: bound, bitWidth: settings.bitWidth, parameters: parameters,
                    advertisement: &advertisement, identities: identities, signingKey: authentication?.signingKey, using: &generator)
            }
        } catch {
            throw FederationError.malformedMessage("secure aggregation: \(error)")
        }
        message.protocol.round = UInt64(round)
        message.protocol.payload = Data(advertisement)
        secure = consume client
        secureRound = UInt64(round)
        return message
    }

    /// The federation's packing for this key: headroom for every site of the federation.
    private func paillierScheme() throws -> (Paillier.PrivateKey, Paillier.PackingScheme) {
        guard let key = configuration.paillierKey else { throw FederationError.aborted(reason: "no Paillier key") }
        do {
            return (key, try Paillier.PackingScheme(publicKey: key.publicKey, valueBits: PaillierKeyFiles.valueBits, maxAddends: siteCount))
        } catch {
            throw FederationError.aborted(reason: "cannot pack for this Paillier key: \(error)")
        }
    }

    /// This site's vector quantized, packed and encrypted (FedAvg's client side, shared with
    /// the in-process `PaillierAggregator`), as a Paillier payload.
    private func encryptPaillier(_ vector: [Double], bound: Double) async throws -> [UInt8] {
        let (key, scheme) = try paillierScheme()
        let publicKey = key.publicKey
        // Encryption runs over all cores (Parallel.map in Paillier): on a thread of its own,
        // never on the cooperative pool that carries this site's gRPC stream.
        let encoded = await Parallel.offPool { () -> Result<[UInt8], any Error> in
            var generator = SecureRandom()
            var buffer: [Int] = []
            return Result {
                let encryptor = try Paillier.ShortExponentEncryptor(publicKey: publicKey)
                let encrypted = try PaillierAggregator.encryptClient(vector, bound: bound, scheme: scheme, encryptor: encryptor, buffer: &buffer, using: &generator)
                return try PaillierWire.encode(encrypted, kind: PaillierWire.siteVector)
            }
        }
        do {
            return try encoded.get()
        } catch {
            throw FederationError.aborted(reason: "cannot encrypt this site's contribution: \(error)")
        }
    }

    /// Decrypts the coordinator's encrypted sum and returns it decoded (the coordinator learns
    /// the sum, as with SecAgg).
    private mutating func decryptPaillierSum(_ payload: Privagg_Federation_V1_ProtocolMessage) async throws -> Privagg_Federation_V1_SiteMessage {
        guard let pending = paillierPending, payload.round == pending.round else {
            throw FederationError.unexpectedMessage(expected: "no Paillier message", received: "an encrypted sum for round \(payload.round)")
        }
        paillierPending = nil
        let (key, scheme) = try paillierScheme()
        let bytes = [UInt8](payload.payload), addends = siteCount
        // Decoding checks every ciphertext and decryption exponentiates each (CRT, all cores):
        // off the cooperative pool, as the encryption.
        let decrypted = await Parallel.offPool { () -> Result<[Int], FederationError> in
            do {
                let total = try PaillierWire.decode(bytes, kind: PaillierWire.encryptedSum, count: pending.length, scheme: scheme, maximumAddends: addends)
                return .success(try total.decrypt(with: key))
            } catch let error as PaillierWireError {
                return .failure(.malformedMessage("\(error)"))
            } catch {
                return .failure(.malformedMessage("the encrypted sum does not decrypt: \(error)"))
            }
        }
        let sums = try decrypted.get()
        var message = Privagg_Federation_V1_SiteMessage()
        message.contribution.round = payload.round
        message.contribution.values = FederationProtocol.pack(PaillierAggregator.dequantize(sums, bound: pending.bound, scheme: scheme))
        return message
    }

    /// A SecAgg client holding `vector` quantized; its AdvertiseKeys message in `advertisement`.
    /// With `identities` (authenticated mode) it signs with `signingKey` and accepts only peers
    /// whose signatures verify under their identities.
    static func secureClient(
        id: UInt32, vector: [Double], bound: Double, bitWidth: Int, parameters: Privagg_Federation_V1_SecureAggregationRound,
        advertisement: inout [UInt8], identities: [UInt32: Ed25519.VerifyingKey]? = nil, signingKey: Ed25519.SigningKey? = nil,
        using generator: inout ChaChaRandom
    ) throws(SecAggError) -> SecAggClient {
        let quantizer = try Quantizer(clippingBound: bound, bitWidth: bitWidth, clientCount: Int(parameters.quantizerClients))
        let input = try quantizer.quantize(vector, using: &generator)
        return try secureClient(
            id: id, input: input, bitWidth: bitWidth, parameters: parameters, advertisement: &advertisement, identities: identities,
            signingKey: signingKey, using: &generator)
    }

    /// A SecAgg client holding `input`; its AdvertiseKeys message in `advertisement`.
    private static func secureClient(
        id: UInt32, input: ModularVector, bitWidth: Int, parameters: Privagg_Federation_V1_SecureAggregationRound,
        advertisement: inout [UInt8], identities: [UInt32: Ed25519.VerifyingKey]?, signingKey: Ed25519.SigningKey?,
        using generator: inout ChaChaRandom
    ) throws(SecAggError) -> SecAggClient {
        // Authenticated mode: the clients know the participants' identities, not the graph
        // (the coordinator's SecAgg+ graph is its own draw; see the README's federation section).
        let configuration = try SecAggConfiguration(
            round: parameters.protocolRound, threshold: Int(parameters.threshold), bitWidth: bitWidth, dimension: input.count,
            identities: identities)
        var client = try SecAggClient(id: id, configuration: configuration, input: input, signingKey: signingKey, using: &generator)
        advertisement = try client.advertiseKeysMessage()
        return client
    }

    /// Opens (or creates) the site's ledger for a private run; refuses a non-private run on a
    /// folder whose ledger tracks this site.
    private mutating func openLedger(for settings: RunSettings) async throws {
        if case .central = settings.privacy {
            // The coordinator adds the noise and charges its own ledger; what leaves this site is
            // its clipped update (in the clear with plain, inside the sum with secagg).
            logger.notice("central mode: this site keeps no ledger; the coordinator adds the noise to the sum and charges its own ledger (this site's update leaves it clipped, not noised)")
            return
        }
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
            opened = try PrivacyLedger.openOrCreate(at: path, budget: configuration.budget, accountant: configuration.accountant).ledger
        } catch let error as PrivacyAccountingError {
            guard case .ledgerSettingsMismatch = error else { throw error }
            throw FederationError.aborted(reason: error.description)
        }
        ledger = opened
        let spent = await opened.spent.epsilon
        logger.info("privacy ledger", metadata: ["path": "\(path)", "spent": "\(spent)"])
    }
}
