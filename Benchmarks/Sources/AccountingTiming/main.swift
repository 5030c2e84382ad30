// Times one RDP ε query the way researchers run it: compose the DP-SGD event
// (Poisson-subsampled Gaussian, q, σ, T steps) at dp_accounting's default orders into a fresh
// accountant and convert to ε at δ. Prints one JSON object so Benchmarks/peers/run-accounting.sh
// can compute the ratio against dp_accounting in the same run.
//
// With --accountant pld the same query goes through the PLD accountant (default discretization
// 1e-4), and the JSON adds "epsilon_lower"; with --fft N it instead times one forward plus one
// inverse real FFT of length N (PrivAgg's own radix-2 FFT), for comparison with numpy.
//
// Usage: AccountingTiming [--sampling-rate Q] [--noise-multiplier S] [--steps T] [--delta D] [--seconds N]
//                         [--accountant rdp|pld] [--fft N]
import Foundation
import PrivacyAccounting

var options: [String: Double] = ["sampling-rate": 0.01, "noise-multiplier": 1.0, "steps": 10_000, "delta": 1e-5, "seconds": 2, "fft": 0]
var accountantName = "rdp"
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    if flag == "--accountant", let name = arguments.popFirst(), name == "rdp" || name == "pld" {
        accountantName = name
        continue
    }
    guard flag.hasPrefix("--"), let value = arguments.popFirst().flatMap(Double.init), options[String(flag.dropFirst(2))] != nil else {
        FileHandle.standardError.write(Data("usage: AccountingTiming [--sampling-rate Q] [--noise-multiplier S] [--steps T] [--delta D] [--seconds N]\n".utf8))
        exit(2)
    }
    options[String(flag.dropFirst(2))] = value
}
let event = PrivacyEvent.dpSGD(
    samplingRate: options["sampling-rate"]!, noiseMultiplier: options["noise-multiplier"]!, steps: Int(options["steps"]!))
let delta = options["delta"]!
let usePLD = accountantName == "pld"

func query() throws -> PrivacyGuarantee {
    if usePLD {
        var accountant = try PLDAccountant()
        try accountant.compose(event)
        return try accountant.epsilon(delta: delta)
    }
    var accountant = RDPAccountant()
    try accountant.compose(event)
    return try accountant.epsilon(delta: delta)
}

if options["fft"]! > 0 {
    let seconds = PLDTiming.realFFTRoundTrip(length: Int(options["fft"]!), seconds: options["seconds"]!)
    print(#"{"fft_length": \#(Int(options["fft"]!)), "ms_per_round_trip": \#(seconds * 1000)}"#)
    exit(0)
}

do {
    var result = try query()  // warm-up (also builds the log-factorial table)
    let clock = ContinuousClock()
    let budget = Duration.milliseconds(Int(options["seconds"]! * 1000))
    var runs = 0
    let start = clock.now
    var elapsed = Duration.zero
    repeat {
        result = try query()
        runs += 1
        elapsed = clock.now - start
    } while elapsed < budget
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    if accountantName == "pld" {
        print(#"{"epsilon": \#(result.epsilon), "epsilon_lower": \#(result.epsilonLower ?? .nan), "runs": \#(runs), "ms_per_query": \#(seconds * 1000 / Double(runs))}"#)
    } else {
        print(#"{"epsilon": \#(result.epsilon), "optimal_order": \#(result.optimalOrder ?? .nan), "runs": \#(runs), "ms_per_query": \#(seconds * 1000 / Double(runs))}"#)
    }
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
