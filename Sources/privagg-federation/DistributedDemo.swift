import ArgumentParser
import FedAvg
import Federation
import FederationTLS
import Foundation
import PrivacyAccounting
import PrivAggTools

/// The distributed demo's run: certificates, one coordinator and four site processes of this
/// executable, progress from the coordinator's checkpoint, then the demo's report.
struct DistributedDemo {
    /// The four hospitals, in protocol order.
    static let sites = HeartDiseaseSite.allCases.map(\.rawValue)
    /// The aggregator the demo runs over the wire.
    static let aggregator = FederationAggregator.secaggPlus

    let output: String
    let configuration: Demo.Configuration
    let stageTimeout: Double

    /// What the run produced.
    struct Outcome {
        /// The closing lines.
        var summary: String
        /// Processes that failed (the report is still written).
        var failures: [String]
    }

    private var folder: URL { URL(fileURLWithPath: output, isDirectory: true) }
    private func path(_ component: String) -> String { folder.appendingPathComponent(component).path }

    /// Runs the demo.
    ///
    /// - Throws: `ValidationError` for an output folder that holds ledgers or certificates, a
    ///   coordinator that fails, or a report that cannot be read; the federation's and file
    ///   errors otherwise. Every child process has ended when it returns or throws.
    func run() async throws -> Outcome {
        let started = ContinuousClock.now
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let existing = try LedgerFile.ledgers(in: path("ledgers"))
        guard existing.isEmpty else {
            throw ValidationError("--output \(output): \(Demo.describeExistingLedgers(existing, in: path("ledgers"))); choose another --output")
        }
        for folder in ["ledgers", "logs", "federation"] {
            try FileManager.default.createDirectory(atPath: path(folder), withIntermediateDirectories: true)
        }
        // A short-lived federation: certificates valid for one day, for this demo only.
        progress("• certificates: a federation CA, the coordinator and four sites in \(path("pki"))")
        do {
            _ = try FederationAuthority.create(
                in: path("pki"), sites: Self.sites, coordinatorHosts: ["127.0.0.1", "localhost"], validity: try CertificateValidity(days: 1))
        } catch {
            throw ValidationError("\(path("pki")): \(error.description)")
        }

        let children = ChildProcesses()
        children.endOnSignals { number in
            FileHandle.standardError.write(Data("\nInterrupted (signal \(number)): stopping the coordinator and the sites.\n".utf8))
        }
        do {
            let outcome = try await runFederation(children: children, started: started)
            await Self.end(children)
            return outcome
        } catch {
            // Interrupted: the children failing is the signal's doing, and its handler is
            // ending them and will exit with 128 + the signal; wait for it rather than report
            // their failure.
            while children.isInterrupted { try? await Task.sleep(for: .seconds(1)) }
            await Self.end(children)
            throw error
        }
    }

    /// Ends the children off the cooperative pool (the wait blocks).
    private static func end(_ children: ChildProcesses) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                children.terminateAll()
                continuation.resume()
            }
        }
    }

    private func progress(_ line: String) {
        print(line)
        fflush(nil)
    }

    private func runFederation(children: ChildProcesses, started: ContinuousClock.Instant) async throws -> Outcome {
        let executable = try Self.ownExecutable()
        let portFile = path("federation/port")
        let report = path("federation/report.json")
        for stale in [portFile, report, path("federation/checkpoint.json")] where FileManager.default.fileExists(atPath: stale) {
            try FileManager.default.removeItem(atPath: stale)
        }
        var serve = [
            "serve", "--listen", "127.0.0.1:0", "--port-file", portFile, "--tls", path("pki/coordinator"),
            "--sites", Self.sites.joined(separator: ","), "--rounds", "\(configuration.rounds)",
            "--aggregator", Self.aggregator.rawValue, "--privacy", "dp-sgd",
            "--noise-multiplier", "\(configuration.noiseMultiplier)", "--clip-norm", "\(configuration.clipNorm)",
            "--local-steps", "\(configuration.localSteps)", "--sampling-rate", "\(configuration.samplingRate)",
            "--learning-rate", "\(configuration.learningRate)", "--stage-timeout", "\(stageTimeout)",
            "--output", path("federation"),
        ]
        if let seed = configuration.seed { serve += ["--seed", "\(seed)"] }
        progress("• coordinator: privagg-federation serve (mutual TLS, \(Self.aggregator.rawValue), DP-SGD), log in \(path("logs/coordinator.log"))")
        let coordinator = try children.launch(executable, serve, log: path("logs/coordinator.log"))
        let port = try await PortFile.wait(for: portFile, writtenBy: coordinator) { exited in
            ValidationError(
                (exited ? "the coordinator exited before listening (status \(coordinator.terminationStatus))" : "the coordinator did not listen within 120 s")
                    + ":\n\(Self.tail(path("logs/coordinator.log")))")
        }

        var sites: [(name: String, process: Process)] = []
        for name in Self.sites {
            var join = [
                "join", "--server", "127.0.0.1:\(port)", "--site", name, "--tls", path("pki/sites/\(name)"),
                "--ledger-dir", path("ledgers"), "--epsilon-budget", "\(configuration.epsilonBudget)", "--delta", "\(configuration.delta)",
            ]
            if let seed = configuration.seed { join += ["--seed", "\(seed)"] }
            sites.append((name, try children.launch(executable, join, log: path("logs/\(name).log"))))
        }
        progress("• sites: \(Self.sites.joined(separator: ", ")) started as four processes dialing 127.0.0.1:\(port); training \(configuration.rounds) rounds")

        // Progress from the coordinator's checkpoint (written atomically after every round).
        var shown = 0
        while coordinator.isRunning || sites.contains(where: { $0.process.isRunning }) {
            shown = showRounds(after: shown)
            if !coordinator.isRunning, coordinator.terminationStatus != 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        shown = showRounds(after: shown)
        guard !coordinator.isRunning, coordinator.terminationStatus == 0 else {
            throw ValidationError("the coordinator failed (exit status \(coordinator.terminationStatus)):\n\(Self.tail(path("logs/coordinator.log")))")
        }
        var failures: [String] = []
        for site in sites where site.process.terminationStatus != 0 {
            failures.append("site \(site.name) exited with status \(site.process.terminationStatus):\n\(Self.tail(path("logs/\(site.name).log")))")
        }
        let run = try JSONDecoder().decode(FederationRun.self, from: Data(contentsOf: URL(fileURLWithPath: report)))
        progress("• baseline (no privacy, plain aggregation, in this process) for comparison")
        let experiment = try await DistributedDemoReport.make(run: run, configuration: configuration, ledgerDirectory: path("ledgers"))
        try DistributedDemoReport.write(experiment, run: run, to: output)
        let seconds = (ContinuousClock.now - started).seconds
        var summary = DistributedDemoSummary(experiment, run: run, output: output, seconds: seconds)
        summary.failures = failures
        return Outcome(summary: summary.text, failures: failures)
    }

    /// Prints the rounds the checkpoint holds beyond `shown`; returns the last shown.
    private func showRounds(after shown: Int) -> Int {
        let checkpointPath = path("federation/checkpoint.json")
        guard FileManager.default.fileExists(atPath: checkpointPath) else { return shown }
        let checkpoint: CoordinatorCheckpoint
        do {
            checkpoint = try CoordinatorCheckpoint(contentsOf: checkpointPath)
        } catch {
            // The file is replaced by rename, so a read sees a whole checkpoint; a failure here
            // is only a display matter and the next poll reads it again.
            return shown
        }
        var last = shown
        for record in checkpoint.records where record.round > shown {
            if record.round == 0 { continue }
            let accuracy = record.accuracy.map { String(format: "%.3f", $0) } ?? "–"
            let up = record.bytesUp.isEmpty ? 0 : record.bytesUp.values.reduce(0, +) / record.bytesUp.count
            var line = String(format: "  round %3d/%d  accuracy %@  sites %d/%d  %.2f s  %d B up/site", record.round, configuration.rounds,
                              accuracy, record.included.count, record.participants.count, record.wallSeconds, up)
            if record.abandoned { line += "  abandoned: \(record.abandonReason ?? "")" }
            progress(line)
            last = record.round
        }
        return last
    }

    /// This executable (the children run its serve and join commands).
    static func ownExecutable() throws -> String {
        do {
            return try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        } catch {
            let argv0 = CommandLine.arguments[0]
            guard argv0.contains("/") else { throw ValidationError("cannot locate this executable to start the nodes (/proc/self/exe: \(error))") }
            return URL(fileURLWithPath: argv0).standardizedFileURL.path
        }
    }

    /// The last lines of a log, for error messages.
    static func tail(_ path: String, lines: Int = 15) -> String {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { return "(cannot read \(path): \(error))" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
