import ArgumentParser

/// `privagg federation …`: managing a federation's certificates.
struct FederationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "federation",
        abstract: "Create and manage a federation's certificates (mutual TLS between sites and coordinator).",
        subcommands: [FederationInitCommand.self, FederationAddSiteCommand.self]
    )
}
