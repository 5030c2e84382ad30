import ArgumentParser
import Paillier

/// `privagg paillier extract PRIVATE OUTPUT`.
struct PaillierExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract", abstract: "Write the public half of a private key file.")

    @OptionGroup var keyOptions: PaillierKeyOptions

    @Argument(help: "Private key file.") var input: String
    @Argument(help: "Output file for the public key (- for stdout).") var output: String

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try PaillierFiles.privateKey(input, insecure: keyOptions.insecureForTests)
            try PaillierFiles.write(try Paillier.Pheutil.write(key.publicKey), to: output)
        }
    }
}
