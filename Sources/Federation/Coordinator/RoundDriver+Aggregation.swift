import FedAvg
import Foundation
import Logging
internal import ParallelWork
import SecureAggregation
import Sodium

/// The sites of one round and the ones dropped from it so far.
struct RoundContext {
    /// Sites the round started with.
    var members: Set<Int>
    /// Sites dropped from the round, with the reason.
    var dropped: [Int: String] = [:]

    /// Sites still in the round.
    var alive: Set<Int> { members.subtracting(dropped.keys) }
}

/// What one aggregation produced.
struct AggregationResult {
    /// The sum (nil if abandoned).
    var sum: [Double]?
    /// Sites whose contribution the sum holds, ascending.
    var included: [Int]
    /// Sites dropped, with the reason.
    var dropouts: [Int: String]
    /// Stage durations.
    var stages: [FederationRoundRecord.StageTime]
    /// Per-entry error bound of the sum.
    var errorBound: Double
    /// Why the aggregation was abandoned.
    var abandonReason: String?
    /// Time spent in the secure aggregation server's calls (0 for plain sums).
    var serverSeconds: Double = 0
    /// The secure aggregators' graph degree k and threshold t (0 for plain sums).
    var graphDegree = 0
    var threshold = 0
    /// The coordinator's memory at the end of each secure aggregation stage (empty for plain
    /// and Paillier sums).
    var memory: [ProcessMemory] = []
}

extension RoundDriver {
    /// One aggregation over `participants`: `kick` makes each site's first message (RoundStart
    /// or StatisticsRequest, with the secure aggregators' parameters when they run); the sites
    /// answer with a Contribution (plain) or the SecAgg stages.
    func aggregate(
        round: Int, participants: [Int], length: Int, bound: Double, validate: @escaping @Sendable ([Double]) throws -> Void,
        kick: (Int, Privagg_Federation_V1_SecureAggregationRound?) -> Privagg_Federation_V1_CoordinatorMessage
    ) async -> AggregationResult {
        switch settings.aggregator {
        case .plain: return await plainSum(round: round, participants: participants, length: length, bound: bound, validate: validate, kick: kick)
        case .secagg, .secaggPlus:
            return await secureSum(round: round, participants: participants, length: length, bound: bound, kick: kick)
        case .paillier:
            return await paillierSum(round: round, participants: participants, length: length, bound: bound, validate: validate, kick: kick)
        }
    }

    private var settings: RunSettings { configuration.settings }

    /// The plain aggregator: each site's vector in the clear, summed in site order (exactly as
    /// `PlainAggregator` sums in process).
    private func plainSum(
        round: Int, participants: [Int], length: Int, bound: Double, validate: @escaping @Sendable ([Double]) throws -> Void,
        kick: (Int, Privagg_Federation_V1_SecureAggregationRound?) -> Privagg_Federation_V1_CoordinatorMessage
    ) async -> AggregationResult {
        let started = ContinuousClock.now
        var context = RoundContext(members: Set(participants))
        for index in participants where !(await hub.send(kick(index, nil), to: index)) { context.dropped[index] = "disconnected before the round" }
        let replies = await collect(&context, from: context.alive, stage: "Contribution") { message -> [Double]? in
            guard case .contribution(let contribution) = message.kind else { return nil }
            return try MessageChecks.contribution(contribution, round: round, length: length, bound: bound, validate: validate)
        }
        let included = replies.keys.sorted()
        let stages = [FederationRoundRecord.StageTime(stage: "Contribution", seconds: (ContinuousClock.now - started).seconds)]
        guard !included.isEmpty else {
            return AggregationResult(sum: nil, included: [], dropouts: context.dropped, stages: stages, errorBound: 0, abandonReason: "no site delivered")
        }
        var sum = [Double](repeating: 0, count: length)
        for index in included {
            let values = replies[index]!
            for entry in 0..<length { sum[entry] += values[entry] }
        }
        return AggregationResult(sum: sum, included: included, dropouts: context.dropped, stages: stages, errorBound: 0, abandonReason: nil)
    }

    /// SecAgg or SecAgg+: the coordinator runs `SecAggServer` on the sites' wire messages
    /// and learns only the sum of the survivors' quantized vectors.
    private func secureSum(
        round: Int, participants: [Int], length: Int, bound: Double,
        kick: (Int, Privagg_Federation_V1_SecureAggregationRound?) -> Privagg_Federation_V1_CoordinatorMessage
    ) async -> AggregationResult {
        var context = RoundContext(members: Set(participants))
        var stages: [FederationRoundRecord.StageTime] = []
        let recordsMemory = configuration.recordsMemory
        var memory = recordsMemory ? [ProcessMemory.snapshot("start")] : []
        func abandon(_ reason: String) -> AggregationResult {
            logger.warning("secure aggregation abandoned", metadata: ["round": "\(round)", "reason": "\(reason)"])
            return AggregationResult(
                sum: nil, included: [], dropouts: context.dropped, stages: stages, errorBound: 0, abandonReason: reason, memory: memory)
        }
        func measure(_ label: String) {
            guard recordsMemory else { return }
            memory.append(.snapshot(label))
            logger.debug("coordinator memory", metadata: ["round": "\(round)", "memory": "\(memory.last!.summary)"])
        }
        // Authenticated mode: only sites whose key binding verifies take part; every participant
        // gets all the round's bindings and checks them itself.
        var participants = participants
        var identities: [UInt32: Ed25519.VerifyingKey]?
        var peerBindings: [Privagg_Federation_V1_PeerKeyBinding] = []
        if let authentication {
            let started = ContinuousClock.now
            defer { stages.append(.init(stage: "KeyBinding", seconds: (ContinuousClock.now - started).seconds)) }
            let verified = await authenticate(participants, session: authentication, context: &context)
            participants = verified.map(\.index)
            identities = Dictionary(uniqueKeysWithValues: verified.map { (UInt32($0.index), $0.key) })
            peerBindings = verified.map { participant in
                var peer = Privagg_Federation_V1_PeerKeyBinding()
                peer.clientID = UInt32(participant.index)
                peer.binding = participant.binding
                return peer
            }
        }
        let n = participants.count
        guard n >= 2 else { return abandon("secure aggregation needs at least 2 sites, \(n) connected") }
        let ids = participants.map { UInt32($0) }
        // Graph and threshold exactly as SecureAggregator chooses them in process.
        var generator = configuration.seed.map { ChaChaRandom(seed: $0 &+ UInt64(round) &* 0x9E37_79B9_7F4A_7C15 ^ 0x6_7A_F0) } ?? .freshlyKeyed()
        let graph: SecAggPlusGraph, threshold: Int, quantizer: Quantizer, secAggConfiguration: SecAggConfiguration
        // Distributed DP: the sites encode with the round's pipeline; the ring holds the
        // padded, rotated vector and the coordinator decodes the noisy sum.
        var distributed: DistributedEncoding?
        var protocolDimension = length
        do {
            let reference = try SecureAggregator(
                variant: settings.aggregator == .secagg ? .complete : .sparse(dropoutFraction: 0.05, corruptFraction: 0.05), bitWidth: settings.bitWidth)
            // Authenticated mode: SecAgg+'s rule against an active server (a larger t where the
            // corrupt fraction needs it; never below the semi-honest choice).
            let active = authentication.map { _ in Self.activeServerParameters(aggregator: settings.aggregator, clients: n) }
            threshold = active?.threshold ?? reference.threshold(clients: n)
            if settings.privacy.isDistributed, round > 0 {
                distributed = try distributedEncoding(round: round, variant: reference.variant, clients: n, dimension: length)
                protocolDimension = distributed!.aggregator.pipeline.paddedDimension
            }
            if let active {
                graph = active.degree < n - 1 ? try SecAggPlusGraph(clientIDs: ids, degree: active.degree, using: &generator) : try .complete(clientIDs: ids)
            } else if settings.aggregator == .secaggPlus, let degree = sparseDegree(clients: n), degree < n - 1 {
                graph = try SecAggPlusGraph(clientIDs: ids, degree: degree, using: &generator)
            } else {
                graph = try .complete(clientIDs: ids)
            }
            quantizer = try Quantizer(clippingBound: bound, bitWidth: settings.bitWidth, clientCount: n)
            // Authenticated SecAgg+ with a sparse graph: the server's configuration carries it.
            secAggConfiguration = try SecAggConfiguration(
                round: UInt64(round) + 1, threshold: threshold, bitWidth: settings.bitWidth, dimension: protocolDimension,
                identities: identities, graph: identities != nil && !graph.isComplete ? graph : nil)
        } catch {
            return abandon("cannot set up secure aggregation: \(error)")
        }
        var server: SecAggServer
        do { server = try SecAggServer(configuration: secAggConfiguration, graph: graph) } catch { return abandon("\(error)") }

        var stageStart = ContinuousClock.now
        for index in participants {
            var parameters = Privagg_Federation_V1_SecureAggregationRound()
            parameters.protocolRound = UInt64(round) + 1
            parameters.threshold = UInt32(threshold)
            parameters.bitWidth = UInt32(settings.bitWidth)
            parameters.dimension = UInt32(protocolDimension)
            if let distributed { parameters.rotationSeed = Data(distributed.rotationSeed) }
            parameters.clippingBound = bound
            parameters.quantizerClients = UInt32(n)
            parameters.graphDegree = UInt32(graph.degree)
            parameters.neighbours = graph.neighbors(of: UInt32(index))
            parameters.peerBindings = peerBindings
            if !(await hub.send(kick(index, parameters), to: index)) { context.dropped[index] = "disconnected before the round" }
        }
        let extract: (Privagg_Federation_V1_SiteMessage) throws -> [UInt8]? = { message in
            guard case .protocol(let payload) = message.kind else { return nil }
            guard payload.round == UInt64(round) else { throw FederationError.malformedMessage("protocol message for round \(payload.round) in round \(round)") }
            return [UInt8](payload.payload)
        }
        // Server time: the SecAggServer calls only (decode, checks, Σy, reconstruction), what
        // the in-process simulation reports as the server's time.
        var serverTime = Duration.zero
        /// Feeds each reply to the server as it arrives (no stage holds n masked vectors:
        /// memory O(d + n·k)); a reply it refuses drops its sender.
        func receiveStage(_ expected: Set<Int>, stage: SecAggStage, context: inout RoundContext, paced: PacedSends? = nil) async {
            await receiveEach(&context, from: expected, stage: "\(stage)", extract: extract, paced: paced) { index, bytes in
                let start = ContinuousClock.now
                defer { serverTime += ContinuousClock.now - start }
                do { try server.receive(bytes: bytes) } catch {
                    throw FederationError.malformedMessage("refused \(stage) message: \(error)")
                }
            }
        }
        await receiveStage(context.alive, stage: .advertiseKeys, context: &context)
        var outgoing: [(UInt32, [UInt8])]
        do { outgoing = try timed(&serverTime) { try server.keyDirectories().map { ($0.recipient, $0.serialized()) } } } catch { return abandon("\(error)") }
        stages.append(.init(stage: "\(SecAggStage.advertiseKeys)", seconds: (ContinuousClock.now - stageStart).seconds))
        measure("\(SecAggStage.advertiseKeys)")
        for stage in SecAggStage.allCases.dropFirst() {
            stageStart = ContinuousClock.now
            var expected = Set<Int>()
            // Masked inputs are the only d-sized messages: the sites get their forwarded shares
            // (which release their masked input) a window at a time, so the hub never assembles
            // more than `window` of them at once. They arrive in pieces of at most 32 KiB
            // (FederationProtocol.chunked), so the gRPC transport keeps at most a piece's
            // buffer per site after the stage, not a masked input: memory O(d·window + n·k).
            let window = stage == .maskedInputCollection
                ? configuration.maskedInputWindow ?? Self.maskedInputWindow(dimension: protocolDimension, bitWidth: settings.bitWidth) : Int.max
            var paced = PacedSends(window: window)
            for (recipient, bytes) in outgoing {
                let index = Int(recipient)
                guard context.alive.contains(index) else { continue }
                var message = Privagg_Federation_V1_CoordinatorMessage()
                message.protocol.round = UInt64(round)
                message.protocol.payload = Data(bytes)
                if expected.count >= window {
                    paced.queue.append((index, message))
                } else if await hub.send(message, to: index) {
                    expected.insert(index)
                } else {
                    context.dropped[index] = "disconnected in \(stage)"
                }
            }
            await receiveStage(expected, stage: stage, context: &context, paced: paced)
            do {
                outgoing = try timed(&serverTime) { () throws -> [(UInt32, [UInt8])] in
                    switch stage {
                    case .shareKeys: return try server.forwardedShares().map { ($0.recipient, $0.serialized()) }
                    case .maskedInputCollection: return try server.consistencyCheckRequests().map { ($0.recipient, $0.serialized()) }
                    case .consistencyCheck: return try server.unmaskingRequests().map { ($0.recipient, $0.serialized()) }
                    case .advertiseKeys, .unmasking: return []
                    }
                }
            } catch {
                return abandon("\(error)")
            }
            stages.append(.init(stage: "\(stage)", seconds: (ContinuousClock.now - stageStart).seconds))
            measure("\(stage)")
        }
        stageStart = ContinuousClock.now
        let total: ModularVector
        do {
            // Unmasking regenerates masks over all cores (Parallel.forEach in UnmaskJob): seconds
            // at 1,000 sites × 10^5 entries. Run on a thread of its own, so the cooperative pool
            // keeps serving the sites' streams meanwhile.
            let unmaskStart = ContinuousClock.now
            let unmasking = server
            let (unmasked, after) = try await Parallel.offPool { () throws(SecAggError) -> (ModularVector, SecAggServer) in
                var finishing = unmasking
                return (try finishing.aggregate(), finishing)
            }
            serverTime += ContinuousClock.now - unmaskStart
            total = unmasked
            server = after
        } catch {
            return abandon("unmasking failed: \(error)")
        }
        let included = server.includedClients.map { Int($0) }
        let sum: [Double], errorBound: Double
        do {
            if let distributed {
                sum = try distributed.aggregator.decodeSum(total, rotationSeed: distributed.rotationSeed)
                errorBound = distributed.aggregator.errorBound(contributors: included.count)
            } else {
                sum = try quantizer.dequantizeSum(total, contributors: included.count)
                errorBound = quantizer.errorBound(contributors: included.count)
            }
        } catch {
            return abandon("\(error)")
        }
        stages.append(.init(stage: "Aggregate", seconds: (ContinuousClock.now - stageStart).seconds))
        measure("Aggregate")
        // A site the server counted is in the sum even if it vanished afterwards.
        for index in included { context.dropped[index] = nil }
        return AggregationResult(
            sum: sum, included: included, dropouts: context.dropped, stages: stages,
            errorBound: errorBound, abandonReason: nil, serverSeconds: serverTime.seconds,
            graphDegree: graph.degree, threshold: threshold, memory: memory)
    }

    /// Runs `body`, adding its duration to `total`.
    private func timed<T>(_ total: inout Duration, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        defer { total += ContinuousClock.now - start }
        return try body()
    }

    /// SecAgg+'s degree for `n` sites (nil when no sparse degree meets the targets).
    private func sparseDegree(clients n: Int) -> Int? {
        do {
            return try SecAggPlusParameters.recommended(clientCount: n, dropoutFraction: 0.05, corruptFraction: 0.05).degree
        } catch {
            return nil
        }
    }

    /// Waits for one message from each site in `expected` until the stage timeout. A site that
    /// disconnects, sends something else, sends a malformed message or does not answer in time
    /// is dropped from the round (`context.dropped`) with the reason, and logged. `extract`
    /// returns nil for a message of another kind (out of turn) and throws for a malformed one.
    func collect<T>(
        _ context: inout RoundContext, from expected: Set<Int>, stage: String,
        extract: (Privagg_Federation_V1_SiteMessage) throws -> T?
    ) async -> [Int: T] {
        var received: [Int: T] = [:]
        await receiveEach(&context, from: expected, stage: stage, extract: extract, dropped: { received[$0] = nil }) { index, value in
            received[index] = value
        }
        return received
    }

    /// ``collect(_:from:stage:extract:)`` handing each accepted message to `deliver` as it
    /// arrives instead of keeping it: the same drops, reasons and timeout. A site whose message
    /// `deliver` refuses (throws) is dropped with the error as the reason; `dropped` hears of
    /// every site dropped after it delivered.
    func receiveEach<T>(
        _ context: inout RoundContext, from expected: Set<Int>, stage: String,
        extract: (Privagg_Federation_V1_SiteMessage) throws -> T?,
        dropped: (Int) -> Void = { _ in },
        paced: PacedSends? = nil,
        deliver: (Int, T) throws -> Void
    ) async {
        var waiting = expected
        var delivered = Set<Int>()
        var queue = paced?.queue[...] ?? []
        let window = paced?.window ?? Int.max
        let deadline = ContinuousClock.now + configuration.stageTimeout
        func drop(_ index: Int, _ reason: String) {
            guard context.dropped[index] == nil else { return }
            context.dropped[index] = reason
            waiting.remove(index)
            if delivered.remove(index) != nil { dropped(index) }
            logger.warning("site dropped from the round", metadata: ["site": "\(configuration.sites[index])", "stage": "\(stage)", "reason": "\(reason)"])
        }
        /// Sends queued messages while fewer than `window` answers are outstanding; a site
        /// dropped while it waited in the queue is skipped.
        func refill() async {
            while waiting.count < window, let (index, message) = queue.popFirst() {
                guard context.alive.contains(index) else { continue }
                if await hub.send(message, to: index) {
                    waiting.insert(index)
                } else {
                    drop(index, "disconnected in stage \(stage)")
                }
            }
        }
        while true {
            await refill()
            guard !waiting.isEmpty else { break }
            guard let event = await hub.next(until: deadline) else {
                for index in waiting.sorted() { drop(index, "no answer in stage \(stage) within \(configuration.stageTimeout)") }
                for (index, _) in queue where context.alive.contains(index) {
                    drop(index, "no answer in stage \(stage) within \(configuration.stageTimeout) (still queued)")
                }
                break
            }
            switch event {
            case .closed(let index, _, let reason):
                if context.alive.contains(index) { drop(index, "disconnected in stage \(stage): \(reason)") }
            case .message(let index, _, let message):
                guard context.alive.contains(index) else {
                    logger.debug("ignored a message from a site not in the round", metadata: ["site": "\(configuration.sites[index])"])
                    continue
                }
                if case .abort(let abort) = message.kind {
                    drop(index, "the site aborted: \(abort.reason)")
                    continue
                }
                guard waiting.contains(index) else {
                    drop(index, "out-of-turn \(message.kindName) in stage \(stage)")
                    continue
                }
                do {
                    guard let value = try extract(message) else {
                        drop(index, "out-of-turn \(message.kindName) in stage \(stage)")
                        continue
                    }
                    waiting.remove(index)
                    try deliver(index, value)
                    delivered.insert(index)
                } catch {
                    drop(index, "\(error)")
                }
            }
        }
    }
}

/// A stage's messages sent a window at a time: at most `window` recipients owe an answer at
/// once, and each answer (or drop) releases the next queued message (``RoundDriver/receiveEach``).
struct PacedSends {
    /// Most recipients with an outstanding answer.
    var window: Int
    /// Messages not sent yet, in order.
    var queue: [(Int, Privagg_Federation_V1_CoordinatorMessage)] = []
}

extension RoundDriver {
    /// How many sites may owe their masked input at once: 64 MiB of masked vectors
    /// (`dimension` entries of ⌈bitWidth/8⌉ bytes), at least 8. At 10^5 entries and 48 bits
    /// that is 111 sites; at 10^4 entries, 1,118 (no pacing below that many sites).
    static func maskedInputWindow(dimension: Int, bitWidth: Int) -> Int {
        let bytes = max(1, dimension) * ((bitWidth + 7) / 8)
        return max(8, (64 << 20) / bytes)
    }
}

extension Privagg_Federation_V1_SiteMessage {
    /// The message's kind, for logs.
    var kindName: String {
        switch kind {
        case .join: return "Join"
        case .contribution: return "Contribution"
        case .protocol: return "ProtocolMessage"
        case .evaluation: return "Evaluation"
        case .abort: return "Abort"
        case .keyBinding: return "KeyBinding"
        case nil: return "an empty message"
        }
    }
}
