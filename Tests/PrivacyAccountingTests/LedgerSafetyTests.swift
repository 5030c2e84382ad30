import Foundation
@testable import PrivacyAccounting
import PrivAggTools
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 13, items 1 and 3: a ledger nobody else may open while it is held, leftovers of
/// killed creations cleaned without touching anything else, torn records reported.
@Suite final class LedgerSafetyTests: Sendable {
    let scratch = ScratchFolder()

    /// A pid that belonged to a process which has exited (and been reaped).
    private static func deadPID() throws -> pid_t {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 0"]
        try process.run()
        process.waitUntilExit()
        let pid = process.processIdentifier
        #expect(kill(pid, 0) != 0 && errno == ESRCH)
        return pid
    }

    @Test func aHeldLedgerIsRefusedAsInUseNamingTheFile() async throws {
        let path = scratch.path("held.ledger")
        var ledger: PrivacyLedger? = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 1, delta: 1e-5))
        #expect(LedgerFile.isInUse(path: path))
        #expect(throws: PrivacyAccountingError.ledgerInUse(path: path)) { try PrivacyLedger(openingAt: path) }
        #expect(PrivacyAccountingError.ledgerInUse(path: path).description.contains("\(path) is in use"))
        _ = ledger
        ledger = nil
        #expect(!LedgerFile.isInUse(path: path))
        _ = try PrivacyLedger(openingAt: path)
    }

    /// A lock taken by another process (`flock FILE sleep`) refuses the open just the same.
    @Test func aLedgerLockedByAnotherProcessIsInUse() async throws {
        let path = scratch.path("other.ledger")
        _ = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 1, delta: 1e-5))
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--no-fork", path, "sleep", "3600"]  // held until the defer kills it (a stalled test process may resume late); --no-fork: killing it releases the lock at once
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        var waited = 0
        while !LedgerFile.isInUse(path: path) && waited < 1200 {  // up to 60 s: flock starts slowly on a loaded machine
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(throws: PrivacyAccountingError.ledgerInUse(path: path)) { try PrivacyLedger(openingAt: path) }
    }

    /// Leftovers `<ledger>.tmp-<pid>-<n>` of a killed creator (pid gone) or older than ten
    /// minutes go on open; a live creator's file, other ledgers' files and look-alikes stay.
    @Test func staleTemporaryFilesOfKilledCreationsAreRemovedOnOpen() throws {
        let path = scratch.path("site.ledger")
        let folder = (path as NSString).deletingLastPathComponent
        let dead = try Self.deadPID(), live = getpid()
        func touch(_ name: String, age: TimeInterval = 0) throws -> String {
            let file = (folder as NSString).appendingPathComponent(name)
            try Data("partial".utf8).write(to: URL(fileURLWithPath: file))
            if age > 0 { try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: file) }
            return file
        }
        let killed = try touch("site.ledger.tmp-\(dead)-12345")
        let oldLive = try touch("site.ledger.tmp-\(live)-777", age: 3600)
        let running = try touch("site.ledger.tmp-\(live)-888")
        let otherLedger = try touch("other.ledger.tmp-\(dead)-1")
        let lookAlike = try touch("site.ledger.tmp-notapid")
        _ = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 1, delta: 1e-5))
        let exists = { FileManager.default.fileExists(atPath: $0) }
        #expect(!exists(killed) && !exists(oldLive))
        #expect(exists(running) && exists(otherLedger) && exists(lookAlike) && exists(path))
        // Reopening cleans too, and a creator that dies while the file is open is then seen as gone.
        let another = try touch("site.ledger.tmp-\(dead)-99")
        _ = try PrivacyLedger(openingAt: path)
        #expect(!exists(another) && exists(running))
    }

    @Test func aTornLastRecordIsSaidInEveryReportFormat() async throws {
        let path = scratch.path("torn.ledger")
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 5, delta: 1e-5))
        try await ledger.spend(.gaussian(noiseMultiplier: 10), label: "first")
        try await ledger.spend(.gaussian(noiseMultiplier: 10), label: "second")
        let clean = try BudgetReport(ledger: try LedgerFile.read(path: path))
        #expect(clean.tornRecordDropped == false && clean.tornRecordNote == nil)
        #expect(try clean.json().contains("\"torn_record_dropped\" : false"))
        #expect(!clean.markdown().contains("torn"))

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("57 0badc0de {\"kind\":\"spe".utf8))
        try handle.close()
        let report = try BudgetReport(ledger: try LedgerFile.read(path: path))
        #expect(report.series[0].points.count == 2)
        #expect(report.tornRecordDropped == true && report.tornRecordBytes == 24)
        #expect(report.markdown().contains("**Warning:** The ledger ends in a torn record (24 bytes"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as? [String: Any])
        #expect(json["torn_record_dropped"] as? Bool == true && json["torn_record_bytes"] as? Int == 24)
        #expect(report.svg().contains("torn last record (24 bytes"))
        #expect(try JSONDecoder().decode(BudgetReport.self, from: Data(try report.json().utf8)) == report)
    }

    @Test func onlyLedgerFilesAreRecognizedAsLedgers() async throws {
        let path = scratch.path("real.ledger")
        _ = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 1, delta: 1e-5))
        #expect(try LedgerFile.isLedger(path: path))
        let other = scratch.path("report.md")
        try Data("# not a ledger\n".utf8).write(to: URL(fileURLWithPath: other))
        #expect(try !LedgerFile.isLedger(path: other))
        #expect(try !LedgerFile.isLedger(path: scratch.path("missing.ledger")))
        #expect(try !LedgerFile.isLedger(path: "/dev/null"))
        #expect(try LedgerFile.ledgers(in: (path as NSString).deletingLastPathComponent) == [path])
    }

    /// "Not a ledger" must never stand for "could not look": an existing path that cannot be
    /// opened throws, naming it and the reason, so a writer refuses instead of replacing it.
    @Test func aPathThatCannotBeReadIsNotAnsweredNotALedger() throws {
        // A symbolic link to itself exists but cannot be opened (ELOOP), whoever runs the test.
        let loop = scratch.path("loop.ledger")
        #expect(symlink(loop, loop) == 0)
        #expect(throws: PrivacyAccountingError.ledgerIO(path: loop, operation: "open to check it is not a ledger", errno: ELOOP)) {
            try LedgerFile.isLedger(path: loop)
        }
        // A ledger without read permission: only an unprivileged user is refused it (root reads
        // any file, and is then answered truthfully that it is a ledger).
        let locked = scratch.path("locked.ledger")
        _ = try PrivacyLedger(creatingAt: locked, budget: .init(epsilon: 1, delta: 1e-5))
        #expect(chmod(locked, 0) == 0)
        defer { chmod(locked, 0o600) }
        if geteuid() == 0 {
            #expect(try LedgerFile.isLedger(path: locked))
        } else {
            #expect(throws: PrivacyAccountingError.ledgerIO(path: locked, operation: "open to check it is not a ledger", errno: EACCES)) {
                try LedgerFile.isLedger(path: locked)
            }
        }
    }

    /// "No ledgers here" must never stand for "could not look": a missing folder has none,
    /// a path that cannot be listed is an error naming it.
    @Test func listingLedgersFailsClosed() throws {
        #expect(try LedgerFile.ledgers(in: scratch.path("missing-folder")) == [])
        let file = scratch.path("not-a-folder")
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        #expect(accountingError { _ = try LedgerFile.ledgers(in: file) }?.caseName == "ledgerIO")
    }
}

/// Issue 13, item 16: a spend's label is free text; no label may break a report's table.
@Suite final class LedgerLabelTests: Sendable {
    let scratch = ScratchFolder()

    @Test func labelsWithLineBreaksPipesAndMarkupStayInTheirCell() async throws {
        let path = scratch.path("labels.ledger")
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 5, delta: 1e-5))
        let labels = ["line one\nline two | pipe", "windows\r\nbreak", "back\\slash <b>bold</b> & \u{7}bell", "plain"]
        for label in labels { try await ledger.spend(.gaussian(noiseMultiplier: 20), label: label) }
        let report = try BudgetReport(ledger: try LedgerFile.read(path: path), title: "Ledger\nwith a break")
        let markdown = report.markdown()
        let rows = markdown.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("| ") && !$0.hasPrefix("| spends") }
        // One row per spend, each with exactly the table's five cell borders.
        #expect(rows.count == labels.count)
        for row in rows {
            var borders = 0, escaped = false
            for character in row {
                if character == "|" && !escaped { borders += 1 }
                escaped = character == "\\" && !escaped
            }
            #expect(borders == 5, "\(row)")
        }
        #expect(rows[0].contains("| line one<br>line two \\| pipe |"))
        #expect(rows[1].contains("| windows<br>break |"))
        #expect(rows[2].contains("| back\\\\slash &lt;b&gt;bold&lt;/b&gt; &amp; \u{FFFD}bell |"))
        #expect(markdown.hasPrefix("# Ledger<br>with a break\n"))

        // CSV: every field with a line break (LF or CR) is quoted, so each spend is one record.
        let csv = report.csv()
        #expect(csv.contains("\"line one\nline two | pipe\""))
        #expect(csv.contains("\"windows\r\nbreak\""))
        #expect(BudgetReport.csvField("carriage\rreturn") == "\"carriage\rreturn\"")
        #expect(BudgetReport.csvField("plain") == "plain")
    }
}
