import Foundation
@testable import PrivAggTools
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import PrivacyAccounting

@Suite struct BudgetReportTests {
    static func report() throws -> BudgetReport {
        try BudgetReport(
            title: "DP-SGD", events: [
                ("σ = 1.0", .poissonSampled(rate: 0.01, event: .gaussian(noiseMultiplier: 1))),
                ("σ = 2.0", .poissonSampled(rate: 0.01, event: .gaussian(noiseMultiplier: 2))),
            ], steps: 1000, delta: 1e-5, points: 10, budgetEpsilon: 3)
    }

    @Test func curvesMatchTheAccountantAndGrowWithSteps() throws {
        let report = try Self.report()
        #expect(report.series.map(\.points.count) == [10, 10])
        let last = try #require(report.series[0].points.last)
        #expect(last.step == 1000)
        let direct = try RDPAccountant().composing(.dpSGD(samplingRate: 0.01, noiseMultiplier: 1, steps: 1000)).epsilon(delta: 1e-5)
        #expect(abs(last.epsilon - direct.epsilon) < 1e-12 * direct.epsilon)
        for s in report.series {
            for (a, b) in zip(s.points, s.points.dropFirst()) { #expect(a.epsilon <= b.epsilon) }
        }
        #expect(report.series[1].points.last!.epsilon < last.epsilon)
    }

    @Test func tabularFormatsCarryEveryPointAndDelta() throws {
        let report = try Self.report()
        let markdown = report.markdown()
        #expect(markdown.contains("δ = 1e-05"))
        #expect(markdown.contains("## σ = 2.0"))
        #expect(markdown.split(separator: "\n").filter { $0.hasPrefix("| 1000 |") }.count == 2)
        let csv = report.csv().split(separator: "\n")
        #expect(csv.count == 21)
        #expect(csv[0] == "series,step,label,epsilon,delta,optimal_order")
        let decoded = try JSONDecoder().decode(BudgetReport.self, from: Data(try report.json().utf8))
        #expect(decoded == report)
    }

    @Test func svgIsWellFormedWithLegendAndDelta() throws {
        let svg = try Self.report().svg()
        #expect(svg.contains("σ = 1.0") && svg.contains("σ = 2.0"))
        #expect(svg.contains("δ = 1e-05"))
        #expect(svg.contains("budget ε = 3"))
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "SVG is not well-formed XML")
    }

    @Test func ticksAreRoundAndCoverTheRange() {
        #expect(BudgetReport.ticks(upTo: 1000) == [0, 200, 400, 600, 800, 1000])
        #expect(BudgetReport.ticks(upTo: 7.3) == [0, 2, 4, 6, 8])
        #expect(BudgetReport.ticks(upTo: 0.013).last! >= 0.013)
    }

    @Test func ledgerReportListsEverySpend() async throws {
        let scratch = ScratchFolder()
        defer { withExtendedLifetime(scratch) {} }
        let path = scratch.path("report.jsonl")
        let ledger = try PrivacyLedger(creatingAt: path, budget: .init(epsilon: 4, delta: 1e-6))
        try await ledger.spend(.gaussian(noiseMultiplier: 8), label: "mean, age")
        try await ledger.spend(.gaussian(noiseMultiplier: 8), label: "mean \"income\"")
        let report = try BudgetReport(ledger: try LedgerFile.read(path: path))
        #expect(report.series[0].points.map(\.step) == [1, 2])
        #expect(abs(report.series[0].points[1].epsilon - (await ledger.spent.epsilon)) < 1e-12)
        #expect(report.csv().contains(#""mean, age""#))
        #expect(report.csv().contains(#""mean ""income""""#))
        #expect(report.markdown().contains("remaining ε"))
        #expect(report.svg().contains("spends"))
    }

    @Test func unboundedEpsilonIsNullInJSON() throws {
        let report = try BudgetReport(events: [(label: "raw release", event: .nonPrivate)], steps: 2, delta: 1e-5, points: 2)
        let json = try report.json()
        #expect(json.contains("\"epsilon\" : null"))
        #expect(!json.contains("\"inf\""))
        let decoded = try JSONDecoder().decode(BudgetReport.self, from: Data(json.utf8))
        #expect(decoded.series.first?.points.last?.epsilon == .infinity)
    }
}
