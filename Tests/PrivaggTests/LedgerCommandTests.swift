import Foundation
import ParallelWork
import PrivacyAccounting
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 13, items 1–4 and 10, through the built binary: no command loses, replaces or
/// splits a ledger's budget, and runs that train nothing fail with the reason.
@Suite("privagg ledgers: never lost, never split")
final class LedgerCommandTests: Sendable {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-ledgers-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(at: root) }

    private func folder(_ name: String) -> String { root.appendingPathComponent(name).path }

    private static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    private static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Reproduction 1: `train --output X`, then `demo --output X`. The demo used to replace
    /// the train's ledgers (its 20 rounds of spends gone); now it refuses and they stay.
    @Test func demoNeverReplacesLedgersThatTrainWrote() async throws {
        let output = folder("x")
        let train = try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "3", "--output", output])
        #expect(train.status == 0)
        let ledger = output + "/ledgers/cleveland.ledger"
        let before = try Self.bytes(ledger)
        #expect(try LedgerFile.read(path: ledger).entries.count == 3)
        let demo = try await runPrivagg(["demo", "--output", output])
        #expect(demo.status != 0 && demo.standardOutput.isEmpty)
        #expect(demo.standardError.contains("already holds privacy ledgers") && demo.standardError.contains(ledger), "\(demo.standardError)")
        #expect(try Self.bytes(ledger) == before)
    }

    /// Reproductions 2 and 3: a ledger another process holds (a train still running, or
    /// `flock X/ledgers/cleveland.ledger sleep 3`) makes demo and train fail, naming the file
    /// and saying it is in use, and nothing in it changes.
    @Test func aLedgerHeldByAnotherProcessStopsDemoAndTrain() async throws {
        let output = folder("held")
        #expect(try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "2", "--output", output]).status == 0)
        let ledger = output + "/ledgers/cleveland.ledger"
        let before = try Self.bytes(ledger)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--no-fork", ledger, "sleep", "3600"]  // held until the defer kills it (a stalled test process may resume late); --no-fork: killing it releases the lock at once
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        var waited = 0
        while !LedgerFile.isInUse(path: ledger) && waited < 1200 {  // up to 60 s: flock starts slowly on a loaded machine
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        let demo = try await runPrivagg(["demo", "--output", output])
        #expect(demo.status != 0)
        #expect(demo.standardError.contains("\(ledger) (in use: a running process holds its lock)"), "\(demo.standardError)")
        let train = try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "2", "--output", output])
        #expect(train.status != 0 && train.standardOutput.isEmpty)
        #expect(train.standardError.contains("ledger \(ledger) is in use"), "\(train.standardError)")
        #expect(try Self.bytes(ledger) == before)
        // The ledgers that train created were kept (they existed); nothing new was left behind.
        #expect(try LedgerFile.ledgers(in: output + "/ledgers").count == 4)
    }

    /// Reproduction 2 as reported: `train --output Y` still running, then `demo --output Y`
    /// (and a second train). Both are refused; the running train keeps every spend.
    @Test func aRunningTrainKeepsItsLedgersAgainstDemoAndTrain() async throws {
        let output = folder("running")
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("privagg")
        let ledger = output + "/ledgers/client-59.ledger"
        // The whole sequence runs on a thread of its own: the demo must start while the train
        // runs, and a test task can wait minutes for one of the two cooperative threads while
        // other suites compute (a fresh-clone CI run saw the train finish first).
        let (demo, second, stillRunning, status) = try await Parallel.offPool { () throws -> (PrivaggRun, PrivaggRun, Bool, Int32) in
            let train = Process()
            train.executableURL = executable
            train.arguments = ["train", "--dataset", "synthetic", "--clients", "60", "--rounds", "8", "--local-steps", "40",
                               "--epsilon-budget", "500", "--aggregator", "plain", "--output", output, "--format", "json"]
            train.standardOutput = FileHandle.nullDevice
            train.standardError = FileHandle.nullDevice
            try train.run()
            var waited = 0
            while !LedgerFile.isInUse(path: ledger) && train.isRunning && waited < 2400 {
                Thread.sleep(forTimeInterval: 0.025)
                waited += 1
            }
            let demo = try runPrivaggWaiting(["demo", "--output", output], currentDirectory: nil, standardInput: nil)
            let second = try runPrivaggWaiting(
                ["train", "--dataset", "synthetic", "--clients", "60", "--rounds", "1", "--epsilon-budget", "500", "--aggregator", "plain", "--output", output],
                currentDirectory: nil, standardInput: nil)
            let stillRunning = train.isRunning
            train.waitUntilExit()
            return (demo, second, stillRunning, train.terminationStatus)
        }
        #expect(status == 0)
        #expect(demo.status != 0 && demo.standardError.contains("already holds privacy ledgers"))
        if stillRunning {
            #expect(demo.standardError.contains("(in use: a running process holds its lock)"), "\(demo.standardError)")
            #expect(second.status != 0 && second.standardError.contains("is in use"), "\(second.standardError)")
            // Every round of the running train is in its ledgers; the refused commands added nothing.
            #expect(try LedgerFile.read(path: ledger).entries.count == 8)
        } else {
            Issue.record("the train finished before the demo could be started beside it; nothing was tested")
        }
    }

    /// `make demo` twice in a row: the default output holds the first demo's ledgers, so the
    /// second demo writes to privagg-report-2/ and says so; the first demo's ledgers stay.
    @Test func theDefaultOutputMovesOnInsteadOfReplacingLedgers() async throws {
        let directory = root.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // An earlier run's ledgers in privagg-report/ (a short train stands in for a first demo).
        let first = try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "1", "--output", "privagg-report"], currentDirectory: directory)
        #expect(first.status == 0)
        let earlier = directory.appendingPathComponent("privagg-report/ledgers/va.ledger").path
        let before = try Self.bytes(earlier)
        let demo = try await runPrivagg(["demo", "--seed", "7"], currentDirectory: directory)
        #expect(demo.status == 0, "\(demo.standardError)")
        #expect(demo.standardError.contains("privagg-report/ holds the privacy ledgers of an earlier run, which a demo never deletes: writing this demo to privagg-report-2/"))
        #expect(demo.standardOutput.contains("Report written to privagg-report-2/"))
        #expect(try LedgerFile.read(path: directory.appendingPathComponent("privagg-report-2/ledgers/va.ledger").path).entries.count == 30)
        #expect(try Self.bytes(earlier) == before)
    }

    /// Reproduction of item 2: a central run then a DP-SGD run on one --ledger-dir, budget 3.
    /// Both charge the sites' ledgers, so together they spend at most 3 per site, not ~5.9.
    @Test func centralThenDPSGDShareOneBudgetPerSite() async throws {
        let ledgers = folder("shared")
        let common = ["--aggregator", "plain", "--rounds", "30", "--epsilon-budget", "3", "--ledger-dir", ledgers, "--format", "json"]
        let central = try await runPrivagg(["train", "--privacy", "central", "--noise-multiplier", "10"] + common)
        #expect(central.status == 0, "\(central.standardError)")
        let centralReport = try Self.json(central.standardOutput)
        let centralEpsilon = try #require(centralReport["epsilon"] as? Double)
        #expect(centralEpsilon > 2 && centralEpsilon <= 3)
        #expect(centralReport["client_level_epsilon"] is Double)
        let dpSGD = try await runPrivagg(["train", "--privacy", "dp-sgd"] + common)
        // It stops at the sites' budgets (before its first round if nothing is left: status 3).
        #expect(dpSGD.status == 0 || dpSGD.status == 3)
        let dpReport = try Self.json(dpSGD.standardOutput)
        #expect((dpReport["stop_reason"] as? String)?.contains("privacy budget") == true)
        for site in ["cleveland", "hungarian", "switzerland", "va"] {
            let report = try await runPrivagg(["report", ledgers + "/\(site).ledger", "--format", "json"])
            let points = try #require(((Self.json(report.standardOutput)["series"] as? [[String: Any]])?.first?["points"]) as? [[String: Any]])
            let spent = try #require(points.last?["epsilon"] as? Double)
            #expect(spent <= 3 && spent >= centralEpsilon - 1e-9, "\(site)")
        }
    }

    /// A run without privacy on a folder whose ledgers track the same sites is refused before
    /// the sites exchange anything; the ledgers are unchanged.
    @Test func aNonPrivateTrainIsRefusedWhereLedgersTrackTheSites() async throws {
        let output = folder("none")
        #expect(try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "1", "--output", output]).status == 0)
        let ledger = output + "/ledgers/cleveland.ledger"
        let before = try Self.bytes(ledger)
        let run = try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "1", "--privacy", "none", "--output", output])
        #expect(run.status != 0 && run.standardOutput.isEmpty)
        #expect(run.standardError.contains("--privacy none: a run without differential privacy") && run.standardError.contains(ledger))
        #expect(try Self.bytes(ledger) == before)
    }

    /// Item 4: a run that trains nothing exits 3 with the reason, and still writes its report.
    @Test func aRunThatTrainsNothingFailsAndStillReports() async throws {
        let output = folder("nothing")
        let run = try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "3", "--noise-multiplier", "1e-300", "--output", output])
        #expect(run.status == 3)
        #expect(run.standardError.contains("Error: privacy budget exhausted before the first round"), "\(run.standardError)")
        #expect(run.standardOutput.contains("after 0 rounds"))
        let report = try Self.json(String(decoding: try Self.bytes(output + "/report.json"), as: UTF8.self))
        #expect((report["rounds"] as? [Any])?.isEmpty == true)
        #expect((report["stop_reason"] as? String)?.hasPrefix("privacy budget exhausted before the first round") == true)
        #expect(FileManager.default.fileExists(atPath: output + "/report.md"))
        // A ledger already spent: the same, in JSON too.
        let spent = folder("spent")
        #expect(try await runPrivagg(["train", "--aggregator", "plain", "--epsilon-budget", "1", "--output", spent]).status == 0)
        let again = try await runPrivagg(["train", "--aggregator", "plain", "--epsilon-budget", "1", "--output", spent, "--format", "json"])
        #expect(again.status == 3 && again.standardError.contains("before the first round"))
        #expect((try Self.json(again.standardOutput)["rounds"] as? [Any])?.isEmpty == true)
    }

    /// Item 3: `report` on a ledger whose last record is torn says so, in every format.
    @Test func reportSaysATornRecordWasDropped() async throws {
        let output = folder("torn")
        #expect(try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "2", "--output", output]).status == 0)
        let ledger = output + "/ledgers/va.ledger"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: ledger))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("99 12345678 {\"kind\":".utf8))
        try handle.close()
        let markdown = try await runPrivagg(["report", ledger])
        #expect(markdown.status == 0 && markdown.standardOutput.contains("**Warning:** The ledger ends in a torn record (20 bytes"))
        let json = try await runPrivagg(["report", ledger, "--format", "json"])
        let object = try Self.json(json.standardOutput)
        #expect(object["torn_record_dropped"] as? Bool == true && object["torn_record_bytes"] as? Int == 20)
        for format in ["csv", "svg", "json", "markdown"] {
            let run = try await runPrivagg(["report", ledger, "--format", format])
            #expect(run.status == 0 && run.standardError.contains("torn record"), "\(format)")
        }
    }

    /// No command writes over a ledger: `report L --output L` is refused and L is unchanged.
    @Test func reportRefusesToWriteOverALedger() async throws {
        let output = folder("over")
        #expect(try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "1", "--output", output]).status == 0)
        let ledger = output + "/ledgers/hungarian.ledger"
        let before = try Self.bytes(ledger)
        let run = try await runPrivagg(["report", ledger, "--output", ledger])
        #expect(run.status != 0 && run.standardError.contains("it is a privacy ledger"))
        #expect(try Self.bytes(ledger) == before)
    }

    /// Item 1: no command that replaces a file writes over a ledger: Paillier's `--output`
    /// and its secret files (genpkey --force, decrypt --output) included.
    @Test func paillierOutputsRefuseToWriteOverALedger() async throws {
        let output = folder("paillier-over")
        #expect(try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "1", "--output", output]).status == 0)
        let ledger = output + "/ledgers/hungarian.ledger"
        let before = try Self.bytes(ledger)
        let keys = try await PaillierCommandTests.workspace()
        defer { try? FileManager.default.removeItem(at: keys) }
        let insecure = "--insecure-for-tests"
        let encrypt = try await runPrivagg(["paillier", "encrypt", insecure, "--output", ledger, "public.json", "7"], currentDirectory: keys)
        #expect(encrypt.status != 0 && encrypt.standardError.contains("it is a privacy ledger"))
        let genpkey = try await runPrivagg(["paillier", "genpkey", "--keysize", "512", insecure, "--force", ledger], currentDirectory: keys)
        #expect(genpkey.status != 0 && genpkey.standardError.contains("it is a privacy ledger"))
        #expect(try Self.bytes(ledger) == before)
    }

    /// An existing output path that cannot be read to tell whether it is a ledger (here a
    /// symbolic link to itself) is refused, not replaced.
    @Test func anUnreadableOutputIsRefusedNotReplaced() async throws {
        let keys = try await PaillierCommandTests.workspace()
        defer { try? FileManager.default.removeItem(at: keys) }
        let loop = keys.appendingPathComponent("loop.json").path
        #expect(symlink(loop, loop) == 0)
        let genpkey = try await runPrivagg(["paillier", "genpkey", "--keysize", "512", "--insecure-for-tests", "--force", loop], currentDirectory: keys)
        #expect(genpkey.status != 0 && genpkey.standardError.contains("cannot read existing file \(loop)") && genpkey.standardError.contains("refusing to replace it"),
                "\(genpkey.standardError)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: loop) == loop)
    }

    /// Item 10: a private run says where its ledgers go before it starts (a fresh temporary
    /// folder without --output or --ledger-dir), and takes at most 1000 clients.
    @Test func privateRunsPrintTheirLedgerFolderAndCapTheirClients() async throws {
        let run = try await runPrivagg(["train", "--aggregator", "plain", "--rounds", "1"])
        #expect(run.status == 0)
        let line = try #require(run.standardError.split(separator: "\n").first { $0.hasPrefix("Privacy ledgers: ") })
        #expect(line.contains("privagg-ledgers-"))
        let tooMany = try await runPrivagg(["train", "--dataset", "synthetic", "--clients", "1001"])
        #expect(tooMany.status != 0 && tooMany.standardOutput.isEmpty)
        #expect(tooMany.standardError.contains("--clients must be at most 1000 with --privacy dp-sgd"))
    }
}
