import Crypto
import FedAvg
import Foundation
import PrivacyAccounting
import Testing
@testable import FlowerInterop

private func temporaryFolder() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("flower-site-\(UUID().uuidString)").path
}

/// A site on a ledger that an earlier object of this process may still hold for a moment (its
/// lock goes when it is deallocated); only "in use" is waited out, every other error thrown.
private func openWhenUnlocked(_ settings: PrivAggSite.Settings) async throws -> PrivAggSite {
    for _ in 0..<100 {
        do { return try PrivAggSite(settings: settings) } catch PrivacyAccountingError.ledgerInUse {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
    return try PrivAggSite(settings: settings)
}

@Suite("PrivAgg site behind a Flower node")
struct PrivAggSiteTests {
    private func settings(_ site: HeartDiseaseSite, folder: String, seed: UInt64 = 42, epsilon: Double = 3) -> PrivAggSite.Settings {
        var settings = PrivAggSite.Settings(site: site, privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: epsilon, delta: 1e-5))
        settings.ledgerDirectory = folder
        settings.seed = seed
        return settings
    }

    @Test("four sites averaged as Flower's FedAvg does reproduce `privagg train --aggregator plain --seed`")
    func matchesFederatedTraining() async throws {
        let rounds = 3
        // PrivAgg's own loop.
        let clients = try HeartDisease.clients(seed: 7)
        let configuration = TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5),
            privacy: .dpSGD(clipNorm: 1, noiseMultiplier: 3), budget: .init(epsilon: 3, delta: 1e-5), ledgerDirectory: temporaryFolder(), seed: 42)
        let reference = try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())

        // The same sites behind Flower: each trains from the global model, the server takes
        // the num-examples-weighted mean of the local models (aggregate_arrayrecords).
        let folder = temporaryFolder()
        var sites: [PrivAggSite] = []
        for site in HeartDiseaseSite.allCases { sites.append(try PrivAggSite(settings: settings(site, folder: folder))) }
        let dimension = sites[0].featureCount
        var weights = [Double](repeating: 0, count: dimension), bias = 0.0
        for round in 1...rounds {
            var results: [PrivAggSite.TrainingResult] = []
            for site in sites { results.append(try await site.train(weights: weights, bias: bias, round: round)) }
            let total = Double(results.reduce(0) { $0 + $1.examples })
            var nextWeights = [Double](repeating: 0, count: dimension), nextBias = 0.0
            for result in results {
                let factor = Double(result.examples) / total
                for index in 0..<dimension { nextWeights[index] += result.weights[index] * factor }
                nextBias += result.bias * factor
            }
            (weights, bias) = (nextWeights, nextBias)
        }
        let expected = reference.model.parameters
        for (index, value) in (weights + [bias]).enumerated() { #expect(abs(value - expected[index]) < 1e-9) }
        var correct = 0.0, count = 0
        for site in sites {
            let result = try await site.evaluate(weights: weights, bias: bias)
            correct += result.accuracy * Double(result.examples)
            count += result.examples
        }
        #expect(abs(correct / Double(count) - (reference.rounds.last?.accuracy ?? -1)) < 1e-12)
        // One spend per round in every site's ledger, as the reference run's.
        for site in sites {
            let path = try #require(site.ledgerPath)
            #expect(try LedgerFile.read(path: path).entries.count == rounds)
        }
    }

    @Test("a round the budget cannot pay for is refused before anything is trained or charged")
    func budgetRefusal() async throws {
        let folder = temporaryFolder()
        let site = try PrivAggSite(settings: settings(.hungarian, folder: folder, epsilon: 0.05))
        let weights = [Double](repeating: 0, count: site.featureCount)
        await #expect(throws: SiteError.self) { try await site.train(weights: weights, bias: 0, round: 1) }
        do {
            _ = try await site.train(weights: weights, bias: 0, round: 1)
        } catch let SiteError.budgetExhausted(reason) {
            #expect(reason.contains("hungarian") && reason.contains("0.050"))
        }
        #expect(try LedgerFile.read(path: try #require(site.ledgerPath)).entries.isEmpty)
    }

    @Test("the ledger is charged before the update leaves, and held locked against a second site process")
    func chargedAndLocked() async throws {
        let folder = temporaryFolder()
        let site = try PrivAggSite(settings: settings(.va, folder: folder))
        let result = try await site.train(weights: [Double](repeating: 0, count: site.featureCount), bias: 0, round: 1)
        #expect((result.epsilon ?? 0) > 0)
        #expect(result.examples > 0)
        #expect(try LedgerFile.read(path: try #require(site.ledgerPath)).entries.count == 1)
        // A second node for the same site on the same ledger cannot spend the same budget twice.
        do {
            _ = try PrivAggSite(settings: settings(.va, folder: folder))
            Issue.record("a second site opened a ledger that is in use")
        } catch PrivacyAccountingError.ledgerInUse {
        }
        _ = try await site.train(weights: result.weights, bias: result.bias, round: 2)
        #expect(try LedgerFile.read(path: try #require(site.ledgerPath)).entries.count == 2)
    }

    @Test("an existing ledger is reopened and must have the same budget")
    func reopened() async throws {
        let folder = temporaryFolder()
        let path = (folder as NSString).appendingPathComponent("va.ledger")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        do {
            let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 3, delta: 1e-5))
            _ = try await ledger.spend(.gaussian(noiseMultiplier: 5), label: "an earlier run")
        }
        // Another budget on the same ledger is refused.
        await #expect(throws: SiteError.self) { try await openWhenUnlocked(settings(.va, folder: folder, epsilon: 5)) }
        let reopened = try await openWhenUnlocked(settings(.va, folder: folder))
        let before = try #require(await reopened.spentEpsilon())
        #expect(before > 0)
        let result = try await reopened.train(weights: [Double](repeating: 0, count: reopened.featureCount), bias: 0, round: 1)
        #expect((result.epsilon ?? 0) > before)
        #expect(try LedgerFile.read(path: path).entries.count == 2)
    }

    @Test("models of the wrong size or with non-finite values are refused")
    func invalidModels() async throws {
        let site = try PrivAggSite(settings: settings(.switzerland, folder: temporaryFolder()))
        await #expect(throws: SiteError.invalidModel("weights have 3 entries; switzerland has \(site.featureCount) features")) {
            try await site.train(weights: [0, 0, 0], bias: 0, round: 1)
        }
        var weights = [Double](repeating: 0, count: site.featureCount)
        weights[0] = .nan
        await #expect(throws: SiteError.invalidModel("non-finite parameters")) { try await site.evaluate(weights: weights, bias: 0) }
        #expect(try LedgerFile.read(path: try #require(site.ledgerPath)).entries.isEmpty)
    }

    @Test("a non-private site is refused on a folder whose ledger tracks it")
    func nonPrivateOnTrackedSite() async throws {
        let folder = temporaryFolder()
        _ = try PrivAggSite(settings: settings(.cleveland, folder: folder))
        var plain = PrivAggSite.Settings(site: .cleveland, privacy: .none, budget: nil)
        plain.ledgerDirectory = folder
        #expect(throws: SiteError.self) { try PrivAggSite(settings: plain) }
    }
}

@Suite("Node authentication")
struct NodeIdentityTests {
    @Test("headers carry the PEM key, an ISO timestamp, and a P-384 ECDSA/SHA-256 signature over it")
    func headers() throws {
        let identity = NodeIdentity()
        let headers = Dictionary(uniqueKeysWithValues: try identity.authenticationHeaders(at: Date(timeIntervalSince1970: 1_764_494_400.25)))
        #expect(headers["flwr-timestamp"] == "2025-11-30T09:20:00.250000+00:00")
        let keyHeader = try #require(headers["flwr-public-key"])
        let pem = String(decoding: try #require(Data(base64Encoded: keyHeader)), as: UTF8.self)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let key = try P384.Signing.PublicKey(pemRepresentation: pem)
        let signatureHeader = try #require(headers["flwr-signature"])
        let signature = try P384.Signing.ECDSASignature(derRepresentation: try #require(Data(base64Encoded: signatureHeader)))
        let timestamp = try #require(headers["flwr-timestamp"])
        #expect(key.isValidSignature(signature, for: SHA256.hash(data: Data(timestamp.utf8))))
        #expect(!key.isValidSignature(signature, for: SHA256.hash(data: Data("2025-11-30T09:20:01.250000+00:00".utf8))))
    }

    @Test("a pre-registered key is read from PEM; anything else is refused")
    func pemKey() throws {
        let key = P384.Signing.PrivateKey()
        let identity = try NodeIdentity(privateKeyPEM: key.pemRepresentation)
        #expect(identity.publicKeyPEM == Data(key.publicKey.pemRepresentation.utf8))
        #expect(throws: FlowerInteropError.invalidContent("the node key is not a PEM P-384 private key")) {
            try NodeIdentity(privateKeyPEM: P256.Signing.PrivateKey().pemRepresentation)
        }
    }
}
