import ArgumentParser
import Paillier

/// `privagg paillier multiply [--output F] PUBLIC ENCRYPTED PLAINTEXT`.
struct PaillierMultiplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "multiply", abstract: "Multiply an encrypted number by a plaintext number.")

    @Option(help: "Write the ciphertext here instead of stdout.") var output: String?
    @OptionGroup var keyOptions: PaillierKeyOptions
    @Argument(help: "Public key file.") var publicKey: String
    @Argument(help: "Ciphertext file.") var encrypted: String
    @Argument(help: "The factor (put negative numbers after --).") var plaintext: String

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try PaillierFiles.publicKey(publicKey, insecure: keyOptions.insecureForTests)
            let number = try PaillierFiles.encryptedNumber(encrypted, key: key)
            let result = try number.multiplied(by: try Paillier.DecimalNumber(plaintext))
            try PaillierFiles.write(try Paillier.Pheutil.write(result.rerandomized()), to: output)
        }
    }
}
