import Foundation
import Testing

@Suite("privagg paillier threshold")
struct ThresholdCommandTests {
    let insecure = "--insecure-for-tests"

    func workspace() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-threshold-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func permissions(_ url: URL) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    @Test func dealPartiallyDecryptAndCombine() async throws {
        let folder = try await workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        func run(_ arguments: [String]) async throws -> PrivaggRun {
            let result = try await runPrivagg(["paillier"] + arguments, currentDirectory: folder)
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
            return result
        }
        for party in 1...3 { _ = try await run(["party-keygen", "--out", "keys", "--name", "p\(party)"]) }
        #expect(try permissions(folder.appendingPathComponent("keys/p1.key")) == 0o600)
        _ = try await run(["threshold-keygen", "--parties", "3", "--threshold", "2", "--keysize", "512", insecure, "--out", "dealer",
                     "--recipient", "keys/p1.pub", "--recipient", "keys/p2.pub", "--recipient", "keys/p3.pub"])
        for party in 1...3 {
            #expect(try permissions(folder.appendingPathComponent("dealer/share-\(party).json")) == 0o600)
        }
        _ = try await run(["encrypt", insecure, "--output", "a.json", "dealer/public.json", "--", "-12.75"])
        _ = try await run(["encrypt", insecure, "--output", "b.json", "dealer/public.json", "20"])
        _ = try await run(["addenc", insecure, "--output", "sum.json", "dealer/public.json", "a.json", "b.json"])
        _ = try await run(["partial-decrypt", insecure, "--party-key", "keys/p3.key", "--output", "d3.json", "dealer/share-3.json", "sum.json"])
        let d1 = try await run(["partial-decrypt", insecure, "--party-key", "keys/p1.key", "dealer/share-1.json", "sum.json"])
        try Data(d1.standardOutput.utf8).write(to: folder.appendingPathComponent("d1.json"))
        #expect(try await run(["combine", insecure, "dealer/threshold-public.json", "d1.json", "d3.json"]).standardOutput == "7.25\n")

        // One share is not enough.
        let alone = try await runPrivagg(["paillier", "combine", insecure, "dealer/threshold-public.json", "d1.json"], currentDirectory: folder)
        #expect(alone.status == 1 && alone.standardError == "error: 1 valid decryption shares, 2 required\n")
        // A share opened with another party's key.
        let wrongKey = try await runPrivagg(["paillier", "partial-decrypt", insecure, "--party-key", "keys/p2.key", "dealer/share-1.json", "sum.json"],
                                      currentDirectory: folder)
        #expect(wrongKey.status == 1 && wrongKey.standardError == "error: the key share is sealed to a different X25519 key\n")
        // A share of another ciphertext is left out and named.
        _ = try await run(["partial-decrypt", insecure, "--party-key", "keys/p2.key", "--output", "d2-of-a.json", "dealer/share-2.json", "a.json"])
        let mixed = try await runPrivagg(["paillier", "combine", insecure, "--ciphertext", "sum.json", "dealer/threshold-public.json",
                                    "d1.json", "d2-of-a.json", "d3.json"], currentDirectory: folder)
        #expect(mixed.status == 0 && mixed.standardOutput == "7.25\n")
        #expect(mixed.standardError == "warning: share of party 2 left out: decryption share of party 2 is for a different ciphertext\n")
        // A corrupted share file: its proof fails, and with two shares nothing decrypts.
        var corrupted = d1.standardOutput
        let response = try #require(corrupted.firstMatch(of: #/"response":"(\d+)"/#)?.output.1)
        corrupted = corrupted.replacingOccurrences(of: String(response), with: String(response.dropLast()) + (response.last == "1" ? "2" : "1"))
        try Data(corrupted.utf8).write(to: folder.appendingPathComponent("bad1.json"))
        let bad = try await runPrivagg(["paillier", "combine", insecure, "dealer/threshold-public.json", "bad1.json", "d3.json"], currentDirectory: folder)
        #expect(bad.status == 1 && bad.standardError == "error: 1 valid decryption shares, 2 required; rejected: parties 1\n")
    }

    @Test func keygenRefusesMissingRecipientsAndPlainSharesNeedTheFlag() async throws {
        let folder = try await workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try await runPrivagg(["paillier", "threshold-keygen", "--parties", "3", "--threshold", "2", "--keysize", "512", insecure, "--out", "d"],
                                     currentDirectory: folder)
        #expect(missing.status != 0 && missing.standardError.contains("give one --recipient per party: 0 for 3 parties"))
        let plain = try await runPrivagg(["paillier", "threshold-keygen", "--parties", "2", "--threshold", "2", "--keysize", "512", insecure,
                                    "--insecure-plain-shares", "--out", "d"], currentDirectory: folder)
        #expect(plain.status == 0, "\(plain.standardError)")
        _ = try await runPrivagg(["paillier", "encrypt", insecure, "--output", "c.json", "d/public.json", "3"], currentDirectory: folder)
        for party in 1...2 {
            let result = try await runPrivagg(["paillier", "partial-decrypt", insecure, "--output", "s\(party).json", "d/share-\(party).json", "c.json"],
                                        currentDirectory: folder)
            #expect(result.status == 0, "\(result.standardError)")
        }
        #expect(try await runPrivagg(["paillier", "combine", insecure, "d/threshold-public.json", "s1.json", "s2.json"], currentDirectory: folder).standardOutput == "3.0\n")
        let notAShare = try await runPrivagg(["paillier", "partial-decrypt", insecure, "d/threshold-public.json", "c.json"], currentDirectory: folder)
        #expect(notAShare.status == 1 && notAShare.standardError ==
            "error: expected a privagg-threshold-paillier-key-share file, found privagg-threshold-paillier-public-key\n")
        let small = try await runPrivagg(["paillier", "threshold-keygen", "--parties", "2", "--threshold", "2", "--keysize", "512",
                                    "--insecure-plain-shares", "--out", "e"], currentDirectory: folder)
        #expect(small.status != 0 && small.standardError.contains("below 2048 bits"))
    }
}

@Suite("privagg train --aggregator paillier-threshold")
struct ThresholdTrainCommandTests {
    @Test func trainWithThresholdPaillierAggregation() async throws {
        let run = try await runPrivagg(["train", "--rounds", "2", "--aggregator", "paillier-threshold", "--threshold", "3",
                                  "--privacy", "none", "--format", "json"])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        #expect(object["aggregator"] as? String == "paillier-threshold")
        #expect((object["final_accuracy"] as? Double ?? 0) > 0.7)
    }

    @Test(arguments: [
        (["--aggregator", "paillier", "--threshold", "2"], "--threshold applies to --aggregator paillier-threshold only"),
        (["--aggregator", "paillier-threshold", "--threshold", "5"], "--threshold must be in 2...4 (the clients), got 5"),
        (["--aggregator", "paillier-threshold", "--threshold", "1"], "--threshold must be in 2...4 (the clients), got 1"),
    ])
    func thresholdOptionIsValidated(arguments: [String], message: String) async throws {
        let run = try await runPrivagg(["train", "--rounds", "1"] + arguments)
        #expect(run.status != 0 && run.standardOutput.isEmpty)
        #expect(run.standardError.contains(message), "\(run.standardError)")
    }
}

@Suite("privagg bench paillier --threshold")
struct ThresholdBenchCommandTests {
    @Test func benchReportsTheThresholdFigures() async throws {
        let run = try await runPrivagg(["bench", "paillier", "--threshold", "2", "--parties", "3", "--keysize", "512",
                                  "--insecure-for-tests", "--scale", "0.2", "--format", "json"])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        for field in ["keygen_seconds", "partial_decrypt_ms", "verify_share_ms", "combine_ms", "decrypt_crt_ms"] {
            #expect((object[field] as? Double ?? 0) > 0, "\(field)")
        }
        #expect(object["key_bits"] as? Int == 512 && object["threshold"] as? Int == 2 && object["parties"] as? Int == 3)
        let lone = try await runPrivagg(["bench", "paillier", "--threshold", "2", "--keysize", "512", "--insecure-for-tests"])
        #expect(lone.status != 0 && lone.standardError.contains("--threshold and --parties go together"))
    }
}
