import ArgumentParser
import Paillier

/// `privagg paillier encrypt [--output F] PUBLIC PLAINTEXT`.
struct PaillierEncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt", abstract: "Encrypt a number (encoded like pheutil: base 16, exponent ≤ −32).")

    @Option(help: "Write the ciphertext here instead of stdout.") var output: String?
    @OptionGroup var keyOptions: PaillierKeyOptions
    @Argument(help: "Public (or private) key file.") var publicKey: String
    @Argument(help: "The number to encrypt (put negative numbers after --).") var plaintext: String

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try PaillierFiles.publicKey(publicKey, insecure: keyOptions.insecureForTests)
            let value = try Paillier.DecimalNumber(plaintext)
            let encoded = try Paillier.EncodedNumber(decimal: value, publicKey: key, maxExponent: -32)
            try PaillierFiles.write(try Paillier.Pheutil.write(try Paillier.EncryptedNumber(encrypting: encoded)), to: output)
        }
    }
}
