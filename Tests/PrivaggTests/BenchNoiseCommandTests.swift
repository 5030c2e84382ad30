import Foundation
import Testing

@Suite("privagg bench noise")
struct BenchNoiseCommandTests {
    @Test func jsonReportsEveryCase() async throws {
        let run = try await runPrivagg(["bench", "noise", "--count", "2000", "--repetitions", "1", "--format", "json"])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["generator"] as? String == "chacha20")
        let results = try #require(object["results"] as? [[String: Any]])
        let names = Set(results.compactMap { $0["name"] as? String })
        #expect(names.isSuperset(of: ["discrete_gaussian", "grid_gaussian", "discrete_laplace", "grid_laplace"]))
        for result in results { #expect((result["samples_per_second"] as? Double ?? 0) > 0) }
    }

    @Test(arguments: [["--format", "xml"], ["--count", "0"], ["--repetitions", "0"], ["--seed", "3", "--secure"], ["--table", "--secure"]])
    func badArgumentsFailCleanly(arguments: [String]) async throws {
        let run = try await runPrivagg(["bench", "noise"] + arguments)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }
}
