import FedAvg
import Federation
import Foundation
import Testing

/// SecAgg's authenticated mode in real processes: with mutual TLS and a secure aggregator,
/// every site binds a fresh Ed25519 key to its certificate, the coordinator and every peer
/// verify the bindings against the federation CA, and SecAgg runs with signed AdvertiseKeys
/// and consistency checks, reaching the same model as the in-process run.
@Suite(.serialized)
struct AuthenticatedSecAggProcessTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    @Test("secagg+ over mutual TLS runs authenticated by default and reaches the in-process model within the quantization error")
    func authenticatedSecAggPlus() async throws {
        let harness = try ProcessHarness("auth-secaggplus")
        let pki = harness.path("pki")
        let setup = try harness.launch(["federation", "init", "--sites", Self.sites.joined(separator: ","), "--out", pki], log: "init.log")
        #expect(try await harness.exitStatus(setup, timeout: 120) == 0, "\(harness.log("init.log"))")

        let portFile = harness.path("port")
        let coordinator = try harness.launch(
            ["serve", "--listen", "127.0.0.1:0", "--port-file", portFile, "--tls", pki + "/coordinator", "--output", harness.path("out"),
             "--join-timeout", "900", "--sites", Self.sites.joined(separator: ","), "--rounds", "2", "--aggregator", "secagg+",
             "--privacy", "none", "--seed", "5"],
            log: "coordinator.log")
        try await harness.waitForFile(portFile, timeout: 60)
        let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let sites = try Self.sites.map { name in
            try harness.launch(
                ["join", "--server", "127.0.0.1:\(port)", "--site", name, "--tls", pki + "/sites/" + name, "--seed", "5"], log: "\(name).log")
        }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
            #expect(harness.log("\(Self.sites[index]).log").contains("SecAgg authenticated mode: on."), "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        #expect(harness.log("coordinator.log").contains("SecAgg authenticated mode: on"), "\(harness.log("coordinator.log"))")

        let report = try harness.report()
        #expect(report.secaggAuthenticated == true)
        // The same bound as the unauthenticated secagg+ process test: signing changes who may
        // speak, not the sum.
        let reference = try await FederationProcessTests.inProcessPlainRun(seed: 5, rounds: 2)
        #expect(report.finalModel.count == reference.model.parameters.count)
        let largest = zip(report.finalModel, reference.model.parameters).map { abs($0 - $1) }.max() ?? .infinity
        #expect(largest < 1e-6, "largest difference \(largest)")
        #expect(report.records.allSatisfy { $0.included == Self.sites && $0.dropouts.isEmpty && !$0.abandoned })
        // The coordinator's binding checks are a stage of their own in every secure round.
        #expect(report.records.allSatisfy { $0.stageSeconds.first?.stage == "KeyBinding" }, "\(report.records.map(\.stageSeconds))")
    }
}
