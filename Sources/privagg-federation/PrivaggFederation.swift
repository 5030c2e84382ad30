import ArgumentParser

/// `privagg-federation`: the networked commands of PrivAgg (federation certificates, and the
/// coordinator and site nodes over gRPC). A companion of `privagg`, which forwards
/// `privagg federation …` here, so that `privagg` itself links neither gRPC nor BoringSSL.
@main
struct PrivaggFederation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privagg-federation",
        abstract: "PrivAgg's networked commands: federation certificates, coordinator and site nodes.",
        subcommands: [FederationCommand.self]
    )
}
