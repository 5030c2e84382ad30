import FedAvg
@_spi(Fuzzing) import Federation
import FederationSupport
import FederationTLS
@_spi(Fuzzing) import FlowerInterop
import Foundation
import FuzzHarness
import SecureAggregation
import Sodium

/// Seeds of the federation and Flower targets: valid examples made through the public API
/// (the federation's messages as its sessions build them, Flower objects as the node deflates
/// them), plus a few that exercise each refusal.
enum NetworkSeeds {
    static func coordinatorCheckpoints() throws -> [(String, [UInt8])] {
        [
            ("minimal", try FederationSupport.CoordinatorCheckpoint(completedRounds: 0, configurationFingerprint: "x", parameters: []).encoded()),
            ("round-3", try FederationSupport.CoordinatorCheckpoint(
                completedRounds: 3, configurationFingerprint: "aggregator=secagg privacy=dp-sgd rounds=10",
                parameters: [0.5, -1.25, 3e-300, 1e300, 0], payload: Array("{\"records\":[]}".utf8)).encoded()),
        ]
    }

    static func federationCheckpoints() throws -> [(String, [UInt8])] {
        let record = """
            {"abandoned":false,"accuracy":0.8,"bytesDown":{"a":10},"bytesUp":{"a":20},"dropouts":{"b":"timeout"},"errorBound":0.001,\
            "included":["a"],"loss":0.4,"participants":["a","b"],"round":1,"stageSeconds":[{"seconds":0.5,"stage":"Contribution"}],"wallSeconds":1.5}
            """
        let texts = [
            ("empty", #"{"completedRounds":0,"parameters":[],"records":[],"settings":"","sites":[],"statistics":[],"version":1}"#),
            ("round-1", """
                {"completedRounds":1,"parameters":[0.5,-1.25,3],"records":[\(record)],"settings":"aggregator=plain privacy=none",\
                "sites":["a","b"],"statistics":[1,2,3],"version":1}
                """),
        ]
        let folder = FuzzFolder.make("seeds-checkpoint")
        defer { try? FileManager.default.removeItem(atPath: folder) }  // scratch space only
        for (name, text) in texts {
            let path = folder + "/\(name).json"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            _ = try Federation.CoordinatorCheckpoint(contentsOf: path)  // a seed must be valid
        }
        return texts.map { ($0.0, Array($0.1.utf8)) }
    }

    static func keyBindings() throws -> [(String, [UInt8])] {
        let folder = FuzzFolder.make("seeds-binding")
        defer { try? FileManager.default.removeItem(atPath: folder) }  // scratch space only
        var seeds: [(String, [UInt8])] = []
        for algorithm in FederationKeyAlgorithm.allCases {
            let layout = try FederationAuthority.create(
                in: folder + "/\(algorithm.rawValue)", sites: ["hospital-a"], validity: CertificateValidity(days: 30), keyAlgorithm: algorithm)
            let credentials = try NodeCredentials(directory: layout.siteDirectory(try NodeName("hospital-a")), role: .site)
            let binding = try SecAggKeyBinding(signing: [UInt8](repeating: 0x42, count: 32), context: Array("session 1 round 2".utf8), with: credentials)
            seeds.append(("binding-\(algorithm.rawValue)", binding.serialized()))
        }
        return seeds
    }

    /// A selector byte (run `s % 3`, round `s / 3 % 3`) and a serialized message.
    private static func selected(_ selector: UInt8, _ bytes: [UInt8]) -> [UInt8] { [selector] + bytes }

    static func siteMessages() throws -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        var join = Privagg_Federation_V1_SiteMessage()
        join.join.protocolVersion = FederationProtocol.version
        join.join.site = "hospital-a"
        join.join.trainingRecords = 200
        join.join.featureCount = UInt32(FederationMessageTargets.featureCount)
        seeds.append(("join", selected(0, try join.serializedBytes())))
        for (run, settings) in FederationMessageTargets.runs.enumerated() {
            let training = settings.trainingConfiguration(seed: nil)
            let dimension = try FederatedRound.initialModel(configuration: training, featureCount: FederationMessageTargets.featureCount).parameters.count
            var update = (0..<dimension).map { Double($0 % 7) * 0.01 - 0.02 }
            update.append(settings.privacy == .local(clipNorm: 1, noiseMultiplier: 2) ? 0 : 120)
            var contribution = Privagg_Federation_V1_SiteMessage()
            contribution.contribution.round = 1
            contribution.contribution.values = FederationProtocol.pack(update)
            seeds.append(("contribution-run\(run)-round1", selected(UInt8(run + 3), try contribution.serializedBytes())))
        }
        var statistics = Privagg_Federation_V1_SiteMessage()
        statistics.contribution.round = 0
        statistics.contribution.values = FederationProtocol.pack((0..<Standardization.statisticsLength(features: FederationMessageTargets.featureCount)).map { Double($0) })
        seeds.append(("statistics-round0", selected(0, try statistics.serializedBytes())))
        var evaluation = Privagg_Federation_V1_SiteMessage()
        evaluation.evaluation.round = 1
        evaluation.evaluation.correct = 40
        evaluation.evaluation.count = 50
        evaluation.evaluation.loss = 21.5
        seeds.append(("evaluation", selected(3, try evaluation.serializedBytes())))
        for (index, (_, secAgg)) in try SecAggSeeds.messages().prefix(2).enumerated() {
            var message = Privagg_Federation_V1_SiteMessage()
            message.protocol.round = 1
            message.protocol.payload = Data(secAgg)
            seeds.append(("protocol-\(index)", selected(4, try message.serializedBytes())))
        }
        var abort = Privagg_Federation_V1_SiteMessage()
        abort.abort.reason = "budget reached"
        seeds.append(("abort", selected(0, try abort.serializedBytes())))
        // SecAgg's authenticated mode: the binding a site sends after Welcome.
        var binding = Privagg_Federation_V1_SiteMessage()
        binding.keyBinding.binding = Data(try keyBindings()[0].1)
        seeds.append(("key-binding", selected(1, try binding.serializedBytes())))
        return seeds
    }

    static func coordinatorMessages() throws -> [(String, [UInt8])] {
        var seeds: [(String, [UInt8])] = []
        for (run, settings) in FederationMessageTargets.runs.enumerated() {
            var welcome = Privagg_Federation_V1_CoordinatorMessage()
            welcome.welcome.siteIndex = 1
            welcome.welcome.siteCount = 3
            welcome.welcome.rounds = UInt32(settings.rounds)
            welcome.welcome.aggregator = settings.aggregator.rawValue
            welcome.welcome.privacy = settings.privacy.name
            if case .dpSGD(let clip, let sigma) = settings.privacy { welcome.welcome.clipNorm = clip; welcome.welcome.noiseMultiplier = sigma }
            if case .local(let clip, let sigma) = settings.privacy { welcome.welcome.clipNorm = clip; welcome.welcome.noiseMultiplier = sigma }
            welcome.welcome.localSteps = UInt32(settings.localTraining.steps)
            welcome.welcome.samplingRate = settings.localTraining.samplingRate
            welcome.welcome.learningRate = settings.localTraining.learningRate
            welcome.welcome.model = settings.model.name
            welcome.welcome.l2Penalty = settings.l2Penalty
            welcome.welcome.updateBound = settings.updateBound
            welcome.welcome.maximumClientRecords = UInt64(settings.maximumClientRecords)
            welcome.welcome.standardize = settings.standardizes
            welcome.welcome.bitWidth = UInt32(settings.bitWidth)
            welcome.welcome.firstRound = 1
            seeds.append(("welcome-run\(run)", selected(UInt8(run), try welcome.serializedBytes())))
            if settings.aggregator.isSecure {
                // Authenticated mode (mutual TLS): the run's 32-byte session id.
                welcome.welcome.secaggAuthenticated = true
                welcome.welcome.sessionID = Data((0..<32).map { UInt8($0) })
                seeds.append(("welcome-authenticated-run\(run)", selected(UInt8(run), try welcome.serializedBytes())))
                welcome.welcome.secaggAuthenticated = false
                welcome.welcome.sessionID = Data()
            }

            let training = settings.trainingConfiguration(seed: nil)
            let model = try FederatedRound.initialModel(configuration: training, featureCount: FederationMessageTargets.featureCount).parameters
            var start = Privagg_Federation_V1_CoordinatorMessage()
            start.roundStart.round = 1
            start.roundStart.model = FederationProtocol.pack(model)
            if settings.aggregator.isSecure {
                start.roundStart.secureAggregation.protocolRound = 2
                start.roundStart.secureAggregation.threshold = 2
                start.roundStart.secureAggregation.bitWidth = UInt32(settings.bitWidth)
                start.roundStart.secureAggregation.dimension = UInt32(model.count + 1)
                start.roundStart.secureAggregation.clippingBound = FederatedRound.aggregationBound(configuration: training)
                start.roundStart.secureAggregation.quantizerClients = 3
                start.roundStart.secureAggregation.graphDegree = 2
                start.roundStart.secureAggregation.neighbours = [0, 2]
            }
            seeds.append(("round-start-run\(run)", selected(UInt8(run), try start.serializedBytes())))
            var result = Privagg_Federation_V1_CoordinatorMessage()
            result.roundResult.round = 1
            result.roundResult.model = FederationProtocol.pack(model)
            result.roundResult.includedSites = ["hospital-a", "hospital-b"]
            seeds.append(("round-result-run\(run)", selected(UInt8(run), try result.serializedBytes())))
        }
        var request = Privagg_Federation_V1_CoordinatorMessage()
        request.statisticsRequest = Privagg_Federation_V1_StatisticsRequest()
        seeds.append(("statistics-request", selected(0, try request.serializedBytes())))
        var statistics = Privagg_Federation_V1_CoordinatorMessage()
        let features = FederationMessageTargets.featureCount
        statistics.statisticsResult.summed = FederationProtocol.pack(
            (0..<features).map { _ in 100.0 } + (0..<features).map { Double($0) * 100 } + (0..<features).map { Double($0 * $0) * 100 + 50 })
        seeds.append(("statistics-result", selected(0, try statistics.serializedBytes())))
        for (index, (_, secAgg)) in try SecAggSeeds.messages().dropFirst(2).prefix(2).enumerated() {
            var message = Privagg_Federation_V1_CoordinatorMessage()
            message.protocol.round = 1
            message.protocol.payload = Data(secAgg)
            seeds.append(("protocol-\(index)", selected(1, try message.serializedBytes())))
        }
        var finished = Privagg_Federation_V1_CoordinatorMessage()
        finished.finished.completedRounds = 3
        finished.finished.stopReason = "budget"
        seeds.append(("finished", selected(0, try finished.serializedBytes())))
        return seeds
    }

    static func npyArrays() throws -> [(String, [UInt8])] {
        [
            ("matrix-f64", [UInt8](try NPYArray(shape: [2, 3], values: [1, -2, 3.5, 0, 1e-300, -0.0]).npyData())),
            ("vector-f32", [UInt8](try NPYArray(shape: [4], values: [1, 2, 3, 4], elementType: .float32).npyData())),
            ("scalar", [UInt8](try NPYArray(shape: [], values: [42]).npyData())),
            ("empty", [UInt8](try NPYArray(shape: [0, 5], values: []).npyData())),
        ]
    }

    /// A message as the objects target reads it: two flag bytes, then each object with its
    /// 3-byte big-endian length, the message first.
    static func flowerObjects() throws -> [(String, [UInt8])] {
        let weights = try NPYArray(shape: [2, 2], values: [0.5, -0.5, 1, 2])
        let bias = try NPYArray(shape: [2], values: [0, 1], elementType: .float32)
        let contents: [(String, RecordDict)] = [
            ("arrays", RecordDict([("arrays", .arrays([("weights", FlowerArray(weights)), ("bias", FlowerArray(bias))]))])),
            ("config", RecordDict([("config", .config([
                ("server-round", .int(3)), ("lr", .double(0.1)), ("name", .string("x")), ("flags", .bools([true, false])),
                ("blob", .bytes(Data([1, 2, 3]))), ("counts", .uints([1, 2])),
            ]))])),
            ("metrics", RecordDict([("metrics", .metrics([("loss", .double(0.25)), ("n", .int(40)), ("curve", .doubles([0.5, 0.25]))]))])),
            ("empty", RecordDict()),
        ]
        var seeds: [(String, [UInt8])] = []
        for (name, content) in contents {
            let (root, objects) = FlowerFuzzing.deflateMessage(content)
            let ordered = objects.filter { $0.id == root } + objects.filter { $0.id != root }
            var bytes: [UInt8] = [0, 0]
            for object in ordered {
                let count = object.content.count
                bytes += [UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)] + [UInt8](object.content)
            }
            seeds.append(("message-\(name)", bytes))
            var swapped = bytes
            swapped[0] = 1
            seeds.append(("message-\(name)-wrong-id", swapped))
        }
        return seeds
    }
}
