import ArgumentParser
import FederationTLS
import Foundation

/// `privagg federation add-site --dir DIR --site NAME`: a certificate and key for a new site,
/// issued by the federation's CA.
struct FederationAddSiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-site",
        abstract: "Issue a certificate and key for a new site of an existing federation.",
        discussion: """
            Needs DIR/ca-key.pem (0600). Writes DIR/sites/NAME (cert.pem, key.pem 0600, ca.pem); \
            an existing site directory, or the coordinator's name, is refused. The coordinator admits \
            the new site once it is among the run's sites.
            """
    )

    @Option(name: .long, help: "The federation directory made by `privagg federation init`.")
    var dir: String

    @Option(name: .long, help: "The new site's name (lowercase letters, digits, '-', '_').")
    var site: String

    @Option(name: .long, help: "Validity in days (default: as many whole days as the CA has left).")
    var days: Int?

    @Option(name: .customLong("test-start-days-ago"), parsing: .unconditional, help: ArgumentHelp(
        "Tests only: the certificate's validity starts this many days ago (with --days 1 and a start 2 or more days ago it has expired).",
        visibility: .private))
    var testStartDaysAgo: Int?

    func run() throws {
        do {
            let start = testStartDaysAgo.map { Date().addingTimeInterval(-Double($0) * 86_400) }
            let validity: CertificateValidity?
            if days != nil || start != nil {
                validity = try CertificateValidity(days: days ?? CertificateValidity.defaultDays, startingAt: start)
            } else {
                validity = nil
            }
            let directory = try FederationAuthority.addSite(site, to: FederationLayout(root: dir), validity: validity)
            print("site \(site) added: \(directory)")
        } catch {
            throw ValidationError(error.description)
        }
    }
}
