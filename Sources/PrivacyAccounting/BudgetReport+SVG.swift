import Foundation

extension BudgetReport {
    /// A self-contained SVG line plot of ε against steps: labelled axes with round ticks, one
    /// coloured line per series with a legend, the budget as a dashed line, δ in the title.
    public func svg(width: Int = 720, height: Int = 440) -> String {
        let left = 70.0, right = 20.0, top = 50.0, bottom = 55.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let allPoints = series.flatMap(\.points).filter { $0.epsilon.isFinite }
        let maxStep = Double(allPoints.map(\.step).max() ?? 1)
        let maxEpsilon = max(allPoints.map(\.epsilon).max() ?? 1, budgetEpsilon.flatMap { $0.isFinite ? $0 : nil } ?? 0, 1e-9)
        let xTicks = Self.ticks(upTo: max(maxStep, 1)), yTicks = Self.ticks(upTo: maxEpsilon * 1.05)
        let xMax = xTicks.last ?? 1, yMax = yTicks.last ?? 1
        func x(_ value: Double) -> Double { left + value / xMax * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - min(value, yMax) / yMax * plotHeight }
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
        var svg = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="Helvetica, Arial, sans-serif" font-size="12">"##,
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="\##(Double(width) / 2)" y="22" text-anchor="middle" font-size="15">\##(Self.escape(title))</text>"##,
            ##"<text x="\##(Double(width) / 2)" y="40" text-anchor="middle" fill="#555">ε at δ = \##(Self.format(delta)) (Rényi DP accountant)</text>"##,
        ]
        for tick in xTicks {
            svg.append(##"<line x1="\##(x(tick))" y1="\##(top)" x2="\##(x(tick))" y2="\##(top + plotHeight)" stroke="#eee"/>"##)
            svg.append(##"<text x="\##(x(tick))" y="\##(top + plotHeight + 18)" text-anchor="middle">\##(Self.format(tick))</text>"##)
        }
        for tick in yTicks {
            svg.append(##"<line x1="\##(left)" y1="\##(y(tick))" x2="\##(left + plotWidth)" y2="\##(y(tick))" stroke="#eee"/>"##)
            svg.append(##"<text x="\##(left - 8)" y="\##(y(tick) + 4)" text-anchor="end">\##(Self.format(tick))</text>"##)
        }
        svg.append(##"<rect x="\##(left)" y="\##(top)" width="\##(plotWidth)" height="\##(plotHeight)" fill="none" stroke="#333"/>"##)
        if tornRecordDropped == true {
            svg.append(##"<text x="\##(left + 6)" y="\##(top + 16)" fill="#b00" font-size="11">torn last record (\##(tornRecordBytes ?? 0) bytes, never acknowledged) dropped</text>"##)
        }
        svg.append(##"<text x="\##(left + plotWidth / 2)" y="\##(Double(height) - 12)" text-anchor="middle">\##(Self.escape(stepName))</text>"##)
        svg.append(##"<text x="18" y="\##(top + plotHeight / 2)" text-anchor="middle" transform="rotate(-90 18 \##(top + plotHeight / 2))">ε</text>"##)
        if let budgetEpsilon, budgetEpsilon.isFinite {
            svg.append(##"<line x1="\##(left)" y1="\##(y(budgetEpsilon))" x2="\##(left + plotWidth)" y2="\##(y(budgetEpsilon))" stroke="#000" stroke-dasharray="6 4"/>"##)
            svg.append(##"<text x="\##(left + plotWidth - 4)" y="\##(y(budgetEpsilon) - 5)" text-anchor="end">budget ε = \##(Self.format(budgetEpsilon))</text>"##)
        }
        for (index, s) in series.enumerated() {
            let color = colors[index % colors.count]
            let path = s.points.filter { $0.epsilon.isFinite }
                .map { "\(Self.coordinate(x(Double($0.step)))),\(Self.coordinate(y($0.epsilon)))" }.joined(separator: " ")
            svg.append(##"<polyline fill="none" stroke="\##(color)" stroke-width="2" points="\##(path)"/>"##)
            let legendY = top + 16 + Double(index) * 18
            svg.append(##"<line x1="\##(left + 12)" y1="\##(legendY - 4)" x2="\##(left + 36)" y2="\##(legendY - 4)" stroke="\##(color)" stroke-width="2"/>"##)
            svg.append(##"<text x="\##(left + 42)" y="\##(legendY)">\##(Self.escape(s.label))</text>"##)
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    /// Round tick values 0, t, 2t, … covering `maximum`, with t = 1, 2 or 5 × 10^k (4–8 ticks).
    static func ticks(upTo maximum: Double) -> [Double] {
        let raw = maximum / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { maximum / $0 <= 7 } ?? 10 * magnitude
        let count = Int((maximum / step).rounded(.up))
        return (0...max(count, 1)).map { Double($0) * step }
    }

    static func coordinate(_ value: Double) -> String { String(format: "%.2f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
