import ArgumentParser
import Paillier

/// `privagg paillier addenc [--output F] PUBLIC A B`.
struct PaillierAddencCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "addenc", abstract: "Add two encrypted numbers.")

    @Option(help: "Write the ciphertext here instead of stdout.") var output: String?
    @OptionGroup var keyOptions: PaillierKeyOptions
    @Argument(help: "Public key file.") var publicKey: String
    @Argument(help: "First ciphertext file.") var encryptedA: String
    @Argument(help: "Second ciphertext file.") var encryptedB: String

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try PaillierFiles.publicKey(publicKey, insecure: keyOptions.insecureForTests)
            let a = try PaillierFiles.encryptedNumber(encryptedA, key: key)
            let b = try PaillierFiles.encryptedNumber(encryptedB, key: key)
            try PaillierFiles.write(try Paillier.Pheutil.write(try a.adding(b).rerandomized()), to: output)
        }
    }
}
