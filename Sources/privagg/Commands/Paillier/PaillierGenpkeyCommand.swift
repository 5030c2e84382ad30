import ArgumentParser
import Paillier

/// `privagg paillier genpkey [--keysize BITS] OUTPUT`.
struct PaillierGenpkeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genpkey", abstract: "Generate a private key (JWK with its public half) into OUTPUT (- for stdout).")

    @Option(help: "Modulus size in bits (even; at least 2048 unless --insecure-for-tests).")
    var keysize = Paillier.defaultKeyBits

    @Option(help: "An identifying comment stored in the key.")
    var id: String?

    @OptionGroup var keyOptions: PaillierKeyOptions

    @Argument(help: "Output file for the private key (- for stdout).")
    var output: String

    func validate() throws {
        if keysize < Paillier.minimumSecureKeyBits, !keyOptions.insecureForTests {
            throw ValidationError("--keysize \(keysize) is below 2048 bits; add --insecure-for-tests for test keys")
        }
        if keysize < Paillier.minimumTestKeyBits || keysize % 2 != 0 {
            throw ValidationError("--keysize must be even and at least \(Paillier.minimumTestKeyBits)")
        }
        guard keysize <= Paillier.maximumKeyBits else {
            throw ValidationError("--keysize must be at most \(Paillier.maximumKeyBits), got \(keysize)")
        }
    }

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try Paillier.PrivateKey.generate(bits: keysize, allowInsecureForTests: keyOptions.insecureForTests)
            try PaillierFiles.write(try Paillier.Pheutil.write(key, comment: id), to: output)
        }
    }
}
