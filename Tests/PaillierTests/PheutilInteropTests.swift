import Foundation
import Paillier
import Testing

/// Runs python-paillier's `pheutil` on files we write, when `PHEUTIL` points at it
/// (`PHEUTIL=/tmp/venv-phe/bin/pheutil swift test --filter PaillierTests`). Without it,
/// `PheutilFileTests` checks the committed files of ours that pheutil decrypted.
@Suite("pheutil reads our files", .enabled(if: ProcessInfo.processInfo.environment["PHEUTIL"] != nil))
struct PheutilInteropTests {
    @Test func pheutilDecryptsOurKeysAndCiphertexts() throws {
        let pheutil = try #require(ProcessInfo.processInfo.environment["PHEUTIL"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("privagg-pheutil-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = TestKeys.key2048
        try Paillier.Pheutil.write(key).write(to: folder.appendingPathComponent("private.json"))
        let cases: [(String, String)] = [("12345", "12345.0"), ("-0.5", "-0.5"), ("3.14159", "3.14159")]
        for (index, (plaintext, printed)) in cases.enumerated() {
            let number = try Paillier.EncryptedNumber(encrypting: .init(decimal: .init(plaintext), publicKey: key.publicKey, maxExponent: -32))
            let file = folder.appendingPathComponent("c\(index).json")
            try Paillier.Pheutil.write(number).write(to: file)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: pheutil)
            process.arguments = ["decrypt", folder.appendingPathComponent("private.json").path, file.path]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == printed)
        }
    }
}
