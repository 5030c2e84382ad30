import ArgumentParser
import Foundation
import Paillier
import Sodium

/// `privagg paillier genpkey [--keysize BITS] [--force] OUTPUT`.
struct PaillierGenpkeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genpkey",
        abstract: "Generate a private key (JWK with its public half) into OUTPUT (- for stdout).",
        discussion: """
            The key file is created with mode 0600 and put in place atomically; an existing OUTPUT \
            is refused unless --force. Keys of 4096 bits or more show their progress on standard \
            error when it is a terminal.
            """)

    @Option(parsing: .unconditional, help: "Modulus size in bits (even; at least 2048 unless --insecure-for-tests).")
    var keysize = Paillier.defaultKeyBits

    @Option(help: "An identifying comment stored in the key.")
    var id: String?

    @Flag(help: "Replace OUTPUT if it exists.")
    var force = false

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
        // Checked before the (slow) generation; the write itself refuses atomically too.
        if output != "-", !force, FileManager.default.fileExists(atPath: output) {
            throw ValidationError("\(output) exists; add --force to replace it")
        }
    }

    func run() throws {
        try PaillierFiles.reportingErrors {
            let key = try generateKey()
            var data = try Paillier.Pheutil.write(key, comment: id)
            // The serialized primes are a secret: zero them once written (resetBytes is an
            // opaque Foundation call, not a dead store the optimizer may drop).
            defer { data.resetBytes(in: 0..<data.count) }
            if output == "-" {
                FileHandle.standardOutput.write(data)
            } else {
                try SecretFile.write(data, to: output, replacing: force)
            }
        }
    }

    /// Generates the key; from 4096 bits on, with a progress line on a terminal.
    private func generateKey() throws -> Paillier.PrivateKey {
        let insecure = keyOptions.insecureForTests
        guard keysize >= 4096, isatty(STDERR_FILENO) != 0 else {
            return try Paillier.PrivateKey.generate(bits: keysize, allowInsecureForTests: insecure)
        }
        let progress = KeyGenerationProgress(bits: keysize)
        var generator = CountingRandom(counter: progress)
        progress.start()
        defer { progress.stop() }
        return try Paillier.PrivateKey.generate(bits: keysize, allowInsecureForTests: insecure, using: &generator)
    }
}

/// The CSPRNG, counting its draws so that key generation can say which prime it is
/// searching: each prime starts from one random draw of ⌈(bits/2)/64⌉ words and moves to
/// the next probable prime, so the number of words drawn tells the prime being sought.
private struct CountingRandom: RandomNumberGenerator {
    var base = SecureRandom()
    let counter: KeyGenerationProgress

    mutating func next() -> UInt64 {
        counter.countDraw()
        return base.next()
    }
}

/// A line on standard error, redrawn twice a second: which prime, and the seconds spent.
private final class KeyGenerationProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let bits: Int
    private let wordsPerPrime: Int
    private var draws = 0
    private var running = false
    private let started = Date()
    private var thread: Thread?

    init(bits: Int) {
        self.bits = bits
        wordsPerPrime = (bits / 2 + 63) / 64
    }

    func countDraw() { lock.withLock { draws += 1 } }

    func start() {
        lock.withLock { running = true }
        let thread = Thread { [self] in
            while lock.withLock({ running }) {
                draw()
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        self.thread = thread
        thread.start()
    }

    func stop() {
        lock.withLock {
            running = false
            write("\r\u{1B}[2K")  // clears the line: the result (or the error) follows
        }
    }

    private func draw() {
        lock.withLock {
            guard running else { return }
            let prime = max(1, min(2, (draws + wordsPerPrime - 1) / wordsPerPrime))
            let seconds = Int(Date().timeIntervalSince(started))
            write("\r\u{1B}[2Kgenerating a \(bits)-bit key: searching prime \(prime) of 2, \(seconds) s")
        }
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
