import ArgumentParser
import Bignum
import Foundation
import Paillier
import PrivAggTools
import Sodium

/// Error reporting for the threshold subcommands: the Paillier tool's, plus threshold errors.
enum ThresholdFiles {
    static func reportingErrors(_ body: () throws -> Void) throws {
        try PaillierFiles.reportingErrors {
            do {
                try body()
            } catch let error as ThresholdPaillierError {
                throw PaillierCLIError(error.description)
            }
        }
    }

    static func publicKey(_ path: String, insecure: Bool) throws -> Paillier.ThresholdPublicKey {
        try ThresholdShareFile.readPublicKey(PaillierFiles.read(path), allowInsecureForTests: insecure)
    }
}

/// `privagg paillier party-keygen --out DIR [--name NAME]`: a party's X25519 key pair.
struct PaillierPartyKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party-keygen",
        abstract: "Generate a party's X25519 key pair for receiving a sealed threshold key share.",
        discussion: """
            Writes DIR/NAME.key (the key pair, secret, mode 0600) and DIR/NAME.pub (the public key, \
            to send to the dealer, who passes it to threshold-keygen --recipient). Existing files \
            are refused unless --force.
            """)

    @Option(help: "Output folder.") var out: String
    @Option(help: "File name stem.") var name = "party"
    @Flag(help: "Replace existing files.") var force = false

    func run() throws {
        try ThresholdFiles.reportingErrors {
            try prepareOutputFolder(out, option: "--out")
            let key = X25519.PrivateKey()
            var secret = try ThresholdShareFile.write(partyKey: key)
            defer { secret.resetBytes(in: 0..<secret.count) }
            let folder = URL(fileURLWithPath: out)
            try SecretFile.write(secret, to: folder.appendingPathComponent(name + ".key").path, replacing: force)
            let publicPath = folder.appendingPathComponent(name + ".pub").path
            if !force, FileManager.default.fileExists(atPath: publicPath) {
                throw PaillierCLIError("\(publicPath) exists; add --force to replace it")
            }
            try PaillierFiles.write(try ThresholdShareFile.write(partyPublicKey: key.publicKey), to: publicPath)
        }
    }
}

/// `privagg paillier threshold-keygen`: the trusted dealer.
struct PaillierThresholdKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold-keygen",
        abstract: "Deal a threshold Paillier key: one sealed key share per party and the public key.",
        discussion: """
            Writes DIR/public.json (the Paillier public key in pheutil's format: encrypt with it as \
            usual), DIR/threshold-public.json (with the verification keys, for partial-decrypt and \
            combine) and DIR/share-I.json for each party I = 1…N, each sealed to the X25519 public \
            key given by the I-th --recipient (written by party-keygen) and created with mode 0600. \
            The dealer keeps nothing: the primes, d and the shares are wiped from memory on exit. \
            --insecure-plain-shares writes the shares unsealed, for tests only.
            """)

    @Option(parsing: .unconditional, help: "Number of parties N (2...256).") var parties: Int
    @Option(parsing: .unconditional, help: "Shares needed to decrypt T (2...N).") var threshold: Int
    @Option(parsing: .unconditional, help: "Modulus size in bits (even; at least 2048 unless --insecure-for-tests).")
    var keysize = Paillier.defaultKeyBits
    @Option(help: "Output folder.") var out: String
    @Option(help: "A party's X25519 public key file (from party-keygen); give one per party, in party order.")
    var recipient: [String] = []
    @Flag(help: "Write the key shares unsealed (anyone reading the files can decrypt; tests only).")
    var insecurePlainShares = false
    @Flag(help: "Replace existing files.") var force = false
    @OptionGroup var keyOptions: PaillierKeyOptions

    func validate() throws {
        guard (2...Paillier.ThresholdPublicKey.maximumParties).contains(parties) else {
            throw ValidationError("--parties must be 2...\(Paillier.ThresholdPublicKey.maximumParties), got \(parties)")
        }
        guard (2...parties).contains(threshold) else { throw ValidationError("--threshold must be 2...\(parties), got \(threshold)") }
        if keysize < Paillier.minimumSecureKeyBits, !keyOptions.insecureForTests {
            throw ValidationError("--keysize \(keysize) is below 2048 bits; add --insecure-for-tests for test keys")
        }
        guard keysize >= Paillier.minimumTestKeyBits, keysize <= Paillier.maximumKeyBits, keysize % 2 == 0 else {
            throw ValidationError("--keysize must be even and \(Paillier.minimumTestKeyBits)...\(Paillier.maximumKeyBits), got \(keysize)")
        }
        if insecurePlainShares {
            guard recipient.isEmpty else { throw ValidationError("--insecure-plain-shares and --recipient exclude each other") }
        } else if recipient.count != parties {
            throw ValidationError("give one --recipient per party: \(recipient.count) for \(parties) parties")
        }
    }

    func run() throws {
        try ThresholdFiles.reportingErrors {
            // Read and check every recipient before the (slow) generation.
            let recipients = try recipient.map { path in
                do { return try ThresholdShareFile.readPartyPublicKey(PaillierFiles.read(path)) } catch let error as ThresholdPaillierError {
                    throw PaillierCLIError("\(path): \(error)")
                }
            }
            try prepareOutputFolder(out, option: "--out")
            let folder = URL(fileURLWithPath: out)
            let keySet = try Paillier.ThresholdDealer.generate(
                bits: keysize, parties: parties, threshold: threshold, allowInsecureForTests: keyOptions.insecureForTests)
            for share in keySet.shares {
                var data = insecurePlainShares
                    ? try ThresholdShareFile.writeUnsealed(share, allowInsecureForTests: true)
                    : try ThresholdShareFile.write(share, sealedTo: recipients[share.party - 1])
                defer { data.resetBytes(in: 0..<data.count) }
                try SecretFile.write(data, to: folder.appendingPathComponent("share-\(share.party).json").path, replacing: force)
            }
            try writePublic(try ThresholdShareFile.write(keySet.publicKey), to: folder.appendingPathComponent("threshold-public.json").path)
            try writePublic(try Paillier.Pheutil.write(keySet.publicKey.publicKey, comment: "threshold Paillier public key generated by privagg"),
                            to: folder.appendingPathComponent("public.json").path)
        }
    }

    private func writePublic(_ data: Data, to path: String) throws {
        if !force, FileManager.default.fileExists(atPath: path) { throw PaillierCLIError("\(path) exists; add --force to replace it") }
        try PaillierFiles.write(data, to: path)
    }
}

/// `privagg paillier partial-decrypt SHARE CIPHERTEXT [--party-key KEY]`.
struct PaillierPartialDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partial-decrypt",
        abstract: "Compute this party's decryption share of a ciphertext, with its proof.",
        discussion: """
            SHARE is the party's key share file (from threshold-keygen), opened with --party-key \
            (the party's X25519 key pair from party-keygen) unless it is a plain test share. The \
            decryption share file, written to --output or stdout, reveals nothing about the key \
            share and carries a proof that it was computed with it.
            """)

    @Option(help: "The party's X25519 key pair file (party-keygen's NAME.key).") var partyKey: String?
    @Option(help: "Write the decryption share here instead of stdout.") var output: String?
    @OptionGroup var keyOptions: PaillierKeyOptions
    @Argument(help: "Key share file.") var share: String
    @Argument(help: "Ciphertext file (pheutil format).") var ciphertext: String

    func run() throws {
        try ThresholdFiles.reportingErrors {
            let recipient = try partyKey.map { try ThresholdShareFile.readPartyKey(PaillierFiles.read($0)) }
            let keyShare = try ThresholdShareFile.readKeyShare(
                PaillierFiles.read(share), recipient: recipient, allowInsecureForTests: keyOptions.insecureForTests)
            let number = try PaillierFiles.encryptedNumber(ciphertext, key: keyShare.publicKey.publicKey)
            let decryptionShare = try keyShare.partialDecrypt(number)
            try PaillierFiles.write(
                try ThresholdShareFile.write(decryptionShare, exponent: number.exponent, publicKey: keyShare.publicKey), to: output)
        }
    }
}

/// `privagg paillier combine PUBLIC SHARES...`.
struct PaillierCombineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "combine",
        abstract: "Verify decryption shares and combine a threshold of them into the plaintext.",
        discussion: """
            PUBLIC is threshold-public.json (or any key share file). Every share's proof is checked; \
            shares that fail are named on stderr and left out. The ciphertext is the one the shares \
            name (pin it with --ciphertext); at least the threshold of valid shares must remain.
            """)

    @Option(help: "The ciphertext file the shares must decrypt (default: the one most shares name).")
    var ciphertext: String?
    @Option(help: "Write the number here (mode 0600) instead of stdout.") var output: String?
    @OptionGroup var keyOptions: PaillierKeyOptions
    @Argument(help: "Threshold public key file.") var publicKey: String
    @Argument(help: "Decryption share files.") var shares: [String]

    func run() throws {
        try ThresholdFiles.reportingErrors {
            let key = try ThresholdFiles.publicKey(publicKey, insecure: keyOptions.insecureForTests)
            var read: [(share: Paillier.DecryptionShare, exponent: Int)] = []
            for path in shares {
                do { read.append(try ThresholdShareFile.readDecryptionShare(PaillierFiles.read(path), publicKey: key)) } catch let error as ThresholdPaillierError {
                    throw PaillierCLIError("\(path): \(error)")
                }
            }
            let number: Paillier.EncryptedNumber
            if let ciphertext {
                number = try PaillierFiles.encryptedNumber(ciphertext, key: key.publicKey)
            } else {
                var votes: [BigIntKey: Int] = [:]
                for entry in read { votes[BigIntKey(entry.share.ciphertext, entry.exponent), default: 0] += 1 }
                guard let best = votes.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key.text < $1.key.text) })?.key else {
                    throw PaillierCLIError("no decryption shares given")
                }
                number = Paillier.EncryptedNumber(
                    ciphertext: try Paillier.Ciphertext(validating: best.value, publicKey: key.publicKey), exponent: best.exponent)
            }
            let decryption = try key.combine(read.map(\.share), for: number.ciphertext)
            for (party, reason) in decryption.rejected.sorted(by: { $0.key < $1.key }) {
                printError("warning: share of party \(party) left out: \(reason)")
            }
            let encoded = try Paillier.EncodedNumber(encoding: decryption.plaintext, exponent: number.exponent, publicKey: key.publicKey)
            var line = Data((try encoded.decimalText() + "\n").utf8)
            defer { line.resetBytes(in: 0..<line.count) }
            if let output, output != "-" { try SecretFile.write(line, to: output, replacing: true) } else { try PaillierFiles.write(line, to: nil) }
        }
    }
}

/// A ciphertext value and exponent as a dictionary key.
private struct BigIntKey: Hashable {
    let value: BigInt
    let exponent: Int
    var text: String { value.description }
    init(_ value: BigInt, _ exponent: Int) {
        self.value = value
        self.exponent = exponent
    }
}

/// `privagg bench paillier --threshold T --parties N`: the threshold figures.
enum BenchThreshold {
    static func validate(threshold: Int?, parties: Int?) throws {
        guard (threshold == nil) == (parties == nil) else { throw ValidationError("--threshold and --parties go together") }
        guard let threshold, let parties else { return }
        guard (2...Paillier.ThresholdPublicKey.maximumParties).contains(parties) else {
            throw ValidationError("--parties must be 2...\(Paillier.ThresholdPublicKey.maximumParties), got \(parties)")
        }
        guard (2...parties).contains(threshold) else { throw ValidationError("--threshold must be 2...\(parties), got \(threshold)") }
    }

    static func run(keysize: Int, parties: Int, threshold: Int, scale: Double, format: String, insecure: Bool) throws {
        try ThresholdFiles.reportingErrors {
            let r = try Paillier.thresholdBenchmark(
                keyBits: keysize, parties: parties, threshold: threshold, scale: scale, allowInsecureForTests: insecure)
            if format == "json" { return try emit(try jsonString(r), to: nil) }
            func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
            try emit("""
                Threshold Paillier, \(r.keyBits)-bit n, \(r.threshold) of \(r.parties) parties, 1 core
                  key generation (dealer) ................... \(f(r.keygenSeconds, 2)) s (safe primes \(f(r.safePrimesSeconds, 2)) s)
                  partial decryption + proof ................ \(f(r.partialDecryptMs)) ms
                  of which c^(2Δs_i) alone .................. \(f(r.partialDecryptWithoutProofMs)) ms
                  verify one share .......................... \(f(r.verifyShareMs)) ms
                  combine \(r.threshold) verified shares ................. \(f(r.combineMs)) ms
                  CRT decryption (ordinary key, same n) ..... \(f(r.decryptCrtMs)) ms
                  partial decryption / CRT decryption ....... \(f(r.partialDecryptOverCrt, 2))×
                """, to: nil)
        }
    }
}
