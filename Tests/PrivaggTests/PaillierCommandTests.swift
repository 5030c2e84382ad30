import Foundation
import Testing

@Suite("privagg paillier")
struct PaillierCommandTests {
    /// A scratch folder with a 512-bit key pair (insecure-for-tests keeps this quick).
    static func workspace() async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-paillier-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let insecure = "--insecure-for-tests"
        #expect(try await runPrivagg(["paillier", "genpkey", "--keysize", "512", insecure, "private.json"], currentDirectory: folder).status == 0)
        #expect(try await runPrivagg(["paillier", "extract", insecure, "private.json", "public.json"], currentDirectory: folder).status == 0)
        return folder
    }

    @Test func pheutilWorkflowComputesOnCiphertexts() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        func run(_ arguments: [String]) async throws -> PrivaggRun {
            let result = try await runPrivagg(["paillier"] + arguments, currentDirectory: folder)
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
            return result
        }
        let i = "--insecure-for-tests"
        _ = try await run(["encrypt", i, "--output", "a.json", "public.json", "--", "-12.5"])
        let b = try await run(["encrypt", i, "public.json", "40"])
        try Data(b.standardOutput.utf8).write(to: folder.appendingPathComponent("b.json"))
        #expect(b.standardOutput.contains("\"e\":-32"))
        #expect(try await run(["decrypt", i, "private.json", "a.json"]).standardOutput == "-12.5\n")
        _ = try await run(["addenc", i, "--output", "sum.json", "public.json", "a.json", "b.json"])
        #expect(try await run(["decrypt", i, "private.json", "sum.json"]).standardOutput == "27.5\n")
        _ = try await run(["multiply", i, "--output", "product.json", "public.json", "sum.json", "--", "-2"])
        #expect(try await run(["decrypt", i, "private.json", "product.json"]).standardOutput == "-55.0\n")
        _ = try await run(["add", i, "--output", "shifted.json", "public.json", "product.json", "0.25"])
        #expect(try await run(["decrypt", i, "--output", "out.txt", "private.json", "shifted.json"]).standardOutput.isEmpty)
        #expect(try String(contentsOf: folder.appendingPathComponent("out.txt"), encoding: .utf8) == "-54.75\n")
        _ = try await run(["sum", i, "--output", "all.json", "public.json", "a.json", "b.json", "shifted.json"])
        #expect(try await run(["decrypt", i, "private.json", "all.json"]).standardOutput == "-27.25\n")
    }

    @Test func homomorphicResultsAreRerandomized() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let i = "--insecure-for-tests"
        #expect(try await runPrivagg(["paillier", "encrypt", i, "--output", "a.json", "public.json", "7"], currentDirectory: folder).status == 0)
        // E(a)·0 without fresh randomness is the ciphertext 1: anyone could read it as zero.
        let first = try await runPrivagg(["paillier", "multiply", i, "public.json", "a.json", "0"], currentDirectory: folder)
        let second = try await runPrivagg(["paillier", "multiply", i, "public.json", "a.json", "0"], currentDirectory: folder)
        #expect(first.status == 0 && second.status == 0)
        #expect(!first.standardOutput.contains(#""v":"1""#))
        #expect(first.standardOutput != second.standardOutput)
        for command in [["add", i, "public.json", "a.json", "1"], ["addenc", i, "public.json", "a.json", "a.json"], ["sum", i, "public.json", "a.json", "a.json"]] {
            let one = try await runPrivagg(["paillier"] + command, currentDirectory: folder).standardOutput
            let two = try await runPrivagg(["paillier"] + command, currentDirectory: folder).standardOutput
            #expect(!one.isEmpty && one != two, "\(command)")
        }
        try Data(first.standardOutput.utf8).write(to: folder.appendingPathComponent("zero.json"))
        #expect(try await runPrivagg(["paillier", "decrypt", i, "private.json", "zero.json"], currentDirectory: folder).standardOutput == "0.0\n")
    }

    @Test func badInputsFailOnStandardErrorOnly() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"v": "0", "e": 0}"#.utf8).write(to: folder.appendingPathComponent("zero.json"))
        // Int.min exponents once trapped in abs().
        try Data(#"{"v": "1", "e": -9223372036854775808}"#.utf8).write(to: folder.appendingPathComponent("tiny.json"))
        let i = "--insecure-for-tests"
        #expect(try await runPrivagg(["paillier", "encrypt", i, "--output", "big.json", "public.json", "1e30"], currentDirectory: folder).status == 0)
        let failures: [[String]] = [
            ["genpkey", "--keysize", "1024", "small.json"],
            ["genpkey", "--keysize", "100000000", "huge.json"],
            ["encrypt", "public.json", "5"],
            ["encrypt", "--insecure-for-tests", "public.json", "five"],
            ["decrypt", "--insecure-for-tests", "private.json", "zero.json"],
            ["decrypt", "--insecure-for-tests", "public.json", "zero.json"],
            ["sum", "--insecure-for-tests", "public.json"],
            ["addenc", "--insecure-for-tests", "public.json", "missing.json", "zero.json"],
            ["decrypt", i, "private.json", "tiny.json"],
            ["encrypt", i, "public.json", "1e-9223372036854775808"],
            ["multiply", i, "public.json", "big.json", "1e-9223372036854775808"],
        ]
        for arguments in failures {
            let run = try await runPrivagg(["paillier"] + arguments, currentDirectory: folder)
            #expect(run.status != 0, "\(arguments)")
            #expect(run.standardOutput.isEmpty, "\(arguments)")
            #expect(!run.standardError.isEmpty, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("small.json").path))
    }

    @Test func benchReportsTheIssueFieldsAsJSON() async throws {
        let run = try await runPrivagg(["bench", "paillier", "--keysize", "512", "--insecure-for-tests", "--format", "json", "--scale", "0.05"])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        for field in ["encrypt_ms_per_ciphertext", "encrypt_ms_per_value_packed", "decrypt_ms_per_ciphertext",
                      "decrypt_ms_per_value_packed", "add_us"] {
            let value = try #require(object[field] as? Double, "\(field)")
            #expect(value > 0)
        }
        #expect(object["slots_per_ciphertext"] as? Int == 510 / 26)
        let refused = try await runPrivagg(["bench", "paillier", "--keysize", "1024"])
        #expect(refused.status != 0 && refused.standardOutput.isEmpty)
    }
}
