import ArgumentParser
import Dispatch
import FedAvg
import FlowerInterop
import Foundation
import PrivacyAccounting

/// `privagg-flower` (also `privagg flower-node`): one PrivAgg heart-disease site as a node of a
/// Flower federation, over the Fleet HTTP API of flwr 1.42.
@main
struct PrivAggFlower: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privagg-flower",
        abstract: "Join a Flower federation (flwr 1.42 SuperLink) as one PrivAgg heart-disease site.",
        discussion: """
            The site trains PrivAgg's logistic regression with its own privacy mode and ledger: the server's \
            ServerApp sends 'train' and 'evaluate' messages whose 'arrays' record holds 'weights' [d] and 'bias' [1] \
            (float64 .npy); the site replies with its local arrays and 'num-examples', or with loss and accuracy. \
            With --privacy dp-sgd every round is charged to SITE.ledger before the update is computed; a round the \
            budget cannot pay for is refused through Flower's error field. Runs until SIGINT or SIGTERM, then \
            deactivates the node. Without --insecure the SuperLink is reached over HTTPS (system roots or \
            --root-certificates).
            """
    )

    @Option(name: .long, help: "The SuperLink's Fleet API address, HOST:PORT.")
    var superlink: String
    @Option(name: .long, help: "The site: cleveland, hungarian, switzerland or va.")
    var site: String
    @Flag(name: .long, help: "Plain HTTP without TLS (loopback tests only).")
    var insecure = false
    @Option(name: .customLong("root-certificates"), help: "PEM file of CA certificates to trust for the SuperLink (default: the system's).")
    var rootCertificates: String?
    @Option(name: .customLong("node-key"), help: "PEM P-384 private key of a pre-registered node (file mode 0600); default: a fresh key, registered on start.")
    var nodeKey: String?
    @Flag(name: .customLong("skip-version-check"), help: "Connect even if the SuperLink is not a tested Flower release (1.42).")
    var skipVersionCheck = false
    @Option(name: .long, help: "Folder of the site's privacy ledger (default: a new temporary folder, printed on stderr).")
    var ledgerDir: String?
    @Option(name: .long, help: "Privacy mode: none or dp-sgd.")
    var privacy: String = "dp-sgd"
    @Option(name: .customLong("noise-multiplier"), parsing: .unconditional, help: "DP-SGD noise multiplier σ.")
    var noiseMultiplier: Double = 3
    @Option(name: .customLong("clip-norm"), parsing: .unconditional, help: "DP-SGD per-example clipping norm.")
    var clipNorm: Double = 1
    @Option(name: .customLong("epsilon-budget"), parsing: .unconditional, help: "ε budget of the site's ledger.")
    var epsilonBudget: Double = 3
    @Option(name: .long, parsing: .unconditional, help: "δ at which ε is measured.")
    var delta: Double = 1e-5
    @Option(name: .long, help: "Accountant of the ledger: rdp or pld.")
    var accountant: String = "rdp"
    @Option(name: .long, parsing: .unconditional, help: "Local SGD steps per round.")
    var localSteps: Int = 10
    @Option(name: .long, parsing: .unconditional, help: "Poisson sampling rate of each local batch, in (0, 1].")
    var samplingRate: Double = 0.1
    @Option(name: .long, parsing: .unconditional, help: "Learning rate.")
    var learningRate: Double = 0.5
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
        "Seed of the split, sampling and noise, to reproduce `privagg train --seed` (default: CSPRNG; split from seed 7).",
        discussion: "Whoever knows the seed can regenerate the noise, so ε holds only while it stays secret."))
    var seed: UInt64?

    func validate() throws {
        guard HeartDiseaseSite(rawValue: site) != nil else {
            throw ValidationError("--site must be one of \(HeartDiseaseSite.allCases.map(\.rawValue).joined(separator: ", ")), got \(site)")
        }
        guard ["none", "dp-sgd"].contains(privacy) else { throw ValidationError("--privacy must be none or dp-sgd, got \(privacy)") }
        guard AccountantKind(rawValue: accountant) != nil else { throw ValidationError("--accountant must be rdp or pld, got \(accountant)") }
        guard superlink.contains(":"), !superlink.contains("/") else { throw ValidationError("--superlink must be HOST:PORT, got \(superlink)") }
        guard !(insecure && rootCertificates != nil) else { throw ValidationError("--root-certificates has no effect with --insecure") }
        guard noiseMultiplier.isFinite, noiseMultiplier > 0 else { throw ValidationError("--noise-multiplier must be positive, got \(noiseMultiplier)") }
        guard clipNorm.isFinite, clipNorm > 0 else { throw ValidationError("--clip-norm must be positive, got \(clipNorm)") }
        guard epsilonBudget.isFinite, epsilonBudget > 0 else { throw ValidationError("--epsilon-budget must be positive, got \(epsilonBudget)") }
        guard delta.isFinite, delta > 0, delta < 1 else { throw ValidationError("--delta must be in (0, 1), got \(delta)") }
        guard localSteps >= 1 else { throw ValidationError("--local-steps must be at least 1, got \(localSteps)") }
        guard samplingRate > 0, samplingRate <= 1 else { throw ValidationError("--sampling-rate must be in (0, 1], got \(samplingRate)") }
        guard learningRate.isFinite, learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
    }

    func run() async throws {
        let siteName = HeartDiseaseSite(rawValue: site) ?? .cleveland
        let isPrivate = privacy == "dp-sgd"
        var settings = PrivAggSite.Settings(
            site: siteName, privacy: isPrivate ? .dpSGD(clipNorm: clipNorm, noiseMultiplier: noiseMultiplier) : .none,
            budget: isPrivate ? .init(epsilon: epsilonBudget, delta: delta) : nil)
        settings.accountant = AccountantKind(rawValue: accountant) ?? .rdp
        settings.localSteps = localSteps
        settings.samplingRate = samplingRate
        settings.learningRate = learningRate
        settings.seed = seed
        settings.splitSeed = seed ?? 7
        settings.ledgerDirectory = ledgerDir
        if isPrivate, ledgerDir == nil {
            settings.ledgerDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-ledgers-\(UUID().uuidString)").path
        }
        let siteRuntime = try PrivAggSite(settings: settings)
        if let path = siteRuntime.ledgerPath { printError("Privacy ledger: \(path)") }

        var connection = FlowerNode.Connection(superlink: superlink, insecure: insecure)
        connection.skipVersionCheck = skipVersionCheck
        if let rootCertificates { connection.rootCertificates = try String(contentsOfFile: rootCertificates, encoding: .utf8) }
        if let nodeKey { connection.identity = try NodeIdentity(privateKeyPEM: try readSecretFile(nodeKey)) }
        let prefix = "[\(site)] "
        let node = FlowerNode(connection: connection, site: siteRuntime) { printError(prefix + $0) }
        let task = Task { try await node.run() }
        // SIGINT/SIGTERM cancel the node, which then deactivates itself before exiting.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        do {
            try await task.value
        } catch let error as FlowerInteropError {
            printError("Error: \(error)")
            throw ExitCode.failure
        }
    }

    /// A secret file's text, refused when others than its owner may read it.
    private func readSecretFile(_ path: String) throws -> String {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw ValidationError("\(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        return try String(contentsOfFile: path, encoding: .utf8)
    }
}

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
