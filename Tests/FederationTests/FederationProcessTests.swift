import FedAvg
import Federation
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A coordinator and four site processes on loopback, through the built `privagg-federation`.
@Suite(.serialized)
struct FederationProcessTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    /// The in-process run `privagg train --dataset heart-disease --privacy none --aggregator plain
    /// --seed SEED --rounds R` makes (same construction as TrainCommand).
    static func inProcessPlainRun(seed: UInt64, rounds: Int) async throws -> TrainingRun {
        var clients = try HeartDisease.clients(sites: HeartDiseaseSite.allCases, seed: seed)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let configuration = TrainingConfiguration(
            rounds: rounds, localTraining: try LocalTraining(steps: 10, samplingRate: 0.1, learningRate: 0.5), privacy: .none,
            model: .logisticRegression, seed: seed)
        return try await FederatedTraining.run(clients: clients, configuration: configuration, aggregator: PlainAggregator())
    }

    @Test("plain: four site processes reach the in-process model bit for bit")
    func plainMatchesInProcess() async throws {
        let harness = try ProcessHarness("plain")
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "3", "--aggregator", "plain", "--privacy", "none", "--seed", "11"])
        let sites = try Self.sites.map { try harness.site($0, port: port, extra: ["--seed", "11"]) }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        let reference = try await Self.inProcessPlainRun(seed: 11, rounds: 3)
        #expect(report.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))
        let rounds = report.records.filter { $0.round > 0 }
        #expect(rounds.count == 3)
        #expect(rounds.map { $0.accuracy } == reference.rounds.map { Optional($0.accuracy) })
        for record in rounds {
            #expect(record.included == Self.sites)
            #expect(record.dropouts.isEmpty)
            // Each site sent its 19-entry contribution and received the model, on the wire.
            #expect(record.bytesUp.count == 4 && record.bytesUp.values.allSatisfy { $0 > 8 * 19 })
        }
        // Round 0 (standardization) sends 3 statistics per feature (18 features): its bytes are reported too.
        let standardization = try #require(report.records.first { $0.round == 0 })
        #expect(standardization.bytesUp.count == 4 && standardization.bytesUp.values.allSatisfy { $0 > 8 * 3 * 18 })
    }

    @Test("secagg+: four site processes reach the in-process model within the quantization error")
    func secureAggregationPlusMatchesWithinQuantization() async throws {
        let harness = try ProcessHarness("secaggplus")
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "2", "--aggregator", "secagg+", "--privacy", "none", "--seed", "5"])
        let sites = try Self.sites.map { try harness.site($0, port: port, extra: ["--seed", "5"]) }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        let reference = try await Self.inProcessPlainRun(seed: 5, rounds: 2)
        #expect(report.finalModel.count == reference.model.parameters.count)
        // 48-bit ring: the sums' quantization error is ~1e-10 of a mean update; through two
        // rounds of training it stays far below 1e-6.
        let largest = zip(report.finalModel, reference.model.parameters).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest < 1e-6, "largest difference \(largest)")
        #expect(report.records.filter { $0.round > 0 }.allSatisfy { $0.included == Self.sites && $0.errorBound > 0 })
        // --insecure: no certificates, so SecAgg runs unauthenticated, and both ends say so.
        #expect(report.secaggAuthenticated == false)
        #expect(harness.log("coordinator.log").contains("SecAgg authenticated mode: off"), "\(harness.log("coordinator.log"))")
        #expect(harness.log("va.log").contains("SecAgg authenticated mode: off (--insecure"), "\(harness.log("va.log"))")
    }

    @Test("kill -9 of a site in the masked-input stage: the round completes with the survivors, exactly their sum")
    func killedSiteDuringMaskedInput() async throws {
        let harness = try ProcessHarness("kill")
        let dump = harness.path("dump")
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "2", "--aggregator", "secagg+", "--privacy", "none",
             "--seed", "3", "--test-dump-dir", dump])
        var sites: [String: Process] = [:]
        for name in Self.sites {
            let pause = name == "va" ? ["--test-pause-before-masked-input", "1"] : []
            sites[name] = try harness.site(name, port: port, extra: ["--seed", "3", "--test-dump-dir", dump] + pause)
        }
        try await harness.waitForFile(dump + "/va-paused-1", timeout: 120)
        kill(sites["va"]!.processIdentifier, SIGKILL)
        for name in Self.sites where name != "va" {
            #expect(try await harness.exitStatus(sites[name]!) == 0, "\(harness.log("\(name).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let survivors = ["cleveland", "hungarian", "switzerland"]
        let dumps = TestDumps(directory: dump)
        #expect(try dumps.sum(round: 1).included == survivors)
        try dumps.expectSum(of: survivors, round: 1)
        let report = try harness.report()
        let round1 = try #require(report.records.first { $0.round == 1 })
        #expect(round1.included == survivors)
        #expect(round1.abandoned == false)
        #expect(round1.dropouts["va"]?.contains("disconnected") == true, "\(round1.dropouts)")
        let round2 = try #require(report.records.first { $0.round == 2 })
        #expect(round2.participants == survivors && round2.included == survivors && !round2.abandoned)
    }

    @Test("below the threshold a secure round is abandoned cleanly and the next one runs")
    func belowThresholdRoundIsAbandoned() async throws {
        let harness = try ProcessHarness("threshold")
        let dump = harness.path("dump")
        try FileManager.default.createDirectory(atPath: dump, withIntermediateDirectories: true)
        let (coordinator, port) = try await harness.coordinator(
            ["--sites", Self.sites.joined(separator: ","), "--rounds", "2", "--aggregator", "secagg", "--privacy", "none",
             "--seed", "4", "--test-dump-dir", dump])
        var sites: [String: Process] = [:]
        let killed = ["switzerland", "va"]
        for name in Self.sites {
            let pause = killed.contains(name) ? ["--test-pause-before-masked-input", "1"] : []
            sites[name] = try harness.site(name, port: port, extra: ["--seed", "4", "--test-dump-dir", dump] + pause)
        }
        for name in killed {
            try await harness.waitForFile(dump + "/\(name)-paused-1", timeout: 120)
            kill(sites[name]!.processIdentifier, SIGKILL)
        }
        for name in Self.sites where !killed.contains(name) {
            #expect(try await harness.exitStatus(sites[name]!) == 0, "\(harness.log("\(name).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        let round1 = try #require(report.records.first { $0.round == 1 })
        #expect(round1.abandoned)
        #expect(round1.abandonReason?.contains("threshold") == true, "\(round1.abandonReason ?? "")")
        #expect(!FileManager.default.fileExists(atPath: dump + "/sum-round-1.json"))
        let round2 = try #require(report.records.first { $0.round == 2 })
        #expect(!round2.abandoned && round2.included == ["cleveland", "hungarian"])
    }
}
