import FedAvg
import Federation
import Foundation
import Testing

/// `privagg-federation simulate`: serve's options and report, the coordinator and the sites in
/// one process over the in-memory transport.
@Suite struct SimulateCommandTests {
    @Test("simulate (plain): the report's model is the in-process run's bit for bit, as serve + four joins make it")
    func plainReportMatchesInProcess() async throws {
        let harness = try ProcessHarness("simulate")
        let process = try harness.launch(
            ["simulate", "--rounds", "2", "--aggregator", "plain", "--privacy", "none", "--seed", "11", "--output", harness.path("out")],
            log: "simulate.log")
        #expect(try await harness.exitStatus(process) == 0, "\(harness.log("simulate.log"))")
        let report = try harness.report()
        let reference = try await FederationProcessTests.inProcessPlainRun(seed: 11, rounds: 2)
        #expect(report.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))
        #expect(report.sites == HeartDiseaseSite.allCases.map(\.rawValue))
        #expect(FileManager.default.fileExists(atPath: harness.path("out/report.md")))
        #expect(FileManager.default.fileExists(atPath: harness.path("out/checkpoint.json")))
        let log = harness.log("simulate.log")
        #expect(log.contains("Federation finished: 2 rounds"))
        for site in HeartDiseaseSite.allCases { #expect(log.contains("Site \(site.rawValue): 2 rounds contributed."), "\(log)") }
    }

    @Test("simulate refuses serve's network options and names outside the dataset")
    func refusesNetworkOptionsAndUnknownSites() async throws {
        let harness = try ProcessHarness("simulate-refusals")
        let cases: [([String], String)] = [
            (["--listen", "127.0.0.1:0"], "--listen does not apply to simulate"),
            (["--tls", "/nonexistent"], "--tls does not apply to simulate"),
            (["--sites", "cleveland,elsewhere", "--privacy", "none"], "elsewhere is not a heart-disease site"),
            (["--dataset", "synthetic", "--clients", "3", "--sites", "client-0,client-3", "--privacy", "none"], "client-3 is not one of client-0 … client-2"),
            (["--aggregator", "paillier", "--paillier-public-key", "/nonexistent"], "needs --paillier-key"),
        ]
        for (index, (arguments, message)) in cases.enumerated() {
            let process = try harness.launch(["simulate"] + arguments, log: "refusal-\(index).log")
            let status = try await harness.exitStatus(process)
            #expect(status != 0)
            #expect(harness.log("refusal-\(index).log").contains(message), "\(harness.log("refusal-\(index).log"))")
        }
    }
}
