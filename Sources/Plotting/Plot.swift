import Foundation

/// One style for every PrivAgg chart: a framed data area with nice ticks and light grid
/// lines, axis titles with units, the legend in its own column right of the data (never over
/// the lines), optional error bars, shaded bands and dashed reference lines.
public struct Plot: Sendable {
    /// One x position of a series, with an optional interval drawn as an error bar.
    public struct Point: Sendable, Equatable {
        /// Position on the x axis (a category's index on a categorical axis).
        public var x: Double
        /// Value.
        public var y: Double
        /// Lower and upper end of the error bar, if any.
        public var interval: ClosedRange<Double>?

        /// A point.
        ///
        /// - Parameters:
        ///   - x: position on the x axis.
        ///   - y: value.
        ///   - interval: the error bar's ends, if any.
        public init(x: Double, y: Double, interval: ClosedRange<Double>? = nil) {
            self.x = x
            self.y = y
            self.interval = interval
        }
    }

    /// How a series is drawn.
    public enum Mark: Sendable {
        /// A polyline through the points.
        case line
        /// A dot per point.
        case dots
        /// A polyline with a dot per point.
        case lineAndDots
    }

    /// A named series.
    public struct Series: Sendable {
        /// Legend text.
        public var name: String
        /// The points, in drawing order.
        public var points: [Point]
        /// Fill between lower and upper values per x (e.g. a confidence band), drawn under the line.
        public var band: [(x: Double, lower: Double, upper: Double)]
        /// How the points are drawn.
        public var mark: Mark
        /// Stroke colour; nil takes the next colour of the palette.
        public var color: String?
        /// Dashed stroke (e.g. a baseline).
        public var dashed: Bool

        /// A series.
        ///
        /// - Parameters:
        ///   - name: legend text.
        ///   - points: the points.
        ///   - band: a shaded band, if any.
        ///   - mark: line, dots or both.
        ///   - color: stroke colour (default: from the palette).
        ///   - dashed: whether the line is dashed.
        public init(
            name: String, points: [Point], band: [(x: Double, lower: Double, upper: Double)] = [], mark: Mark = .line,
            color: String? = nil, dashed: Bool = false
        ) {
            self.name = name
            self.points = points
            self.band = band
            self.mark = mark
            self.color = color
            self.dashed = dashed
        }
    }

    /// A horizontal dashed line across the data area (e.g. a budget or a goal).
    public struct Reference: Sendable {
        /// Its y value.
        public var value: Double
        /// Its label, written above the line at the right.
        public var label: String

        /// A reference line.
        ///
        /// - Parameters:
        ///   - value: y value.
        ///   - label: text drawn with it.
        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// The colour-blind-safe palette (Okabe–Ito) every plot cycles through.
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    /// Title above the plot.
    public var title: String
    /// A smaller line under the title (e.g. δ), if any.
    public var subtitle: String?
    /// Title of the x axis, with its unit.
    public var xTitle: String
    /// Title of the y axis, with its unit.
    public var yTitle: String
    /// The series.
    public var series: [Series]
    /// Horizontal reference lines.
    public var references: [Reference]
    /// Names of the x positions 0, 1, 2, … for a categorical axis (nil: numeric axis).
    public var xCategories: [String]?
    /// Hard limits of the y axis (e.g. 0…1 for accuracy), if any.
    public var yLimits: ClosedRange<Double>?
    /// Short notes written in the legend column under the legend (e.g. "no point is finite").
    public var notes: [String]

    /// A plot.
    ///
    /// - Parameters:
    ///   - title: title above the plot.
    ///   - subtitle: a second, smaller line.
    ///   - xTitle: x axis title with unit.
    ///   - yTitle: y axis title with unit.
    ///   - series: the series.
    ///   - references: horizontal reference lines.
    ///   - xCategories: names of a categorical x axis.
    ///   - yLimits: hard limits of the y axis.
    ///   - notes: notes under the legend.
    public init(
        title: String, subtitle: String? = nil, xTitle: String, yTitle: String, series: [Series], references: [Reference] = [],
        xCategories: [String]? = nil, yLimits: ClosedRange<Double>? = nil, notes: [String] = []
    ) {
        self.title = title
        self.subtitle = subtitle
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.series = series
        self.references = references
        self.xCategories = xCategories
        self.yLimits = yLimits
        self.notes = notes
    }

    /// The y axis: from the data (points, intervals, bands, references) with a 5% margin,
    /// rounded out to nice ticks, within ``yLimits``.
    public var yAxis: (range: ClosedRange<Double>, ticks: [Double]) {
        var values: [Double] = []
        for line in series {
            for point in line.points {
                values.append(point.y)
                if let interval = point.interval { values += [interval.lowerBound, interval.upperBound] }
            }
            for entry in line.band { values += [entry.lower, entry.upper] }
        }
        let range = NiceScale.dataRange(values, including: references.map(\.value)) ?? 0...1
        return NiceScale.axis(for: range, clampedTo: yLimits)
    }

    /// The x axis: numeric from the data without margin (rounds and ε start where the data
    /// does), or one slot per category.
    public var xAxis: (range: ClosedRange<Double>, ticks: [Double]) {
        if let categories = xCategories {
            let count = Double(max(categories.count, 1))
            return (-0.5...(count - 0.5), categories.indices.map(Double.init))
        }
        let xs = series.flatMap { $0.points.map(\.x) + $0.band.map(\.x) }
        let range = NiceScale.dataRange(xs, margin: 0) ?? 0...1
        return NiceScale.axis(for: range)
    }

    /// The SVG text of the plot.
    ///
    /// - Parameters:
    ///   - width: total width in pixels (the legend column takes what its longest entry needs, 140–320).
    ///   - height: total height in pixels.
    /// - Returns: a self-contained SVG document.
    public func svg(width: Int = 800, height: Int = 440) -> String {
        // About 6.8 px per character at 12 px: the column fits its longest entry, within bounds.
        let longest = series.map(\.name.count).max() ?? 0
        let legendWidth = min(320, max(140, 6.8 * Double(longest) + 46))
        let left = 72.0, right = 16.0 + legendWidth, top = subtitle == nil ? 44.0 : 60.0, bottom = xCategories == nil ? 56.0 : 76.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let (xRange, xTicks) = xAxis, (yRange, yTicks) = yAxis
        func px(_ x: Double) -> Double { left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
        func py(_ y: Double) -> Double {
            let clamped = min(max(y, yRange.lowerBound), yRange.upperBound)
            return top + plotHeight - (clamped - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * plotHeight
        }
        let xStep = xTicks.count > 1 ? xTicks[1] - xTicks[0] : 1, yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : 1
        var out = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(width)" height="\##(height)" viewBox="0 0 \##(width) \##(height)" font-family="Helvetica, Arial, sans-serif" font-size="12">"##,
            ##"<rect width="100%" height="100%" fill="white"/>"##,
            ##"<text x="\##(c(left + plotWidth / 2))" y="22" text-anchor="middle" font-size="15">\##(Self.escape(title))</text>"##,
        ]
        if let subtitle {
            out.append(##"<text x="\##(c(left + plotWidth / 2))" y="40" text-anchor="middle" fill="#555">\##(Self.escape(subtitle))</text>"##)
        }
        for tick in yTicks {
            out.append(##"<line x1="\##(c(left))" y1="\##(c(py(tick)))" x2="\##(c(left + plotWidth))" y2="\##(c(py(tick)))" stroke="#e5e5e5"/>"##)
            out.append(##"<text x="\##(c(left - 8))" y="\##(c(py(tick) + 4))" text-anchor="end">\##(NiceScale.label(tick, step: yStep))</text>"##)
        }
        for tick in xTicks {
            out.append(##"<line x1="\##(c(px(tick)))" y1="\##(c(top))" x2="\##(c(px(tick)))" y2="\##(c(top + plotHeight))" stroke="#e5e5e5"/>"##)
            let text = xCategories.map { $0[Int(tick)] } ?? NiceScale.label(tick, step: xStep)
            if xCategories != nil {
                let y = top + plotHeight + 14
                out.append(##"<text x="\##(c(px(tick)))" y="\##(c(y))" text-anchor="end" transform="rotate(-30 \##(c(px(tick))) \##(c(y)))">\##(Self.escape(text))</text>"##)
            } else {
                out.append(##"<text x="\##(c(px(tick)))" y="\##(c(top + plotHeight + 18))" text-anchor="middle">\##(Self.escape(text))</text>"##)
            }
        }
        out.append(##"<rect x="\##(c(left))" y="\##(c(top))" width="\##(c(plotWidth))" height="\##(c(plotHeight))" fill="none" stroke="#333"/>"##)
        out.append(##"<text x="\##(c(left + plotWidth / 2))" y="\##(height - 12)" text-anchor="middle">\##(Self.escape(xTitle))</text>"##)
        out.append(##"<text x="18" y="\##(c(top + plotHeight / 2))" text-anchor="middle" transform="rotate(-90 18 \##(c(top + plotHeight / 2)))">\##(Self.escape(yTitle))</text>"##)
        for reference in references where reference.value.isFinite {
            out.append(##"<line x1="\##(c(left))" y1="\##(c(py(reference.value)))" x2="\##(c(left + plotWidth))" y2="\##(c(py(reference.value)))" stroke="#000" stroke-dasharray="6 4"/>"##)
            out.append(##"<text x="\##(c(left + plotWidth - 4))" y="\##(c(py(reference.value) - 5))" text-anchor="end">\##(Self.escape(reference.label))</text>"##)
        }
        let legendX = left + plotWidth + 16
        for (index, line) in series.enumerated() {
            let color = line.color ?? Self.palette[index % Self.palette.count]
            let dash = line.dashed ? #" stroke-dasharray="5 3""# : ""
            if !line.band.isEmpty {
                let upper = line.band.map { "\(c(px($0.x))),\(c(py($0.upper)))" }
                let lower = line.band.reversed().map { "\(c(px($0.x))),\(c(py($0.lower)))" }
                out.append(##"<polygon points="\##((upper + lower).joined(separator: " "))" fill="\##(color)" fill-opacity="0.18" stroke="none"/>"##)
            }
            let finite = line.points.filter { $0.x.isFinite && $0.y.isFinite }
            for point in finite {
                guard let interval = point.interval else { continue }
                let x = px(point.x), low = py(interval.lowerBound), high = py(interval.upperBound)
                out.append(##"<path d="M\##(c(x)) \##(c(low))V\##(c(high))M\##(c(x - 4)) \##(c(low))H\##(c(x + 4))M\##(c(x - 4)) \##(c(high))H\##(c(x + 4))" stroke="\##(color)" stroke-width="1.5" fill="none"/>"##)
            }
            if line.mark != .dots, finite.count > 1 {
                let path = finite.map { "\(c(px($0.x))),\(c(py($0.y)))" }.joined(separator: " ")
                out.append(##"<polyline fill="none" stroke="\##(color)" stroke-width="2"\##(dash) points="\##(path)"/>"##)
            }
            if line.mark != .line || finite.count == 1 {
                for point in finite {
                    out.append(##"<circle cx="\##(c(px(point.x)))" cy="\##(c(py(point.y)))" r="3.5" fill="\##(color)"/>"##)
                }
            }
            let legendY = top + 10 + Double(index) * 20
            out.append(##"<line x1="\##(c(legendX))" y1="\##(c(legendY - 4))" x2="\##(c(legendX + 24))" y2="\##(c(legendY - 4))" stroke="\##(color)" stroke-width="2"\##(dash)/>"##)
            out.append(##"<text x="\##(c(legendX + 30))" y="\##(c(legendY))">\##(Self.escape(Self.shortened(line.name, to: 40)))</text>"##)
        }
        let noteLines = notes.flatMap { Self.wrapped($0, width: Int((legendWidth - 16) / 6)) }
        for (index, note) in noteLines.enumerated() {
            let y = top + 16 + Double(series.count) * 20 + Double(index) * 15
            out.append(##"<text x="\##(c(legendX))" y="\##(c(y))" fill="#b00" font-size="11">\##(Self.escape(note))</text>"##)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// A coordinate with two decimals.
    private func c(_ value: Double) -> String { String(format: "%.2f", value) }

    /// Legend text cut to fit the legend column.
    static func shortened(_ text: String, to length: Int = 30) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// Text broken into lines of at most `width` characters, at spaces or slashes where possible.
    static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            var piece = word
            while piece.count > width {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(piece.prefix(width)))
                piece = String(piece.dropFirst(width))
            }
            if current.isEmpty { current = piece } else if current.count + 1 + piece.count <= width { current += " " + piece } else {
                lines.append(current)
                current = piece
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// XML-escapes text.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
