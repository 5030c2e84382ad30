import ArgumentParser
import Logging

/// `privagg-federation`: the networked commands of PrivAgg. `privagg serve`, `privagg join`
/// and `privagg federation …` (certificates) exec this executable, so `privagg` itself never links gRPC.
@main
struct PrivaggFederation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privagg-federation",
        abstract: "PrivAgg's networked commands: federation certificates, and federated training over gRPC (coordinator and site nodes).",
        subcommands: [
            FederationCommand.self, ServeCommand.self, JoinCommand.self, SimulateCommand.self, DistributedDemoCommand.self, BenchCommand.self,
            BenchCoordinatorCommand.self, BenchSitesCommand.self, BenchInMemoryCommand.self,
        ]
    )
}

/// `--log-level` values.
enum LogLevelChoice: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
}

/// Structured logs on standard error, once per process.
enum LogSetup {
    static func bootstrap(_ level: LogLevelChoice, label: String) -> Logger {
        LoggingSystem.bootstrap { name in
            var handler = StreamLogHandler.standardError(label: name)
            handler.logLevel = level.level
            return handler
        }
        return Logger(label: label)
    }
}

/// Splits `HOST:PORT`.
func parseAddress(_ text: String, option: String) throws -> (host: String, port: Int) {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
        throw ValidationError("\(option) must be HOST:PORT with a port in 0...65535, got '\(text)'")
    }
    let host = String(text[..<colon])
    guard !host.isEmpty else { throw ValidationError("\(option) needs a host, got '\(text)'") }
    return (host, port)
}
