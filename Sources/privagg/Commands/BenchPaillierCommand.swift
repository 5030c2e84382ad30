import ArgumentParser
import Paillier
import PrivAggTools

/// `privagg bench paillier --keysize BITS [--format text|json]`.
struct BenchPaillierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paillier",
        abstract: "Time Paillier encryption (fast, standard, pooled, packed), decryption and addition.")

    @Option(parsing: .unconditional, help: "Modulus size in bits, even, 2048...16384 (down to 128 with --insecure-for-tests).")
    var keysize = Paillier.defaultKeyBits

    @Option(help: "Output format: text or json.")
    var format = "text"

    @Option(parsing: .unconditional, help: "Bits per packed value, 2...62.")
    var valueBits = 16

    @Option(parsing: .unconditional, help: "Addends the packing leaves headroom for, 1...1048576.")
    var maxAddends = 1024

    @Option(parsing: .unconditional, help: "Multiplier for iteration counts, in (0, 100] (smaller is quicker and noisier).")
    var scale = 1.0

    @Option(parsing: .unconditional, help: "Benchmark threshold decryption instead: shares needed T (2...--parties).")
    var threshold: Int?

    @Option(parsing: .unconditional, help: "Share holders N for --threshold (2...256).")
    var parties: Int?

    @OptionGroup var keyOptions: PaillierKeyOptions

    @Option(name: .long, parsing: .unconditional, help: "Repeat the benchmark R times and report each figure's median and min–max (1...100).")
    var repetitions: Int = 1

    func validate() throws {
        guard (1...100).contains(repetitions) else { throw ValidationError("--repetitions must be in 1...100, got \(repetitions)") }
        guard ["text", "json"].contains(format) else { throw ValidationError("--format must be text or json") }
        if keysize < Paillier.minimumSecureKeyBits, !keyOptions.insecureForTests {
            throw ValidationError("--keysize \(keysize) is below 2048 bits; add --insecure-for-tests")
        }
        guard keysize >= Paillier.minimumTestKeyBits, keysize % 2 == 0 else {
            throw ValidationError("--keysize must be even and at least \(Paillier.minimumTestKeyBits)")
        }
        guard keysize <= Paillier.maximumKeyBits else {
            throw ValidationError("--keysize must be at most \(Paillier.maximumKeyBits), got \(keysize)")
        }
        guard scale.isFinite, scale > 0, scale <= 100 else { throw ValidationError("--scale must be in (0, 100], got \(scale)") }
        // The packing's own limits, checked before the key generation rather than after it.
        guard (2...62).contains(valueBits) else { throw ValidationError("--value-bits must be in 2...62, got \(valueBits)") }
        guard (1...(1 << 20)).contains(maxAddends) else { throw ValidationError("--max-addends must be in 1...1048576, got \(maxAddends)") }
        try BenchThreshold.validate(threshold: threshold, parties: parties)
        if threshold != nil, repetitions > 1 { throw ValidationError("--repetitions applies to the standard benchmark, not to --threshold") }
    }

    func run() throws {
        if let threshold, let parties {
            return try BenchThreshold.run(keysize: keysize, parties: parties, threshold: threshold, scale: scale,
                                          format: format, insecure: keyOptions.insecureForTests)
        }
        try PaillierFiles.reportingErrors {
            if repetitions > 1 {
                let summary = try RepeatedBenchmark.run(repetitions: repetitions) {
                    try Paillier.benchmark(
                        keyBits: keysize, valueBits: valueBits, maxAddends: maxAddends, scale: scale,
                        allowInsecureForTests: keyOptions.insecureForTests)
                }
                try emit(format == "json" ? jsonString(summary) : summary.text, to: nil)
                return
            }
            let report = try Paillier.benchmark(
                keyBits: keysize, valueBits: valueBits, maxAddends: maxAddends, scale: scale,
                allowInsecureForTests: keyOptions.insecureForTests)
            if format == "json" {
                try emit(try jsonString(report), to: nil)
            } else {
                try emit(Self.text(report), to: nil)
            }
        }
    }

    static func text(_ r: Paillier.BenchmarkReport) -> String {
        func f(_ value: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", value) }
        return """
        Paillier, \(r.keyBits)-bit n, \(r.cores) cores (fast mode: \(r.exponentBits)-bit exponents, \(r.windowBits)-bit windows)
          key generation ............................ \(f(r.keygenMs, 1)) ms
          fast-mode table ........................... \(f(r.tableMs, 1)) ms
          encrypt, fast, 1 core ..................... \(f(r.encryptMsPerCiphertext)) ms/ciphertext
          encrypt, fast, all cores .................. \(f(r.encryptMsPerCiphertextAllCores)) ms/ciphertext
          encrypt, standard r^n ..................... \(f(r.encryptStandardMsPerCiphertext)) ms/ciphertext
          encrypt, key owner (CRT) .................. \(f(r.encryptKeyOwnerMsPerCiphertext)) ms/ciphertext
          encrypt, pooled obfuscator (online) ....... \(f(r.encryptPooledOnlineMsPerCiphertext, 4)) ms/ciphertext
          encrypt, packed (\(r.slotsPerCiphertext) × \(r.valueBits)-bit, \(r.maxAddends) addends) ... \(f(r.encryptMsPerValuePacked, 5)) ms/value
          decrypt (CRT) ............................. \(f(r.decryptMsPerCiphertext)) ms/ciphertext
          decrypt, packed ........................... \(f(r.decryptMsPerValuePacked, 5)) ms/value
          add, 1 core ............................... \(f(r.addUs, 2)) µs
          add, within a sum over all cores .......... \(f(r.addUsAllCores, 2)) µs
        """
    }
}
