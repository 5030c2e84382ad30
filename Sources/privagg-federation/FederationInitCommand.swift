import ArgumentParser
import FederationTLS
import Foundation

/// `privagg federation init --sites a,b,c,d --out DIR`: a federation CA and one certificate
/// and key per site and for the coordinator.
struct FederationInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a federation CA and the certificates and keys of its sites and coordinator.",
        discussion: """
            Writes DIR/ca.pem and DIR/ca-key.pem (0600), DIR/coordinator/ and DIR/sites/NAME/, \
            each holding cert.pem, key.pem (0600) and ca.pem. Copy DIR/sites/NAME to site NAME's \
            machine (privagg join --tls DIR/sites/NAME) and DIR/coordinator to the coordinator's \
            (privagg serve --tls DIR/coordinator). Keep ca-key.pem offline: it is needed only to \
            issue more certificates. Keys are ECDSA P-256 (or P-384); site certificates allow TLS \
            client authentication only and name the site (CN and URI privagg-site:NAME), the \
            coordinator's allows server authentication only and names --coordinator-host. An \
            existing non-empty DIR is never overwritten.
            """
    )

    @Option(name: .long, help: "Comma-separated site names (lowercase letters, digits, '-', '_'; unique).")
    var sites: String

    @Option(name: .long, help: "The federation directory to create.")
    var out: String

    @Option(name: .long, help: "Comma-separated DNS names and IP addresses sites use to reach the coordinator.")
    var coordinatorHost: String = "localhost,127.0.0.1"

    @Option(name: .long, help: "The coordinator's name in its certificate.")
    var coordinatorName: String = "coordinator"

    @Option(name: .long, help: "Validity of the CA and every certificate, in days (1...3650).")
    var days: Int = CertificateValidity.defaultDays

    @Option(name: .long, help: "Key curve: p256 or p384.")
    var curve: String = FederationKeyAlgorithm.p256.rawValue

    @Option(name: .customLong("test-start-days-ago"), parsing: .unconditional, help: ArgumentHelp(
        "Tests only: the CA's validity starts this many days ago (so add-site can issue an expired certificate).", visibility: .private))
    var testStartDaysAgo: Int?

    func run() throws {
        guard let algorithm = FederationKeyAlgorithm(rawValue: curve) else {
            throw ValidationError("--curve must be p256 or p384, not '\(curve)'")
        }
        let siteNames = sites.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
        let hosts = coordinatorHost.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace }
        do {
            let validity = try CertificateValidity(days: days, startingAt: testStartDaysAgo.map { Date().addingTimeInterval(-Double($0) * 86_400) })
            let layout = try FederationAuthority.create(
                in: out, sites: siteNames, coordinator: coordinatorName, coordinatorHosts: hosts, validity: validity,
                keyAlgorithm: algorithm)
            print("federation created in \(layout.root): \(siteNames.count) site(s), valid until \(validity.notAfter)")
            print("  coordinator: \(layout.coordinatorDirectory)  (hosts: \(hosts.joined(separator: ", ")))")
            for site in siteNames {
                print("  site \(site): \(layout.sitesDirectory)/\(site)")
            }
            print("  CA key: \(layout.authorityKey)  (keep it offline; it only issues certificates)")
        } catch {
            throw ValidationError(error.description)
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (`--sites "a, b"`).
    fileprivate var trimmingWhitespace: String {
        var scalars = Substring(self)
        while scalars.first == " " || scalars.first == "\t" { scalars = scalars.dropFirst() }
        while scalars.last == " " || scalars.last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
