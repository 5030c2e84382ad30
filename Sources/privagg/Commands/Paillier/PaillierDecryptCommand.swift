import ArgumentParser
import Foundation
import Paillier

/// `privagg paillier decrypt [--output F] PRIVATE CIPHERTEXT`.
struct PaillierDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt", abstract: "Decrypt a ciphertext file and print the number.")

    @Option(help: "Write the number here (mode 0600) instead of stdout.") var output: String?
    @OptionGroup var keyOptions: PaillierKeyOptions
    @Argument(help: "Private key file.") var privateKey: String
    @Argument(help: "Ciphertext file.") var ciphertext: String

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try PaillierFiles.privateKey(privateKey, insecure: keyOptions.insecureForTests)
            let number = try PaillierFiles.encryptedNumber(ciphertext, key: key.publicKey)
            let text = try number.decrypt(with: key).decimalText()
            var line = Data((text + "\n").utf8)
            defer { line.resetBytes(in: 0..<line.count) }
            // A decrypted value is a secret: its file is created 0600, like a private key's.
            if let output, output != "-" { try SecretFile.write(line, to: output, replacing: true) } else { try PaillierFiles.write(line, to: nil) }
        }
    }
}
