import Foundation
import ParallelWork
import Testing

/// Issue 13, items 10–16: every reproduction of the issue, run through the built binary.
@Suite("privagg bounded inputs")
struct InputBoundsCommandTests {
    static let insecure = "--insecure-for-tests"

    /// A scratch folder with two 512-bit key pairs: private.json/public.json and other.json/other-public.json.
    static func workspace() async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (key, publicKey) in [("private.json", "public.json"), ("other.json", "other-public.json")] {
            #expect(try await runPrivagg(["paillier", "genpkey", "--keysize", "512", insecure, key], currentDirectory: folder).status == 0)
            #expect(try await runPrivagg(["paillier", "extract", insecure, key, publicKey], currentDirectory: folder).status == 0)
        }
        return folder
    }

    static func paillier(_ arguments: [String], in folder: URL, standardInput: FileHandle? = nil) async throws -> PrivaggRun {
        try await runPrivagg(["paillier"] + arguments, currentDirectory: folder, standardInput: standardInput)
    }

    // MARK: item 10

    @Test(arguments: [
        (["--clients", "10", "--neighbors", "9", "--dimension", "4000000000", "--dropout", "0"],
         "--clients × --dimension must be at most 2.5×10^8"),
        (["--clients", "1000000000", "--neighbors", "4", "--dimension", "10", "--dropout", "0"],
         "--clients must be at most 100000 (1000000 with --size-only), got 1000000000"),
        (["--clients", "100000", "--neighbors", "1000", "--dimension", "1", "--dropout", "0", "--size-only"],
         "--clients × --neighbors must be at most 10^7"),
    ])
    func benchSecAggRefusesSizesBeforeAllocating(arguments: [String], message: String) async throws {
        let run = try await runPrivagg(["bench", "secagg"] + arguments)
        #expect(run.status == 64)
        #expect(run.standardError.contains(message), "\(run.standardError)")
        #expect(run.standardOutput.isEmpty)
    }

    @Test func benchPaillierAndNoiseRefuseSizesBeforeWorking() async throws {
        let packing = try await runPrivagg(["bench", "paillier", "--keysize", "512", Self.insecure, "--max-addends", "2000000"])
        #expect(packing.status == 64)
        #expect(packing.standardError.contains("--max-addends must be in 1...1048576, got 2000000"))
        let noise = try await runPrivagg(["bench", "noise", "--count", "100000000"])
        #expect(noise.status == 64)
        #expect(noise.standardError.contains("--count must be in 1...67108864, got 100000000"))
    }

    // MARK: item 11

    @Test func endlessStandardInputIsRefusedNotACrash() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zero = try #require(FileHandle(forReadingAtPath: "/dev/zero"))
        let run = try await Self.paillier(["encrypt", Self.insecure, "-", "1"], in: folder, standardInput: zero)
        #expect(run.status == 1)
        #expect(run.standardError == "error: standard input is larger than the limit of 1048576 bytes\n")
        let file = try await Self.paillier(["decrypt", Self.insecure, "private.json", "/dev/zero"], in: folder)
        #expect(file.status == 1)
        #expect(file.standardError == "error: /dev/zero is larger than the limit of 1048576 bytes\n")
        let folderArgument = try await Self.paillier(["decrypt", Self.insecure, "private.json", "."], in: folder)
        #expect(folderArgument.standardError == "error: cannot read .: Is a directory (errno 21)\n")
    }

    // MARK: item 12

    @Test func hugeExponentsAreRefusedAndMultiplyNeverWritesAnUnreadableOne() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await Self.paillier(["encrypt", Self.insecure, "--output", "a.json", "public.json", "5"], in: folder).status == 0)
        let text = try String(contentsOf: folder.appendingPathComponent("a.json"), encoding: .utf8)
        for (name, exponent) in [("high.json", 100_000), ("low.json", -100_000), ("small.json", -1000)] {
            try text.replacingOccurrences(of: #""e":-32"#, with: #""e":\#(exponent)"#).write(
                to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let clock = ContinuousClock(), start = clock.now
        let sum = try await Self.paillier(["addenc", Self.insecure, "public.json", "high.json", "low.json"], in: folder)
        #expect(clock.now - start < .seconds(10))  // it took 47 s
        #expect(sum.status == 1)
        #expect(sum.standardError == "error: exponent 100000 is outside the supported range -1024...1024\n")
        let product = try await Self.paillier(["multiply", Self.insecure, "--output", "p.json", "public.json", "small.json", "1e-300"], in: folder)
        #expect(product.status == 1)
        #expect(product.standardError == "error: exponent -1263 is outside the supported range -1024...1024\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.json").path))
    }

    // MARK: item 13

    @Test func duplicateKeysInACiphertextAreRefused() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await Self.paillier(["encrypt", Self.insecure, "--output", "a.json", "public.json", "5"], in: folder).status == 0)
        let text = try String(contentsOf: folder.appendingPathComponent("a.json"), encoding: .utf8)
        try text.replacingOccurrences(of: #"{"e""#, with: #"{"v":"1","e""#).write(
            to: folder.appendingPathComponent("twice.json"), atomically: true, encoding: .utf8)
        let run = try await Self.paillier(["decrypt", Self.insecure, "private.json", "twice.json"], in: folder)
        #expect(run.status == 1)
        #expect(run.standardError.hasPrefix(#"error: malformed pheutil file: not a pheutil ciphertext {"v": "<decimal>", "e": <int>}: duplicate key "v" at byte "#))
        #expect(run.standardOutput.isEmpty)
    }

    // MARK: item 14

    @Test func genpkeyRefusesToOverwriteAndWritesSecretsWithMode0600() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("private.json").path
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let again = try await Self.paillier(["genpkey", "--keysize", "512", Self.insecure, "private.json"], in: folder)
        #expect(again.status == 64)
        #expect(again.standardError.contains("private.json exists; add --force to replace it"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let forced = try await Self.paillier(["genpkey", "--force", "--keysize", "512", Self.insecure, "private.json"], in: folder)
        #expect(forced.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) != before)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        // No temporary file is left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.contains(".tmp-") }.isEmpty)
        // A decrypted value is a secret too.
        #expect(try await Self.paillier(["extract", Self.insecure, "private.json", "public.json"], in: folder).status == 0)
        #expect(try await Self.paillier(["encrypt", Self.insecure, "--output", "a.json", "public.json", "5"], in: folder).status == 0)
        #expect(try await Self.paillier(["decrypt", Self.insecure, "--output", "plain.txt", "private.json", "a.json"], in: folder).status == 0)
        let plain = folder.appendingPathComponent("plain.txt").path
        #expect(try String(contentsOfFile: plain, encoding: .utf8) == "5.0\n")
        #expect(try FileManager.default.attributesOfItem(atPath: plain)[.posixPermissions] as? Int == 0o600)
    }

    // MARK: item 15

    @Test func aCiphertextFromAnotherKeyIsNamedAsSuch() async throws {
        let folder = try await Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try await Self.paillier(["encrypt", Self.insecure, "--output", "a.json", "public.json", "5"], in: folder).status == 0)
        #expect(try await Self.paillier(["encrypt", Self.insecure, "--output", "b.json", "other-public.json", "6"], in: folder).status == 0)
        let decrypt = try await Self.paillier(["decrypt", Self.insecure, "other.json", "a.json"], in: folder)
        #expect(decrypt.status == 1)
        #expect(decrypt.standardError.hasPrefix("error: encrypted under a different key: a.json: the file's key fingerprint is "))
        let sum = try await Self.paillier(["addenc", Self.insecure, "public.json", "a.json", "b.json"], in: folder)
        #expect(sum.status == 1)
        #expect(sum.standardError.hasPrefix("error: encrypted under a different key: b.json: the file's key fingerprint is "))
        #expect(sum.standardOutput.isEmpty)
    }

    // MARK: item 16

    @Test(arguments: [
        (["budget", "--sampling-rate", "-0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5"],
         "--sampling-rate must be in (0, 1], got -0.1"),
        (["budget", "--sampling-rate", "0.1", "--noise-multiplier", "-2", "--steps", "10", "--delta", "1e-5"],
         "--noise-multiplier must be a finite number > 0, got -2.0"),
        (["budget", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "-3", "--delta", "1e-5"],
         "--steps must be a non-negative integer, got -3"),
        (["calibrate", "--target-epsilon", "-1", "--delta", "1e-5", "--sampling-rate", "0.1", "--steps", "10"],
         "--target-epsilon must be a finite number > 0, got -1.0"),
        (["train", "--learning-rate", "-0.5"], "--learning-rate must be positive, got -0.5"),
        (["bench", "secagg", "--clients", "-5", "--neighbors", "2", "--dimension", "1", "--dropout", "0"],
         "--clients must be at least 3, got -5"),
        (["noise", "--mechanism", "laplace", "--scale", "-1", "--count", "1"], "--scale must be finite and > 0, got -1.0"),
        (["noise", "--mechanism", "discrete-gaussian", "--scale", "1", "--count", "1", "--value", "1e18"],
         "--value 1e+18 is beyond the range of discrete-gaussian (|value| < 9e15, where every integer is exact)"),
        (["noise", "--mechanism", "discrete-laplace", "--scale", "1", "--count", "1", "--value", "2.5"],
         "--value must be an integer for discrete-laplace, got 2.5"),
        (["budget", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-320"],
         "--delta 1e-320 is below the floor of 1e-300"),
        (["calibrate", "--target-epsilon", "1", "--delta", "5e-324", "--sampling-rate", "0.1", "--steps", "10"],
         "--delta 5e-324 is below the floor of 1e-300"),
        (["train", "--hidden-units", "8"], "--hidden-units applies to --model mlp only"),
        (["train", "--privacy", "none", "--noise-multiplier", "2"], "--noise-multiplier has no effect with --privacy none"),
        (["train", "--privacy", "none", "--delta", "1e-6"], "--delta has no effect with --privacy none"),
        (["train", "--privacy", "dp-sgd", "--client-rate", "0.5"], "--client-rate applies to --privacy central only"),
        (["train", "--dimension", "5"], "--dimension applies to --dataset synthetic only"),
        (["train", "--label-skew", "0.5"], "--label-skew applies to --dataset synthetic only"),
        (["train", "--dataset", "synthetic", "--model", "mlp", "--hidden-units", "4096", "--dimension", "1000000"],
         "--hidden-units × (--dimension + 2) must be below 10^7 model parameters, got 4096 × 1000002"),
    ])
    func numericOptionsReachValidationAndIrrelevantOnesAreErrors(arguments: [String], message: String) async throws {
        let run = try await runPrivagg(arguments)
        #expect(run.status == 64)
        #expect(run.standardError.contains("Error: " + message), "\(arguments): \(run.standardError)")
        #expect(run.standardOutput.isEmpty)
    }

    @Test func reportOfADeviceSaysWhatIsWrong() async throws {
        let null = try await runPrivagg(["report", "/dev/null"])
        #expect(null.status == 1)
        #expect(null.standardError == "Error: corrupt ledger /dev/null at byte 0: empty file, no header\n")
        let zero = try await runPrivagg(["report", "/dev/zero"])
        #expect(zero.status == 1)
        #expect(zero.standardError == "Error: corrupt ledger /dev/zero at byte 67108864: larger than the ledger limit of 67108864 bytes\n")
    }

    /// q = 1e-12, T = 1: the record is sampled with probability 1e-12 ≤ δ, so σ = 0 already
    /// gives (0, δ); calibration used to fail with "target too loose".
    @Test func calibrateAnswersWhenAnyNoiseMultiplierWorks() async throws {
        let run = try await runPrivagg(["calibrate", "--target-epsilon", "1", "--delta", "1e-5", "--sampling-rate", "1e-12", "--steps", "1", "--format", "json"])
        #expect(run.status == 0, "\(run.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(json["noise_multiplier"] as? Double == 0)
        #expect(json["epsilon"] as? Double == 0)
        let text = try await runPrivagg(["calibrate", "--target-epsilon", "1", "--delta", "1e-5", "--sampling-rate", "1e-12", "--steps", "1"])
        #expect(text.standardOutput.hasPrefix("any σ ≥ 0 gives ε = 0 ≤ 1 at δ = 1e-05: a record enters one of the 1 step with probability 1e-12 ≤ δ"))
        // Just above the threshold the accountant answers as before.
        let normal = try await runPrivagg(["calibrate", "--target-epsilon", "1", "--delta", "1e-5", "--sampling-rate", "0.01", "--steps", "100", "--format", "json"])
        let normalJSON = try #require(try JSONSerialization.jsonObject(with: Data(normal.standardOutput.utf8)) as? [String: Any])
        #expect((normalJSON["noise_multiplier"] as? Double ?? 0) > 0.1)
    }

    /// Key generation of 4096 bits shows which prime it is searching, on a terminal only.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func longKeyGenerationShowsProgressOnATerminal() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-keygen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("privagg").path
        // script(1) gives the command a pseudo-terminal; its transcript is the terminal's output.
        let command = "\(binary) paillier genpkey --keysize 4096 \(folder.appendingPathComponent("tty.json").path) 2>&1"
        let tty = try await runProcess("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(tty.status == 0)
        #expect(tty.output.contains("generating a 4096-bit key: searching prime 1 of 2"), "\(tty.output)")
        // Without a terminal: nothing on stderr.
        let plain = try await runPrivagg(["paillier", "genpkey", "--keysize", "4096", folder.appendingPathComponent("plain.json").path])
        #expect(plain.status == 0)
        #expect(plain.standardError.isEmpty)
    }

    /// Runs `path` on a thread of its own (a 4096-bit key generation takes seconds to minutes,
    /// which must not hold a cooperative thread).
    private func runProcess(_ path: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await Parallel.offPool { try Self.runProcessWaiting(path, arguments) }
    }

    private static func runProcessWaiting(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
