import Foundation
import PrivacyAccounting
import Testing
@testable import FedAvg

/// Issue 17: FedAvg with distributed DP (DDG or Skellam) over SecAgg/SecAgg+: training
/// works, every site's ledger is charged the record-level event before its update leaves,
/// other aggregators are refused before any ledger exists, and a spent budget stops the run.
@Suite("Distributed DP training")
final class DistributedTrainingTests: Sendable {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fedavg-distributed-\(UUID().uuidString)").path

    deinit { try? FileManager.default.removeItem(atPath: root) }

    private func folder() -> String { root + "/" + UUID().uuidString }

    private func configuration(_ privacy: PrivacyMode, rounds: Int, budget: Double, directory: String) throws -> TrainingConfiguration {
        TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 10, samplingRate: 0.2, learningRate: 0.5),
            privacy: privacy, budget: .init(epsilon: budget, delta: 1e-5), ledgerDirectory: directory, seed: 11)
    }

    private static func spent(_ path: String) throws -> (epsilon: Double, events: [PrivacyEvent]) {
        let contents = try LedgerFile.read(path: path)
        var accountant = RDPAccountant()
        for entry in contents.entries { try accountant.compose(entry.event) }
        return (try accountant.epsilon(delta: contents.header.delta).epsilon, contents.entries.map(\.event))
    }

    @Test(arguments: [DistributedMechanism.discreteGaussian, .skellam])
    func shortRunTrainsAndChargesEverySiteTheDoubledEvent(mechanism: DistributedMechanism) async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        let mode = PrivacyMode.distributed(mechanism: mechanism, bits: 16, clipNorm: 1, noiseMultiplier: 2)
        let secure = try SecureAggregator(variant: .complete, seed: 4)
        let run = try await FederatedTraining.run(
            clients: clients, configuration: try configuration(mode, rounds: 6, budget: 1000, directory: directory), aggregator: secure)
        #expect(run.rounds.count == 6 && run.stopReason == nil)
        #expect(run.aggregator == "\(mechanism.rawValue)+secagg")
        // It learns (seeded, so deterministic): well above chance on the four sites' test records.
        #expect(run.accuracy > 0.6, "accuracy \(run.accuracy)")

        let setup = try #require(try FederatedTraining.distributedSetup(
            privacy: mode, aggregator: secure, clients: clients.count, dimension: run.model.parameters.count))
        let clientEvent = try setup.aggregator.roundEvent(clients: clients.count)
        // Twice the client-level sensitivities, the noise of the threshold t clients only.
        let threshold = secure.threshold(clients: clients.count)
        switch (clientEvent, setup.siteEvent) {
        case (.distributedDiscreteGaussian(let s1, let n1, let d1, let l1, let l2), .distributedDiscreteGaussian(let s2, let n2, let d2, let m1, let m2)):
            #expect(mechanism == .discreteGaussian)
            #expect(s1 == s2 && n1 == threshold && n2 == threshold && d1 == d2 && m1 == 2 * l1 && m2 == 2 * l2)
        case (.distributedSkellam(let mu1, let n1, let l1, let l2), .distributedSkellam(let mu2, let n2, let m1, let m2)):
            #expect(mechanism == .skellam)
            #expect(mu1 == mu2 && n1 == threshold && n2 == threshold && m1 == 2 * l1 && m2 == 2 * l2)
        default:
            Issue.record("unexpected events \(clientEvent), \(setup.siteEvent)")
        }
        var largest = 0.0
        for client in clients {
            let (epsilon, events) = try Self.spent(directory + "/\(client.name).ledger")
            #expect(events == Array(repeating: setup.siteEvent, count: 6), "\(client.name)")
            largest = max(largest, epsilon)
        }
        #expect(abs(run.epsilon - largest) < 1e-9)
        // The central Gaussian with the same noise is reported per round, growing, and is
        // below the distributed ε (rounding inflates the sensitivity; the noise is the same).
        let central = run.rounds.compactMap(\.centralGaussianEpsilon)
        #expect(central.count == 6)
        #expect(zip(central, central.dropFirst()).allSatisfy { $0 < $1 })
        let last = try #require(central.last)
        #expect(last < run.epsilon && last > 0.5 * run.epsilon, "central \(last), distributed \(run.epsilon)")
        let expected = try RDPAccountant().composing(setup.centralComparison, count: 6).epsilon(delta: 1e-5).epsilon
        #expect(abs(last - expected) < 1e-9)
    }

    @Test func secAggPlusRunsUnderTheDistributedMode() async throws {
        let clients = try SyntheticData.clients(count: 12, dimension: 10, recordsPerClient: 60, labelSkew: 1, seed: 3)
        let run = try await FederatedTraining.run(
            clients: clients,
            configuration: try configuration(.distributed(mechanism: .skellam, bits: 12, clipNorm: 1, noiseMultiplier: 1), rounds: 2, budget: 1000, directory: folder()),
            aggregator: try SecureAggregator(variant: .sparse(dropoutFraction: 0.1, corruptFraction: 0.1), seed: 9))
        #expect(run.rounds.count == 2 && run.aggregator == "skellam+secagg+")
        #expect(run.epsilon.isFinite && run.epsilon > 0)
    }

    @Test func plainAndPaillierAggregatorsAreRefusedBeforeAnyLedgerExists() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let mode = PrivacyMode.distributed(mechanism: .discreteGaussian, bits: 16, clipNorm: 1, noiseMultiplier: 2)
        let aggregators: [any Aggregator] = [PlainAggregator(), try PaillierAggregator(keyBits: 512, allowInsecureForTests: true)]
        for aggregator in aggregators {
            let directory = folder()
            await #expect {
                _ = try await FederatedTraining.run(
                    clients: clients, configuration: try self.configuration(mode, rounds: 2, budget: 100, directory: directory), aggregator: aggregator)
            } throws: { error in
                guard case FedAvgError.invalidParameter(let name, _) = error else { return false }
                return name == "aggregator"
            }
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).isEmpty, "\(aggregator.name)")
        }
    }

    @Test func tooFewBitsAreRefusedWithTheParameterChoiceReason() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        await #expect {
            _ = try await FederatedTraining.run(
                clients: clients,
                configuration: try self.configuration(.distributed(mechanism: .skellam, bits: 7, clipNorm: 1, noiseMultiplier: 2), rounds: 2, budget: 100, directory: self.folder()),
                aggregator: try SecureAggregator(seed: 1))
        } throws: { error in
            guard case FedAvgError.invalidParameter(let name, _) = error else { return false }
            return name == "bits"
        }
    }

    @Test func aSpentBudgetStopsTheRunLikeTheOtherModes() async throws {
        let clients = try HeartDisease.clients(seed: 7)
        let directory = folder()
        let mode = PrivacyMode.distributed(mechanism: .discreteGaussian, bits: 16, clipNorm: 1, noiseMultiplier: 2)
        let run = try await FederatedTraining.run(
            clients: clients, configuration: try configuration(mode, rounds: 40, budget: 8, directory: directory),
            aggregator: try SecureAggregator(seed: 4))
        #expect(run.stopReason?.contains("privacy budget reached") == true, "\(run.stopReason ?? "no stop")")
        #expect(run.rounds.count >= 1 && run.rounds.count < 40)
        #expect(run.epsilon <= 8)
        for client in clients {
            let (epsilon, events) = try Self.spent(directory + "/\(client.name).ledger")
            #expect(epsilon <= 8 && events.count == run.rounds.count)
        }
        // The same folder again: the budget is spent, nothing is trained.
        let again = try await FederatedTraining.run(
            clients: clients, configuration: try configuration(mode, rounds: 40, budget: 8, directory: directory),
            aggregator: try SecureAggregator(seed: 5))
        #expect(again.trainedNothing)
        #expect(again.stopReason?.contains("before the first round") == true)
    }
}
