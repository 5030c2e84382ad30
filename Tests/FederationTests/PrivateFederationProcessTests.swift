import FedAvg
import Federation
import Foundation
import PrivacyAccounting
import SecureAggregation
import Testing

/// The central and distributed privacy modes with four site processes and a coordinator on
/// loopback, against the in-process `FederatedTraining.run` with the same seed.
@Suite(.serialized)
struct PrivateFederationProcessTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    /// The in-process run `privagg train --dataset heart-disease --privacy P --aggregator A --seed SEED`
    /// makes (same construction as TrainCommand: private runs use the public feature ranges).
    static func inProcessRun(privacy: PrivacyMode, aggregator: any Aggregator, seed: UInt64, rounds: Int) async throws -> (TrainingRun, String) {
        let clients = try HeartDisease.clients(sites: HeartDiseaseSite.allCases, seed: seed)
        let ledgers = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-wire-reference-\(UUID().uuidString)").path
        let configuration = TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5), privacy: privacy,
            budget: .init(epsilon: 1e6, delta: 1e-5), ledgerDirectory: ledgers, model: .logisticRegression, seed: seed)
        return (try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: aggregator), ledgers)
    }

    @Test("distributed DP (ddg, secagg): sites encode their noise, the coordinator decodes only the noisy sum; ledgers charged as in process")
    func distributedMatchesInProcess() async throws {
        let harness = try ProcessHarness("distributed")
        let dump = harness.path("dump"), ledgers = harness.path("ledgers")
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
        let (z, clip, seed): (Double, Double, UInt64) = (0.1, 1, 21)
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "2", "--aggregator", "secagg", "--privacy", "distributed",
             "--mechanism", "ddg", "--bits", "16", "--clip-norm", "\(clip)", "--noise-multiplier", "\(z)", "--seed", "\(seed)",
             "--test-dump-dir", dump])
        let sites = try Self.sites.map {
            try harness.site($0, port: port, extra: [
                "--seed", "\(seed)", "--ledger-dir", ledgers, "--epsilon-budget", "1000000", "--test-dump-dir", dump])
        }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        let rounds = report.records.filter { $0.round > 0 }
        #expect(rounds.count == 2 && rounds.allSatisfy { $0.included == Self.sites && !$0.abandoned })

        // Each round's decoded sum against the sum of the sites' clipped updates (dumped by the
        // sites before encoding): they differ by the rounding (the dumped error bound) and the
        // noise, the sum of 4 discrete Gaussians of σ = z·S/√t each (t = 3 of 4), per entry
        // after the inverse rotation a deviation √4·σ; 7 deviations bound it (a false alarm
        // over 36 entries has probability below 1e-10). The noise must be there: the squared
        // norm of the difference, χ² with 18 degrees of freedom times 4σ², is below 1% of
        // its mean with probability below 1e-20.
        let sigma = z * clip / Double(3).squareRoot()
        for round in 1...2 {
            try TestDumps(directory: dump).expectNoisySum(of: Self.sites, round: round, clip: clip, sigma: sigma)
        }

        // The same run in process: the ledgers are charged the same event, so each site's ε is
        // the in-process run's to the last bit of the accountant.
        let secure = try SecureAggregator(variant: .complete, bitWidth: 48, seed: seed)
        let (reference, _) = try await Self.inProcessRun(
            privacy: .distributed(mechanism: .discreteGaussian, bits: 16, clipNorm: clip, noiseMultiplier: z), aggregator: secure, seed: seed, rounds: 2)
        for name in Self.sites {
            let ledger = try PrivacyLedger(openingAt: ledgers + "/\(name).ledger")
            let spent = await ledger.spent.epsilon
            #expect(abs(spent - reference.epsilon) <= 1e-9 * reference.epsilon, "\(name): ε \(spent) vs in process \(reference.epsilon)")
        }
        // The final models cannot be equal: in process one generator draws every client's keys
        // and noise in turn, while each site draws its own, so the noise differs. Each round's
        // mean update carries noise of deviation √4·σ/4 per entry in either run; local training
        // from nearby models stays nearby (logistic loss, step 0.5 on standardized features), so
        // the models stay within 7 deviations of two independent draws per round, summed over
        // the rounds, plus the rounding bounds.
        let perRound = 7 * 2 * (2 * sigma / 4) + rounds.map(\.errorBound).max()! / 4
        let largest = zip(report.finalModel, reference.model.parameters).map { abs($0 - $1) }.max() ?? .infinity
        #expect(report.finalModel.count == reference.model.parameters.count)
        #expect(largest <= 2 * perRound, "largest difference \(largest), bound \(2 * perRound)")
    }

    @Test("central DP (plain): the coordinator samples, adds the noise and charges its own ledger; bit for bit the in-process model; a round over budget stops the run")
    func centralMatchesInProcessAndStopsAtBudget() async throws {
        let harness = try ProcessHarness("central")
        let serverLedgers = harness.path("server-ledger")
        let (sigma, rate, seed): (Double, Double, UInt64) = (1, 0.5, 13)
        // A budget for exactly two of the three rounds asked for, from a ledger's own composition.
        let event = PrivacyEvent.poissonSampled(rate: rate, event: .gaussian(noiseMultiplier: sigma))
        let probe = try PrivacyLedger(
            creatingAt: harness.path("probe.ledger"), budget: .init(epsilon: 1e6, delta: 1e-5), accountant: .rdp)
        _ = try await probe.spend(event)
        let two = try await probe.spend(event).epsilon
        let three = try await probe.projected(event).epsilon
        let budget = (two + three) / 2
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "3", "--aggregator", "plain", "--privacy", "central",
             "--clip-norm", "1", "--noise-multiplier", "\(sigma)", "--client-rate", "\(rate)", "--seed", "\(seed)",
             "--ledger-dir", serverLedgers, "--epsilon-budget", "\(budget)", "--delta", "1e-5"])
        let sites = try Self.sites.map { try harness.site($0, port: port, extra: ["--seed", "\(seed)"]) }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
            #expect(harness.log("\(Self.sites[index]).log").contains("keeps no ledger"))
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        #expect(report.records.filter { $0.round > 0 }.count == 2)
        #expect(report.stopReason?.contains("privacy budget reached: round 3") == true, "\(report.stopReason ?? "no stop reason")")
        let spent = try #require(report.coordinatorEpsilon)
        #expect(abs(spent - two) <= 1e-12 * two && spent <= budget)
        #expect(harness.log("coordinator.log").contains("Stopped early: privacy budget reached"))
        let ledger = try PrivacyLedger(openingAt: serverLedgers + "/server.ledger")
        #expect(abs(await ledger.spent.epsilon - two) <= 1e-12 * two)

        // In process, two rounds: same sampling, same clipped updates, same server noise.
        let (reference, _) = try await Self.inProcessRun(
            privacy: .central(clipNorm: 1, noiseMultiplier: sigma, clientSamplingRate: rate), aggregator: PlainAggregator(), seed: seed, rounds: 2)
        #expect(report.finalModel == reference.model.parameters)
        #expect(report.records.filter { $0.round > 0 }.map(\.accuracy) == reference.rounds.map { Optional($0.accuracy) })
    }
}
