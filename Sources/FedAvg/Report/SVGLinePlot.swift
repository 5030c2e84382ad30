import Foundation

/// A minimal SVG line chart (no dependencies): one or more series over rounds.
struct SVGLinePlot {
    /// A named series of (x, y) points and its stroke colour.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var color: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// A horizontal reference line (e.g. the ε budget), with its label.
    var reference: (value: Double, label: String)?

    func render(width: Double = 640, height: Double = 360) -> String {
        let left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
        let all = series.flatMap(\.points)
        let xMax = max(all.map(\.x).max() ?? 1, 1)
        var yMax = max(all.map(\.y).max() ?? 1, reference?.value ?? 0)
        var yMin = min(all.map(\.y).min() ?? 0, 0)
        if yMax <= yMin { yMax = yMin + 1 }
        yMax += (yMax - yMin) * 0.05
        yMin = max(0, yMin)
        func px(_ x: Double) -> Double { left + (x / xMax) * (width - left - right) }
        func py(_ y: Double) -> Double { height - bottom - (y - yMin) / (yMax - yMin) * (height - top - bottom) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>
        <line x1="\(f(left))" y1="\(f(height - bottom))" x2="\(f(width - right))" y2="\(f(height - bottom))" stroke="black"/>
        <line x1="\(f(left))" y1="\(f(top))" x2="\(f(left))" y2="\(f(height - bottom))" stroke="black"/>
        <text x="\(f(width / 2))" y="\(f(height - 12))" text-anchor="middle">\(escape(xLabel))</text>
        <text x="16" y="\(f(height / 2))" text-anchor="middle" transform="rotate(-90 16 \(f(height / 2)))">\(escape(yLabel))</text>

        """
        for tick in 0...4 {
            let value = yMin + (yMax - yMin) * Double(tick) / 4
            svg += "<line x1=\"\(f(left - 4))\" y1=\"\(f(py(value)))\" x2=\"\(f(width - right))\" y2=\"\(f(py(value)))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(py(value) + 4))\" text-anchor=\"end\">\(String(format: "%.2f", value))</text>\n"
            let x = xMax * Double(tick) / 4
            svg += "<text x=\"\(f(px(x)))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\">\(String(format: "%.0f", x))</text>\n"
        }
        if let reference {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(reference.value)))\" x2=\"\(f(width - right))\" y2=\"\(f(py(reference.value)))\" stroke=\"#c00\" stroke-dasharray=\"6 4\"/>"
            svg += "<text x=\"\(f(width - right - 4))\" y=\"\(f(py(reference.value) - 6))\" text-anchor=\"end\" fill=\"#c00\">\(escape(reference.label))</text>\n"
        }
        for (index, line) in series.enumerated() {
            let path = line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            let legendY = top + 16 * Double(index)
            svg += "<line x1=\"\(f(left + 12))\" y1=\"\(f(legendY))\" x2=\"\(f(left + 32))\" y2=\"\(f(legendY))\" stroke=\"\(line.color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(f(left + 38))\" y=\"\(f(legendY + 4))\">\(escape(line.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
