// RawRatios: each foundation operation timed on PrivAgg's Swift layer and on the raw C
// library in the same process, interleaved, so machine noise hits both alike.
// Usage: swift run -c release RawRatios [--json] [--rounds N]
import Bignum
import Foundation
import RawLibs
import Sodium

struct Comparison {
    var name: String
    var unit: String
    var iterations: Int
    var swiftLayer: () -> Void
    var raw: () -> Void
}

struct Row: Encodable {
    var operation: String
    var unit: String
    var swift_seconds: Double
    var raw_seconds: Double
    var ratio: Double
}

func seconds(_ iterations: Int, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure { for _ in 0..<iterations { body() } }
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

let arguments = CommandLine.arguments
let asJSON = arguments.contains("--json")
let rounds = arguments.firstIndex(of: "--rounds").flatMap { Int(arguments[$0 + 1]) } ?? 15
guard raw_init() >= 0 else { fatalError("libsodium failed to initialize") }

// Operands shared by both sides.
var generator = ChaChaRandom(seed: UInt64(2017))
var modulus = BigInt.random(bits: 4096, using: &generator)
modulus = modulus | (BigInt(1) << 4095) | 1  // exactly 4096 bits, odd (like n²)
let base = try BigInt.random(below: modulus, using: &generator)
let exponent = BigInt.random(bits: 2048, using: &generator) | (BigInt(1) << 2047)
let factor = try BigInt.random(below: modulus, using: &generator)

// 1. ChaCha20 keystream, 1 MiB per operation.
let mebibyte = 1 << 20
let seed = (0..<32).map { UInt8($0) }
var chacha = try ChaChaRandom(seed: seed)
let words = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: mebibyte / 8)
let maskWords = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: mebibyte / 4)
maskWords.initialize(repeating: 1)
let rawBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: mebibyte)
var rawCounter: UInt64 = 0

// 2. X25519.
let alice = X25519.PrivateKey(), bob = X25519.PrivateKey()
let aliceSecret = alice.rawRepresentation.unprotectedCopy
var rawShared = [UInt8](repeating: 0, count: 32)

// 3–4. GMP contexts with the same operands.
let powContext = raw_gmp_new(base.description, exponent.description, modulus.description)!
let mulContext = raw_gmp_new(base.description, factor.description, modulus.description)!
var swiftResult = BigInt()

// Sanity: both sides compute the same numbers.
raw_gmp_powm(powContext)
swiftResult.formPower(base, exponent, modulo: modulus)
var decimal = [CChar](repeating: 0, count: 2000)
_ = raw_gmp_result(powContext, &decimal, decimal.count)
precondition(String(decoding: decimal.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) == swiftResult.description,
             "Swift and raw GMP disagree on powm")
let sharedSwift = try alice.sharedSecret(with: bob.publicKey).withUnsafeBytes { Array($0) }
precondition(raw_x25519(&rawShared, aliceSecret, bob.publicKey.rawRepresentation) == 0 && rawShared == sharedSwift,
             "Swift and raw libsodium disagree on X25519")

let comparisons = [
    Comparison(name: "ChaChaRandom.fill, 1 MiB of UInt64", unit: "MiB", iterations: 16,
               swiftLayer: { chacha.fill(words) },
               raw: { raw_chacha20_keystream(rawBytes, mebibyte, seed, rawCounter); rawCounter &+= UInt64(mebibyte / 64) }),
    Comparison(name: "ChaChaRandom.addKeystream, 1 MiB of UInt32 masks", unit: "MiB", iterations: 16,
               swiftLayer: { chacha.addKeystream(to: maskWords) },
               raw: { raw_chacha20_keystream(rawBytes, mebibyte, seed, rawCounter); rawCounter &+= UInt64(mebibyte / 64) }),
    Comparison(name: "X25519 agreement", unit: "agreement", iterations: 400,
               swiftLayer: { _ = try? alice.sharedSecret(with: bob.publicKey) },
               raw: { _ = raw_x25519(&rawShared, aliceSecret, bob.publicKey.rawRepresentation) }),
    Comparison(name: "modexp 4096-bit modulus, 2048-bit exponent (formPower)", unit: "exponentiation", iterations: 20,
               swiftLayer: { swiftResult.formPower(base, exponent, modulo: modulus) },
               raw: { raw_gmp_powm(powContext) }),
    Comparison(name: "modexp 4096/2048 (power(_:modulo:), allocating)", unit: "exponentiation", iterations: 20,
               swiftLayer: { swiftResult = (try? base.power(exponent, modulo: modulus)) ?? swiftResult },
               raw: { raw_gmp_powm(powContext) }),
    Comparison(name: "modular product 4096-bit (formProduct)", unit: "product", iterations: 20_000,
               swiftLayer: { swiftResult.formProduct(base, factor, modulo: modulus) },
               raw: { raw_gmp_mulmod(mulContext) }),
]

var rows: [Row] = []
for comparison in comparisons {
    comparison.swiftLayer(); comparison.raw()  // warm up
    var swiftTimes: [Double] = [], rawTimes: [Double] = []
    for round in 0..<rounds {
        // Alternate which side goes first so neither always runs on a warmer cache.
        if round % 2 == 0 {
            swiftTimes.append(seconds(comparison.iterations, comparison.swiftLayer))
            rawTimes.append(seconds(comparison.iterations, comparison.raw))
        } else {
            rawTimes.append(seconds(comparison.iterations, comparison.raw))
            swiftTimes.append(seconds(comparison.iterations, comparison.swiftLayer))
        }
    }
    let swiftPerOp = median(swiftTimes) / Double(comparison.iterations)
    let rawPerOp = median(rawTimes) / Double(comparison.iterations)
    rows.append(Row(operation: comparison.name, unit: comparison.unit, swift_seconds: swiftPerOp,
                    raw_seconds: rawPerOp, ratio: swiftPerOp / rawPerOp))
}

if asJSON {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(rows), as: UTF8.self))
} else {
    func format(_ seconds: Double) -> String {
        seconds >= 1e-3 ? String(format: "%9.3f ms", seconds * 1e3) : String(format: "%9.3f µs", seconds * 1e6)
    }
    print("PrivAgg Swift layer vs raw C, same process, median of \(rounds) interleaved rounds")
    print("libsodium \(Libsodium.version), GMP \(GMP.version)\n")
    print("operation".padding(toLength: 58, withPad: " ", startingAt: 0) + "     Swift        raw C   ratio")
    for row in rows {
        print(row.operation.padding(toLength: 58, withPad: " ", startingAt: 0)
              + format(row.swift_seconds) + "  " + format(row.raw_seconds) + String(format: "  %5.3f", row.ratio))
    }
}
