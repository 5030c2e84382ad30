import FedAvg
import Federation
import Foundation
import Testing

/// A real `privagg-federation serve --tls` process refuses site processes whose certificates
/// its verifier rejects, logs the verifier's reason, and completes the run with the honest sites.
@Suite(.serialized)
struct CertificateRefusalProcessTests {
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)

    @Test("serve --tls: a site with another federation's certificate and one with an expired certificate are refused with the verifier's reason; the run completes with the honest sites")
    func foreignAndExpiredCertificatesAreRefused() async throws {
        let harness = try ProcessHarness("certificates")
        let names = Self.sites.joined(separator: ",")
        let pki = harness.path("pki"), other = harness.path("other"), expired = harness.path("expired")

        // This federation's CA began five days ago, so it can issue a certificate that has
        // already ended; another federation with the same site names.
        for (folder, extra) in [(pki, ["--days", "30", "--test-start-days-ago", "5"]), (other, [])] {
            let setup = try harness.launch(["federation", "init", "--sites", names, "--out", folder] + extra, log: "init.log")
            #expect(try await harness.exitStatus(setup, timeout: 120) == 0, "\(harness.log("init.log"))")
        }
        // A copy of the federation whose va certificate, issued by the same CA, ended three days ago.
        try FileManager.default.copyItem(atPath: pki, toPath: expired)
        try FileManager.default.removeItem(atPath: expired + "/sites/va")
        let issue = try harness.launch(
            ["federation", "add-site", "--dir", expired, "--site", "va", "--days", "1", "--test-start-days-ago", "4"], log: "add-site.log")
        #expect(try await harness.exitStatus(issue, timeout: 120) == 0, "\(harness.log("add-site.log"))")

        let portFile = harness.path("port")
        let coordinator = try harness.launch(
            ["serve", "--listen", "127.0.0.1:0", "--port-file", portFile, "--tls", pki + "/coordinator", "--output", harness.path("out"),
             "--join-timeout", "900", "--sites", names, "--rounds", "2", "--aggregator", "plain", "--privacy", "none", "--seed", "11"],
            log: "coordinator.log")
        try await harness.waitForFile(portFile, timeout: 60)
        let port = try #require(Int(try String(contentsOfFile: portFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))

        // Each presents its certificate as is (the test flag skips the site's own checks, which
        // would refuse both before dialing) and trusts this federation's coordinator.
        for (name, folder) in [("foreign", other + "/sites/va"), ("expired", expired + "/sites/va")] {
            let rogue = try harness.launch(
                ["join", "--server", "127.0.0.1:\(port)", "--site", "va", "--tls", folder, "--test-unchecked-tls-trusting", pki + "/ca.pem"],
                log: "\(name).log")
            #expect(try await harness.exitStatus(rogue, timeout: 120) != 0, "\(harness.log("\(name).log"))")
        }
        let refusals = harness.log("coordinator.log")
        #expect(refusals.contains("was not issued by this federation's CA"), "\(refusals)")
        #expect(refusals.contains("has expired"), "\(refusals)")
        #expect(!refusals.contains("site joined"), "\(refusals)")

        let honest = try Self.sites.map { name in
            try harness.launch(
                ["join", "--server", "127.0.0.1:\(port)", "--site", name, "--tls", pki + "/sites/" + name, "--seed", "11"], log: "\(name).log")
        }
        for (index, site) in honest.enumerated() {
            #expect(try await harness.exitStatus(site) == 0, "\(harness.log("\(Self.sites[index]).log"))")
        }
        #expect(try await harness.exitStatus(coordinator) == 0, "\(harness.log("coordinator.log"))")
        let report = try harness.report()
        #expect(report.records.filter { $0.round > 0 }.map(\.round) == [1, 2])
        #expect(report.records.filter { $0.round > 0 }.allSatisfy { $0.included == Self.sites && $0.dropouts.isEmpty })
        let reference = try await FederationProcessTests.inProcessPlainRun(seed: 11, rounds: 2)
        #expect(report.finalModel.map(\.bitPattern) == reference.model.parameters.map(\.bitPattern))
    }
}
