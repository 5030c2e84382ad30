import FedAvg
import Federation
import Foundation
import Paillier
import Testing

/// Packed Paillier across processes: four sites sharing a key pair, a coordinator with the
/// public key only, against the in-process `PaillierAggregator` run with the same seed.
@Suite(.serialized)
struct PaillierFederationProcessTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    @Test("paillier (dp-sgd): the coordinator multiplies ciphertexts, the sites decrypt; the model is the in-process one within the quantization error")
    func paillierMatchesInProcess() async throws {
        let harness = try ProcessHarness("paillier")
        let dump = harness.path("dump")
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
        // 1024 bits keeps the test fast; below 2048 only with --insecure-for-tests.
        let key = try Paillier.PrivateKey.generate(bits: 1024, allowInsecureForTests: true)
        let privatePath = harness.path("paillier.key"), publicPath = harness.path("paillier.pub")
        try #require(FileManager.default.createFile(atPath: privatePath, contents: try Paillier.Pheutil.write(key), attributes: [.posixPermissions: 0o600]))
        try Paillier.Pheutil.write(key.publicKey).write(to: URL(fileURLWithPath: publicPath))
        let seed: UInt64 = 17
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "2", "--aggregator", "paillier", "--privacy", "dp-sgd",
             "--paillier-public-key", publicPath, "--insecure-for-tests", "--seed", "\(seed)", "--test-dump-dir", dump])
        let sites = try Self.sites.map {
            try harness.site($0, port: port, extra: [
                "--seed", "\(seed)", "--paillier-key", privatePath, "--insecure-for-tests", "--ledger-dir", harness.path("ledgers"),
                "--epsilon-budget", "1000", "--test-dump-dir", dump])
        }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        let rounds = report.records.filter { $0.round > 0 }
        #expect(rounds.count == 2 && rounds.allSatisfy { $0.included == Self.sites && !$0.abandoned && $0.errorBound > 0 })
        // Each round's decrypted sum is the sum of the sites' contributions within the
        // quantization bound n·bound/(2^31 − 1) the report states.
        for round in 1...2 {
            try TestDumps(directory: dump).expectSum(of: Self.sites, round: round)
        }

        // In process with the same key and seed: the sites' DP-SGD noise comes from the seed,
        // so only the two runs' stochastic rounding differs. Each round's weighted sum is off
        // by at most n·bound/(2^31 − 1) ≈ 1.9e-3 per entry in each run, over a total weight of
        // several hundred records: under 1e-5 per entry of the mean update; 1e-4 over two
        // rounds leaves room for the training to carry it.
        let clients = try HeartDisease.clients(sites: HeartDiseaseSite.allCases, seed: seed)
        let configuration = TrainingConfiguration(
            rounds: 2, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: 1000, delta: 1e-5),
            ledgerDirectory: harness.path("reference-ledgers"), model: .logisticRegression, seed: seed)
        let reference = try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: try PaillierAggregator(privateKey: key))
        let largest = zip(report.finalModel, reference.model.parameters).map { abs($0 - $1) }.max() ?? .infinity
        #expect(report.finalModel.count == reference.model.parameters.count)
        #expect(largest < 1e-4, "largest difference \(largest)")
    }

    @Test("join refuses a Paillier private key readable by others")
    func refusesOpenKeyFile() async throws {
        let harness = try ProcessHarness("paillier-mode")
        let key = try Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true)
        let path = harness.path("open.key")
        try #require(FileManager.default.createFile(atPath: path, contents: try Paillier.Pheutil.write(key), attributes: [.posixPermissions: 0o644]))
        let site = try harness.site("cleveland", port: 1, extra: ["--paillier-key", path, "--insecure-for-tests"])
        #expect(try await harness.exitStatus(site) != 0)
        #expect(harness.log("cleveland.log").contains("must be 0600"), "\(harness.log("cleveland.log"))")
    }

    @Test("a site whose Paillier key pair is not the coordinator's refuses the run before it trains or charges anything")
    func refusesAnotherKeyPair() async throws {
        let harness = try ProcessHarness("paillier-fingerprint")
        let ours = try Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true)
        let theirs = try Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true)
        let privatePath = harness.path("ours.key"), publicPath = harness.path("theirs.pub")
        try #require(FileManager.default.createFile(atPath: privatePath, contents: try Paillier.Pheutil.write(ours), attributes: [.posixPermissions: 0o600]))
        try Paillier.Pheutil.write(theirs.publicKey).write(to: URL(fileURLWithPath: publicPath))
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "1", "--aggregator", "paillier", "--privacy", "dp-sgd",
             "--paillier-public-key", publicPath, "--insecure-for-tests", "--seed", "3"])
        let ledgers = harness.path("ledgers")
        let site = try harness.site("cleveland", port: port, extra: [
            "--seed", "3", "--paillier-key", privatePath, "--insecure-for-tests", "--ledger-dir", ledgers, "--epsilon-budget", "1000"])
        #expect(try await harness.exitStatus(site) != 0)
        let log = harness.log("cleveland.log")
        #expect(log.contains("is not this site's key (\(ours.publicKey.fingerprint))"), "\(log)")
        // Refused before the ledger is opened: nothing was charged, no ledger was created.
        #expect(!FileManager.default.fileExists(atPath: ledgers + "/cleveland.ledger"))
        coordinator.terminate()
        _ = try await harness.exitStatus(coordinator)
    }
}
