import Foundation
import FuzzHarness
import PrivacyAccounting

/// Ledger files, and the reports rendered from them. The input is written to a file (the
/// ledger API reads paths); oracles: reading either succeeds or throws `corruptLedger`; what
/// was read is consistent (sequence numbers 1…n, a valid prefix inside the file, a sane
/// budget); a report of it renders in every format with no NaN ε; a ledger whose report
/// composed opens too, with the same spends.
enum LedgerTarget {
    /// A private folder for the one file this process fuzzes (libFuzzer runs inputs one at a time).
    static let folder: String = {
        var template = Array((NSTemporaryDirectory() + "/privagg-fuzz-ledger-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed: errno \(errno)") }
        return String(cString: made)
    }()

    static func run(_ bytes: [UInt8]) {
        // An empty file is refused ("empty file, no header"), but Foundation's
        // Data(contentsOf:) leaks a 4 KiB buffer reading a zero-length file (swift-foundation
        // in Swift 6.3.1, found by this target), which LeakSanitizer would report on every run.
        guard !bytes.isEmpty else { return }
        let path = folder + "/fuzz.ledger"
        unlink(path)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            fatalError("cannot write \(path)")
        }
        let contents: LedgerFile.Contents
        do {
            contents = try LedgerFile.read(path: path)
        } catch {
            guard case .corruptLedger? = error as? PrivacyAccountingError else { violated("reading a ledger threw \(error)") }
            return
        }
        guard contents.validLength > 0, contents.validLength <= bytes.count,
              contents.hadTornRecord == (contents.validLength < bytes.count) else {
            violated("valid length \(contents.validLength) of \(bytes.count) bytes, torn: \(contents.hadTornRecord)")
        }
        guard contents.header.epsilon.isFinite, contents.header.epsilon >= 0,
              contents.header.delta > 0, contents.header.delta < 1 else {
            violated("accepted the budget ε = \(contents.header.epsilon), δ = \(contents.header.delta)")
        }
        for (index, entry) in contents.entries.enumerated() where entry.sequence != index + 1 {
            violated("spend \(index + 1) has sequence number \(entry.sequence)")
        }

        let report: BudgetReport
        do {
            report = try BudgetReport(ledger: contents)
        } catch {
            guard error is PrivacyAccountingError else { violated("a ledger's report threw \(error)") }
            return
        }
        for point in report.series.flatMap(\.points) {
            guard !point.epsilon.isNaN, point.epsilon >= 0 else { violated("report ε = \(point.epsilon)") }
        }
        // Spends only add to the RDP curve, so ε never falls from one spend to the next.
        for series in report.series {
            for (earlier, later) in zip(series.points, series.points.dropFirst())
            where later.epsilon < earlier.epsilon - 1e-9 * max(1, earlier.epsilon) {
                violated("ε fell from \(earlier.epsilon) to \(later.epsilon) between spends")
            }
        }
        _ = report.markdown()
        _ = report.csv()
        // The SVG chart is tooling (PrivAggTools, not a product), so this package cannot reach
        // it; it only formats the numbers checked above.
        do { _ = try report.json() } catch { violated("a ledger's report cannot be written as JSON: \(error)") }

        // Opening composes the same spends (and takes the lock, released when the actor goes).
        do {
            _ = try PrivacyLedger(openingAt: path)
        } catch {
            violated("a ledger whose report composed does not open: \(error)")
        }
    }
}
