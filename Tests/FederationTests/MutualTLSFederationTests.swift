import FedAvg
import Federation
import Foundation
import Testing

/// The federation with its default security: certificates from `privagg federation init`, a
/// coordinator and four site processes over mutual TLS on loopback.
@Suite(.serialized)
struct MutualTLSFederationTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    @Test("mutual TLS: four sites with their certificates reach the plaintext run's model; a borrowed certificate and a plaintext site are refused")
    func sitesJoinOverMutualTLS() async throws {
        let harness = try ProcessHarness("mtls")
        let pki = harness.path("pki")
        let setup = try harness.launch(
            ["federation", "init", "--sites", Self.sites.joined(separator: ","), "--out", pki], log: "init.log")
        #expect(try await harness.exitStatus(setup, timeout: 120) == 0, "\(harness.log("init.log"))")

        let portFile = harness.path("port")
        let coordinator = try harness.launch(
            ["serve", "--listen", "127.0.0.1:0", "--port-file", portFile, "--tls", pki + "/coordinator", "--output", harness.path("out"), "--join-timeout", "900",
             "--sites", Self.sites.joined(separator: ","), "--rounds", "2", "--aggregator", "plain", "--privacy", "none", "--seed", "11"],
            log: "coordinator.log")
        try await harness.waitForFile(portFile, timeout: 60)
        let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))

        // A site cannot speak for another: va presenting cleveland's certificate is stopped
        // before it dials (and the coordinator would refuse the Join: the certificate names
        // the site).
        let borrowed = try harness.launch(
            ["join", "--server", "127.0.0.1:\(port)", "--site", "va", "--tls", pki + "/sites/cleveland"], log: "borrowed.log")
        #expect(try await harness.exitStatus(borrowed, timeout: 60) != 0)
        #expect(harness.log("borrowed.log").contains("site cleveland's, not va's"), "\(harness.log("borrowed.log"))")

        // A plaintext client does not get past the TLS server.
        let plaintext = try harness.launch(
            ["join", "--server", "127.0.0.1:\(port)", "--site", "va", "--insecure"], log: "plaintext.log")
        #expect(try await harness.exitStatus(plaintext, timeout: 120) != 0, "\(harness.log("plaintext.log"))")

        let sites = try Self.sites.map { name in
            try harness.launch(
                ["join", "--server", "127.0.0.1:\(port)", "--site", name, "--tls", pki + "/sites/" + name, "--seed", "11"], log: "\(name).log")
        }
        for (index, site) in sites.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")

        // The same model as the in-process plaintext run: TLS changes the transport, nothing else.
        let report = try harness.report()
        let reference = try await FederationProcessTests.inProcessPlainRun(seed: 11, rounds: 2)
        #expect(report.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))
        #expect(report.records.filter { $0.round > 0 }.allSatisfy { $0.included == Self.sites && $0.dropouts.isEmpty })
    }

    @Test("serve and join refuse to start without --tls unless --insecure is given")
    func tlsIsTheDefault() async throws {
        let harness = try ProcessHarness("mtls-default")
        let serve = try harness.launch(["serve", "--listen", "127.0.0.1:0", "--sites", "va", "--rounds", "1"], log: "serve.log")
        #expect(try await harness.exitStatus(serve, timeout: 60) != 0)
        #expect(harness.log("serve.log").contains("mutual TLS is the default"), "\(harness.log("serve.log"))")
        let join = try harness.launch(["join", "--server", "127.0.0.1:1", "--site", "va"], log: "join.log")
        #expect(try await harness.exitStatus(join, timeout: 60) != 0)
        #expect(harness.log("join.log").contains("mutual TLS is the default"), "\(harness.log("join.log"))")
    }
}
