import Foundation
import StrictInput

/// A benchmark repeated R times, summarized per figure as median and min–max: what a paper
/// should report instead of one run's number. Works on any benchmark report by reading
/// every numeric field of its JSON encoding (nested fields as `a.b`; arrays by their
/// elements' `aggregator` name, else their index).
struct RepeatedBenchmark: Encodable {
    /// One figure over the repetitions.
    struct Figure: Encodable, Equatable {
        var median: Double
        var min: Double
        var max: Double
    }

    /// Repetitions run.
    var repetitions: Int
    /// Every numeric figure, by its path.
    var figures: [String: Figure]

    /// Runs `body` `repetitions` times (progress on stderr) and summarizes its reports.
    static func run<Report: Encodable>(repetitions: Int, _ body: () throws -> Report) throws -> RepeatedBenchmark {
        var samples: [String: [Double]] = [:]
        for repetition in 1...repetitions {
            FileHandle.standardError.write(Data("repetition \(repetition)/\(repetitions)…\n".utf8))
            let data = try JSONEncoder().encode(try body())
            let value = try JSONDecoder().decode(JSONValue.self, from: data)
            for (path, number) in flatten(value, path: "") { samples[path, default: []].append(number) }
        }
        return RepeatedBenchmark(repetitions: repetitions, figures: samples.mapValues(summary))
    }

    /// Median (the mean of the middle two for an even count), minimum and maximum.
    static func summary(_ values: [Double]) -> Figure {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return Figure(median: median, min: sorted.first ?? .nan, max: sorted.last ?? .nan)
    }

    static func flatten(_ value: JSONValue, path: String) -> [(String, Double)] {
        func join(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        switch value {
        case .object(let fields):
            return fields.flatMap { flatten($0.value, path: join($0.key)) }
        case .array(let elements):
            return elements.enumerated().flatMap { index, element in
                var name = String(index)
                if case .object(let fields) = element, case .string(let aggregator)? = fields["aggregator"] { name = aggregator }
                return flatten(element, path: join(name))
            }
        case .number(let number):
            return [(path, number)]
        case .null, .bool, .string:
            // Flags and names are not figures.
            return []
        }
    }

    /// A table: figure, median, min–max.
    var text: String {
        let width = max(figures.keys.map(\.count).max() ?? 0, 6)
        var lines = ["Median and min–max over \(repetitions) repetitions:", "figure".padding(toLength: width, withPad: " ", startingAt: 0) + "        median  min–max"]
        for key in figures.keys.sorted() {
            let figure = figures[key]!
            lines.append(key.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "  %12.6g  %.6g–%.6g", figure.median, figure.min, figure.max))
        }
        return lines.joined(separator: "\n")
    }
}
