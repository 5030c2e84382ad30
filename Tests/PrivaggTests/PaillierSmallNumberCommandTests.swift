import Foundation
import Testing

/// `privagg paillier encrypt 3e-308` decrypted to 2.9999999999999997e-308 and `1e-308` to
/// 0.0 (issue 13, item 8); python-paillier's pheutil prints them back as given.
@Suite("privagg paillier round-trips small numbers")
struct PaillierSmallNumberCommandTests {
    @Test(arguments: ["3e-308", "1e-308", "5e-324", "-2.2250738585072014e-308", "1e-320", "-1.5e30"])
    func encryptDecryptPrintsTheDouble(text: String) async throws {
        let folder = try await PaillierCommandTests.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let insecure = "--insecure-for-tests"
        let encrypted = try await runPrivagg(["paillier", "encrypt", insecure, "--output", "x.json", "public.json", "--", text], currentDirectory: folder)
        #expect(encrypted.status == 0, "\(encrypted.standardError)")
        let decrypted = try await runPrivagg(["paillier", "decrypt", insecure, "private.json", "x.json"], currentDirectory: folder)
        #expect(decrypted.status == 0, "\(decrypted.standardError)")
        let expected = try #require(Double(text))
        #expect(decrypted.standardOutput == "\(expected)\n")
        #expect(Double(decrypted.standardOutput.dropLast()) == expected)
    }
}
