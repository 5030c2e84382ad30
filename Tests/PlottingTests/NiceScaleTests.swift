import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@testable import Plotting

@Suite struct NiceScaleTests {
    @Test func stepsAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(NiceScale.step(for: 1000) == 200)
        #expect(NiceScale.step(for: 7.3) == 2)
        #expect(NiceScale.step(for: 0.69) == 0.2)
        #expect(NiceScale.step(for: 0.013) == 0.005)
        #expect(NiceScale.step(for: 50) == 10)
        #expect(NiceScale.step(for: 0) == 1)
        for span in stride(from: 0.001, through: 5000, by: 0.37) {
            let step = NiceScale.step(for: span)
            let mantissa = step / pow(10, log10(step).rounded(.down))
            #expect([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "span \(span) gave step \(step)")
            #expect(span / step <= 5 + 1e-9 && span / step > 1, "span \(span) gave step \(step)")
        }
    }

    @Test func accuracyAxisStartsNearTheDataNotAtZero() {
        // The issue's example: two curves between 0.78 and 0.86 used to sit in the top tenth.
        let range = NiceScale.dataRange([0.78, 0.81, 0.86])!
        let axis = NiceScale.axis(for: range, clampedTo: 0...1)
        #expect(axis.range.lowerBound > 0.7 && axis.range.lowerBound <= 0.776)
        #expect(axis.range.upperBound >= 0.864 && axis.range.upperBound < 0.9)
        #expect(axis.ticks == [0.76, 0.78, 0.8, 0.82, 0.84, 0.86, 0.88])
    }

    @Test func axisCoversTheRangeWithRoundTicks() {
        let axis = NiceScale.axis(for: 0.23...0.69)
        #expect(axis.ticks == [0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
        #expect(axis.range == 0.2...0.7)
        let epsilon = NiceScale.axis(for: NiceScale.dataRange([0.4, 2.9], including: [3])!, clampedTo: 0...Double.greatestFiniteMagnitude)
        #expect(epsilon.ticks.first! <= 0.4 && epsilon.ticks.last! >= 3)
        #expect(epsilon.range.lowerBound >= 0)
    }

    @Test func degenerateRanges() {
        #expect(NiceScale.dataRange([]) == nil)
        #expect(NiceScale.dataRange([.nan, .infinity]) == nil)
        #expect(NiceScale.dataRange([0.5]) == 0.45...0.55)
        #expect(NiceScale.dataRange([0]) == -1...1)
        #expect(NiceScale.axis(for: 0.5...0.5).ticks.count >= 2)
    }

    @Test func labelsUseTheStepsDecimals() {
        #expect(NiceScale.label(0.8, step: 0.02) == "0.80")
        #expect(NiceScale.label(200, step: 200) == "200")
        #expect(NiceScale.label(2.5, step: 0.5) == "2.5")
    }
}

@Suite struct PlotTests {
    static func plot() -> Plot {
        Plot(
            title: "Accuracy", subtitle: "δ = 1e-5", xTitle: "ε (at δ = 1e-5)", yTitle: "accuracy (share)",
            series: [
                .init(name: "dp-sgd + secagg", points: [.init(x: 1, y: 0.8, interval: 0.78...0.82), .init(x: 3, y: 0.84, interval: 0.8...0.88)],
                      band: [(1, 0.7, 0.9), (3, 0.75, 0.95)], mark: .lineAndDots),
                .init(name: "baseline", points: [.init(x: 1, y: 0.85), .init(x: 3, y: 0.85)], dashed: true),
            ],
            references: [.init(value: 0.75, label: "goal")], yLimits: 0...1)
    }

    @Test func svgIsWellFormedWithBarsBandsAndLegendOutsideTheData() throws {
        let svg = Self.plot().svg(width: 800, height: 440)
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        #expect(svg.components(separatedBy: "<polygon").count == 2)
        #expect(svg.components(separatedBy: "<path d=\"M").count == 3)
        #expect(svg.contains("ε (at δ = 1e-5)") && svg.contains("accuracy (share)"))
        // The legend column is 6.8 × 15 + 46 = 148 wide (longest name: 15 characters), so the
        // data frame ends at 800 − 16 − 148 = 636 and the legend text starts right of it.
        #expect(svg.contains(#"<rect x="72.00" y="60.00" width="564.00""#))
        #expect(svg.contains(#"<text x="682.00" y="70.00">dp-sgd + secagg</text>"#))
    }

    @Test func yAxisIncludesIntervalsBandsAndReferences() {
        let axis = Self.plot().yAxis
        #expect(axis.range.lowerBound <= 0.7 && axis.range.upperBound >= 0.95)
        #expect(axis.range.lowerBound > 0 && axis.range.upperBound <= 1)
    }

    @Test func notesWrapToTheLegendColumn() {
        #expect(Plot.wrapped("dp-sgd/secagg/ε≤1/σ=1.5/logistic: trained nothing", width: 20)
                == ["dp-sgd/secagg/ε≤1/σ=", "1.5/logistic:", "trained nothing"])
    }

    @Test func categoricalAxisHasOneSlotPerCategory() {
        let plot = Plot(title: "t", xTitle: "site", yTitle: "accuracy", series: [.init(name: "a", points: [.init(x: 0, y: 0.5), .init(x: 1, y: 0.6)], mark: .dots)],
                        xCategories: ["cleveland", "va"])
        #expect(plot.xAxis.ticks == [0, 1])
        #expect(plot.svg().contains(">cleveland</text>"))
    }
}

@Suite struct PlotFileTests {
    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plotting-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func withoutAConverterOnlyTheSVGIsWritten() throws {
        let folder = try Self.temporaryFolder()
        let png = try PlotFile.write(PlotTests.plot().svg(), to: folder + "/a.svg", searchPath: folder + "/nothing-here")
        #expect(png == nil)
        #expect(FileManager.default.fileExists(atPath: folder + "/a.svg"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/a.png"))
    }

    @Test func aFailingConverterIsReported() throws {
        let folder = try Self.temporaryFolder()
        let bin = folder + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try Data("#!/bin/sh\nexit 3\n".utf8).write(to: URL(fileURLWithPath: bin + "/rsvg-convert"))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/rsvg-convert")
        #expect(throws: PlotFile.Failure.converterFailed(path: folder + "/a.svg", status: 3)) {
            try PlotFile.write(PlotTests.plot().svg(), to: folder + "/a.svg", searchPath: bin)
        }
        #expect(FileManager.default.fileExists(atPath: folder + "/a.svg"))
    }

    @Test(.enabled(if: PlotFile.converter() != nil, "rsvg-convert (librsvg2-bin) is not installed"))
    func withRsvgConvertAPNGIsWrittenBeside() throws {
        let folder = try Self.temporaryFolder()
        let png = try PlotFile.write(PlotTests.plot().svg(), to: folder + "/a.svg")
        #expect(png == folder + "/a.png")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.png"))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }
}

@Suite struct ExtremeValuePlotTests {
    /// A fuzzed ledger can hold ε near the largest Double: the plot stays finite and parses.
    @Test func hugeValuesGiveFiniteCoordinates() {
        for values in [[0, 1.7e308], [1e300, 1.7e308], [-1.7e308, 1.7e308], [5e-324, 1e-323]] {
            let plot = Plot(
                title: "ε", xTitle: "spends", yTitle: "ε", series: [.init(name: "s", points: values.enumerated().map { .init(x: Double($0.offset), y: $0.element) })],
                references: [.init(value: 1.7e308, label: "budget")], yLimits: 0...Double.greatestFiniteMagnitude)
            let svg = plot.svg()
            #expect(!svg.contains("nan") && !svg.contains("inf"), "\(values)")
            #expect(XMLParser(data: Data(svg.utf8)).parse())
        }
    }
}
