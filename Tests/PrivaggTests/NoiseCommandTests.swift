import Foundation
import Testing

@Suite("privagg noise")
struct NoiseCommandTests {
    @Test(arguments: ["laplace", "gaussian", "discrete-laplace", "discrete-gaussian"])
    func sameSeedGivesSameLines(mechanism: String) async throws {
        let arguments = ["noise", "--mechanism", mechanism, "--scale", "3", "--count", "20", "--seed", "42", "--value", "5"]
        let first = try await runPrivagg(arguments), second = try await runPrivagg(arguments)
        #expect(first.status == 0)
        let lines = first.standardOutput.split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { Double($0) != nil })
        #expect(first.standardOutput == second.standardOutput)
        #expect(Set(lines).count > 1)
    }

    @Test func noSeedUsesFreshRandomness() async throws {
        let arguments = ["noise", "--mechanism", "discrete-gaussian", "--scale", "1000", "--count", "5"]
        #expect(try await runPrivagg(arguments).standardOutput != (try await runPrivagg(arguments).standardOutput))
    }

    @Test(arguments: [["--scale", "0"], ["--scale", "-1"], ["--scale", "inf"], ["--scale", "nan"], ["--count", "0"], ["--count", "x"],
                      ["--scale", "1e-320"], ["--scale", "1e305"]])
    func badArgumentsFailCleanly(override: [String]) async throws {
        var arguments = ["noise", "--mechanism", "gaussian", "--scale", "1", "--count", "3"]
        if let i = arguments.firstIndex(of: override[0]) { arguments[i + 1] = override[1] }
        let run = try await runPrivagg(arguments)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }

    @Test func unknownMechanismFailsCleanly() async throws {
        let run = try await runPrivagg(["noise", "--mechanism", "cauchy", "--scale", "1", "--count", "3"])
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }

    /// Values beyond the grid used to saturate silently (1e300 came out as 2^43).
    @Test(arguments: [["gaussian", "1", "1e300"], ["gaussian", "1e-6", "1e9"], ["laplace", "1e-300", "1"], ["laplace", "1", "-1e14"]])
    func valuesBeyondTheGridAreRefused(case arguments: [String]) async throws {
        let run = try await runPrivagg(["noise", "--mechanism", arguments[0], "--scale", arguments[1], "--count", "3", "--value=" + arguments[2]])
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.contains("beyond"))
        #expect(run.standardError.contains("privagg noise"))
    }

    @Test func largeValuesWithinTheGridAreReleasedNearThemselves() async throws {
        let run = try await runPrivagg(["noise", "--mechanism", "gaussian", "--scale", "1", "--count", "5", "--seed", "1", "--value", "1e12"])
        #expect(run.status == 0)
        let values = run.standardOutput.split(separator: "\n").compactMap { Double($0) }
        #expect(values.count == 5 && values.allSatisfy { abs($0 - 1e12) < 10 })
    }

    /// A negative value needs no `=`: `--value -3` is read as the number, not as an option.
    @Test func negativeValuesAreAcceptedWithoutEquals() async throws {
        let run = try await runPrivagg(["noise", "--mechanism", "discrete-laplace", "--scale", "0.01", "--count", "3", "--seed", "1", "--value", "-3"])
        #expect(run.status == 0)
        #expect(run.standardOutput.split(separator: "\n") == ["-3", "-3", "-3"])
    }
}
