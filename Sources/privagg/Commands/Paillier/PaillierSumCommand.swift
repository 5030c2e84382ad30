import ArgumentParser
import Paillier

/// `privagg paillier sum [--output F] PUBLIC FILE...`.
struct PaillierSumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sum", abstract: "Add any number of encrypted numbers.")

    @Option(help: "Write the ciphertext here instead of stdout.") var output: String?
    @OptionGroup var keyOptions: PaillierKeyOptions
    @Argument(help: "Public key file.") var publicKey: String
    @Argument(help: "Ciphertext files (at least one).") var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one ciphertext file") }
    }

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try PaillierFiles.publicKey(publicKey, insecure: keyOptions.insecureForTests)
            var numbers: [Paillier.EncryptedNumber] = []
            for file in files { numbers.append(try PaillierFiles.encryptedNumber(file, key: key)) }
            // Align to the smallest exponent once, then add all ciphertexts on all cores.
            let exponent = numbers.map(\.exponent).min() ?? 0
            let aligned = try numbers.map { number throws(PaillierError) in try number.decreasingExponent(to: exponent).ciphertext }
            let total = try Paillier.sum(aligned, publicKey: key)
            let result = Paillier.EncryptedNumber(ciphertext: total, exponent: exponent)
            try PaillierFiles.write(try Paillier.Pheutil.write(result.rerandomized()), to: output)
        }
    }
}
