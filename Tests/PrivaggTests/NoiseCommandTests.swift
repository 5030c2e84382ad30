import Foundation
import Testing

@Suite("privagg noise")
struct NoiseCommandTests {
    @Test(arguments: ["laplace", "gaussian", "discrete-laplace", "discrete-gaussian"])
    func sameSeedGivesSameLines(mechanism: String) throws {
        let arguments = ["noise", "--mechanism", mechanism, "--scale", "3", "--count", "20", "--seed", "42", "--value", "5"]
        let first = try runPrivagg(arguments), second = try runPrivagg(arguments)
        #expect(first.status == 0)
        let lines = first.standardOutput.split(separator: "\n")
        #expect(lines.count == 20)
        #expect(lines.allSatisfy { Double($0) != nil })
        #expect(first.standardOutput == second.standardOutput)
        #expect(Set(lines).count > 1)
    }

    @Test func noSeedUsesFreshRandomness() throws {
        let arguments = ["noise", "--mechanism", "discrete-gaussian", "--scale", "1000", "--count", "5"]
        #expect(try runPrivagg(arguments).standardOutput != (try runPrivagg(arguments).standardOutput))
    }

    @Test(arguments: [["--scale", "0"], ["--scale", "-1"], ["--scale", "inf"], ["--scale", "nan"], ["--count", "0"], ["--count", "x"],
                      ["--scale", "1e-320"], ["--scale", "1e305"]])
    func badArgumentsFailCleanly(override: [String]) throws {
        var arguments = ["noise", "--mechanism", "gaussian", "--scale", "1", "--count", "3"]
        if let i = arguments.firstIndex(of: override[0]) { arguments[i + 1] = override[1] }
        let run = try runPrivagg(arguments)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }

    @Test func unknownMechanismFailsCleanly() throws {
        let run = try runPrivagg(["noise", "--mechanism", "cauchy", "--scale", "1", "--count", "3"])
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }
}
