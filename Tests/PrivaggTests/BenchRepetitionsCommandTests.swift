import Foundation
import Testing

/// `--repetitions R` on the crypto benchmarks: each figure's median and min–max.
@Suite("Benchmark repetitions")
struct BenchRepetitionsCommandTests {
    struct Summary: Decodable {
        struct Figure: Decodable { var median: Double; var min: Double; var max: Double }
        var repetitions: Int
        var figures: [String: Figure]
    }

    static func summary(_ arguments: [String]) async throws -> Summary {
        let run = try await runPrivagg(arguments + ["--repetitions", "3", "--format", "json"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("repetition 3/3"))
        return try JSONDecoder().decode(Summary.self, from: Data(run.standardOutput.utf8))
    }

    static func check(_ summary: Summary, timed: String, constant: String, value: Double) {
        #expect(summary.repetitions == 3)
        for (name, figure) in summary.figures { #expect(figure.min <= figure.median && figure.median <= figure.max, "\(name)") }
        #expect((summary.figures[timed]?.min ?? 0) > 0, "\(timed)")
        let fixed = summary.figures[constant]
        #expect(fixed?.median == value && fixed?.min == value && fixed?.max == value)
    }

    @Test func secaggReportsMedianAndRange() async throws {
        let summary = try await Self.summary(["bench", "secagg", "--clients", "8", "--neighbors", "7", "--dimension", "200", "--dropout", "0.1"])
        Self.check(summary, timed: "client_seconds", constant: "clients", value: 8)
    }

    @Test func paillierReportsMedianAndRange() async throws {
        let summary = try await Self.summary(["bench", "paillier", "--keysize", "256", "--insecure-for-tests", "--scale", "0.02"])
        Self.check(summary, timed: "decrypt_ms_per_ciphertext", constant: "key_bits", value: 256)
    }

    @Test func overheadReportsEveryAggregator() async throws {
        let summary = try await Self.summary(["bench", "overhead", "--clients", "3", "--dimension", "20"])
        Self.check(summary, timed: "paillier.seconds_per_round", constant: "plain.upload_bytes_per_client", value: summary.figures["plain.upload_bytes_per_client"]?.median ?? -1)
        #expect(summary.figures.keys.contains { $0.hasPrefix("secagg+") })
    }

    @Test func repetitionsOutsideTheirRangeAreRefused() async throws {
        for command in [["bench", "secagg", "--clients", "8", "--neighbors", "7", "--dimension", "2", "--dropout", "0"], ["bench", "overhead", "--clients", "3", "--dimension", "2"]] {
            let run = try await runPrivagg(command + ["--repetitions", "0"])
            #expect(run.status != 0 && run.standardError.contains("--repetitions must be in 1...100, got 0"))
        }
    }
}
