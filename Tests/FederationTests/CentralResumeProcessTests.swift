import FedAvg
import Federation
import Foundation
import PrivacyAccounting
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Central DP and `serve --resume`: the coordinator's own ledger across a `kill -9`.
@Suite(.serialized)
struct CentralResumeProcessTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    /// Policy under test (README, "Faults"): the coordinator charges a central round before it
    /// starts; a round interrupted before its checkpoint is run again on resume and charged
    /// again, so the ledger may over-count that one round but never under-counts.
    @Test("central DP: kill -9 the coordinator after aggregating round 2, resume: the model is the uninterrupted one; the interrupted round is charged again, never lost")
    func centralKillAndResume() async throws {
        let harness = try ProcessHarness("central-resume")
        let serverLedgers = harness.path("server-ledger")
        let dump = harness.path("dump")
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
        let (sigma, rate, seed): (Double, Double, UInt64) = (1, 0.5, 29)
        let arguments = ["--sites", Self.sites.joined(separator: ","), "--rounds", "3", "--aggregator", "plain", "--privacy", "central",
                         "--clip-norm", "1", "--noise-multiplier", "\(sigma)", "--client-rate", "\(rate)", "--seed", "\(seed)",
                         "--ledger-dir", serverLedgers, "--epsilon-budget", "1000", "--delta", "1e-5"]
        var (coordinator, port) = try await harness.coordinator(arguments + ["--test-dump-dir", dump, "--test-stall-after-aggregating", "2"])
        var sites = try Self.sites.map { try harness.site($0, port: port, extra: ["--seed", "\(seed)"]) }
        try await harness.waitForFile(dump + "/stalled-2", timeout: 600)
        kill(coordinator.processIdentifier, SIGKILL)
        #expect(try await harness.exitStatus(coordinator) == SIGKILL)
        for site in sites { #expect(try await harness.exitStatus(site) != 0) }
        let checkpoint = try CoordinatorCheckpoint(contentsOf: harness.path("out/checkpoint.json"))
        #expect(checkpoint.completedRounds == 1)
        let beforeResume = try await Self.ledgerLabels(serverLedgers)
        #expect(beforeResume.count == 2, "\(beforeResume)")

        try FileManager.default.removeItem(atPath: harness.path("port"))
        (coordinator, port) = try await harness.coordinator(arguments + ["--resume"])
        sites = try Self.sites.map { try harness.site($0, port: port, extra: ["--seed", "\(seed)"]) }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        #expect(report.firstRound == 2)
        // Rounds 1 and 2 before the kill, 2 again and 3 after: round 2 twice, nothing lost.
        let labels = try await Self.ledgerLabels(serverLedgers)
        #expect(labels.count == 4, "\(labels)")
        #expect(labels.filter { $0.hasPrefix("round 2 ") }.count == 2, "\(labels)")
        #expect(labels.last?.hasPrefix("round 3 ") == true, "\(labels)")
        let ledger = try PrivacyLedger(openingAt: serverLedgers + "/server.ledger")
        let spent = await ledger.spent.epsilon
        await ledger.close()
        #expect(abs(try #require(report.coordinatorEpsilon) - spent) <= 1e-12 * spent)

        // The re-run round samples the same sites and draws the same server noise (both from
        // the seed and the round), so the model is the uninterrupted in-process one, bit for bit.
        let (reference, _) = try await PrivateFederationProcessTests.inProcessRun(
            privacy: .central(clipNorm: 1, noiseMultiplier: sigma, clientSamplingRate: rate), aggregator: PlainAggregator(), seed: seed, rounds: 3)
        #expect(report.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))
    }

    /// The labels of the coordinator's ledger entries, in order.
    static func ledgerLabels(_ directory: String) async throws -> [String] {
        let ledger = try PrivacyLedger(openingAt: directory + "/server.ledger")
        let labels = await ledger.entries.map { $0.label ?? "" }
        await ledger.close()
        return labels
    }
}
