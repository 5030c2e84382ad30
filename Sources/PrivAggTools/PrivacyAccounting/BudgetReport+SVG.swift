import Foundation
import Plotting
import PrivacyAccounting

extension BudgetReport {
    /// A self-contained SVG line plot of ε against steps in PrivAgg's one chart style (see
    /// `Plotting`): nice ticks, y from the data, one line per series with the legend beside
    /// the data area, the budget as a dashed line, δ (and any torn-record note) under the title.
    ///
    /// - Parameters:
    ///   - width: total width in pixels.
    ///   - height: total height in pixels.
    /// - Returns: the SVG document.
    public func svg(width: Int = 800, height: Int = 440) -> String {
        var subtitle = "ε at δ = \(Self.format(delta)) (Rényi DP accountant)"
        if tornRecordDropped == true { subtitle += "; torn last record (\(tornRecordBytes ?? 0) bytes, never acknowledged) dropped" }
        let series = series.map { line in
            Plot.Series(name: line.label, points: line.points.filter { $0.epsilon.isFinite }.map { .init(x: Double($0.step), y: $0.epsilon) })
        }
        let unbounded = self.series.contains { $0.points.contains { !$0.epsilon.isFinite } }
        return Plot(
            title: title, subtitle: subtitle, xTitle: stepName, yTitle: "ε spent", series: series,
            references: budgetEpsilon.flatMap { $0.isFinite ? [.init(value: $0, label: "budget ε = \(Self.format($0))")] : nil } ?? [],
            yLimits: 0...Double.greatestFiniteMagnitude, notes: unbounded ? ["ε is unbounded after a non-private event"] : []
        ).svg(width: width, height: height)
    }

    /// Round tick values 0, t, 2t, … covering `maximum`, with t = 1, 2 or 5 × 10^k (the
    /// shared ``NiceScale`` ladder).
    static func ticks(upTo maximum: Double) -> [Double] {
        NiceScale.axis(for: 0...max(maximum, .leastNormalMagnitude)).ticks
    }

    static func coordinate(_ value: Double) -> String { String(format: "%.2f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
