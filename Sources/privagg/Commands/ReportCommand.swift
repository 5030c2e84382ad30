import ArgumentParser
import Foundation
import Plotting
import PrivacyAccounting
import PrivAggTools

/// `privagg report LEDGER`: what a privacy ledger has spent, as Markdown, JSON, CSV or SVG.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report the spends recorded in a privacy ledger file (ε after each spend, budget left)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case markdown, json, csv, svg }

    @Argument(help: "Path of the ledger file.")
    var ledger: String

    @Option(help: "Output format: markdown, json, csv or svg.")
    var format: Format = .markdown

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "Recompute ε with this accountant, rdp or pld (default: the one that governs the ledger's budget, named in its header; the report says which governs).")
    var accountant: AccountantKind?

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: ledger, isDirectory: &isDirectory) else {
            throw ValidationError("no ledger file at \(ledger)")
        }
        guard !isDirectory.boolValue else {
            throw ValidationError("\(ledger) is a folder; give one of its .ledger files")
        }
        guard FileManager.default.isReadableFile(atPath: ledger) else {
            throw ValidationError("cannot read ledger file \(ledger)")
        }
    }

    func run() throws {
        let contents = try LedgerFile.read(path: ledger)
        let title = "Privacy ledger \((ledger as NSString).lastPathComponent)"
        let report = if let accountant {
            try BudgetReport(
                ledger: contents, title: title, accountant: try accountant.makeAccountant(neighboringRelation: contents.header.neighboringRelation))
        } else {
            try BudgetReport(ledger: contents, title: title)
        }
        // Said in every format: Markdown and SVG in the text, JSON in its fields, and on
        // stderr for all (CSV has no place for a note without breaking its readers).
        if let note = report.tornRecordNote { printError("warning: \(ledger): \(note)") }
        let text: String
        switch format {
        case .markdown: text = report.markdown()
        case .json: text = try report.json()
        case .csv: text = report.csv()
        case .svg: text = report.svg()
        }
        if format == .svg, let output {
            // The SVG, and a PNG beside it when rsvg-convert is installed; neither may replace a ledger.
            try refuseLedgerTarget(output)
            try refuseLedgerTarget((output as NSString).deletingPathExtension + ".png")
            do { try PlotFile.write(text, to: output) } catch { throw FileAccessError("cannot write \(output): \(readableReason(error))") }
            return
        }
        try emit(text, to: output)
    }
}
