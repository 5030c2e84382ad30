import ArgumentParser
import Foundation
import PrivacyAccounting

/// `privagg calibrate`: the smallest noise multiplier meeting a target ε for DP-SGD.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Find the noise multiplier σ for which T steps of DP-SGD give ε ≤ target at δ.",
        discussion: """
            Bisection on the chosen accountant (RDP by default, or PLD's upper ε); the ε returned is ≤ the target and within 0.01% of it. When a \
            record enters any of the T steps with probability 1 − (1 − q)^T ≤ δ, every σ (even none) gives \
            ε = 0 at that δ, and the answer is σ = 0.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .customLong("target-epsilon"), parsing: .unconditional, help: "Target ε (> 0).")
    var targetEpsilon: Double

    @Option(parsing: .unconditional, help: "δ in (0, 1).")
    var delta: Double

    @Option(name: .customLong("sampling-rate"), parsing: .unconditional, help: "Poisson sampling rate q in (0, 1].")
    var samplingRate: Double

    @Option(parsing: .unconditional, help: "Number of steps T (≥ 1): calibrate the noise multiplier.")
    var steps: Int?

    @Option(name: .customLong("noise-multiplier"), parsing: .unconditional, help: "Noise multiplier σ (> 0) instead of --steps: calibrate the largest number of steps.")
    var noiseMultiplier: Double?

    @Option(help: "Accountant whose upper ε must meet the target: rdp (default) or pld.")
    var accountant: AccountantKind = .rdp

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    struct Output: Encodable {
        var noiseMultiplier: Double
        var epsilon: Double
        var targetEpsilon: Double
        var delta: Double
        var samplingRate: Double
        var steps: Int
        var optimalOrder: Double?

        enum CodingKeys: String, CodingKey {
            case epsilon, delta, steps
            case noiseMultiplier = "noise_multiplier"
            case targetEpsilon = "target_epsilon"
            case samplingRate = "sampling_rate"
            case optimalOrder = "optimal_order"
        }

        /// Every key is always present; a missing optimal order is `null`.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(noiseMultiplier, forKey: .noiseMultiplier)
            try c.encodeNullIfUnbounded(epsilon, forKey: .epsilon)
            try c.encode(targetEpsilon, forKey: .targetEpsilon)
            try c.encode(delta, forKey: .delta)
            try c.encode(samplingRate, forKey: .samplingRate)
            try c.encode(steps, forKey: .steps)
            try c.encode(optimalOrder, forKey: .optimalOrder)
        }
    }

    func validate() throws {
        try AccountingValidation.targetEpsilon(targetEpsilon)
        try AccountingValidation.delta(delta)
        try AccountingValidation.samplingRate(samplingRate)
        switch (steps, noiseMultiplier) {
        case (let steps?, nil):
            try AccountingValidation.steps(steps)
            guard steps >= 1 else { throw ValidationError("--steps must be at least 1 to calibrate, got \(steps)") }
        case (nil, let sigma?):
            try AccountingValidation.noiseMultiplier(sigma)
        case (.some, .some):
            throw ValidationError("give --steps (to calibrate σ) or --noise-multiplier (to calibrate steps), not both")
        case (nil, nil):
            throw ValidationError("give --steps (to calibrate σ) or --noise-multiplier (to calibrate steps)")
        }
    }

    func run() throws {
        // With probability 1 − (1 − q)^T ≤ δ of ever sampling a record, the run is (0, δ)-DP with
        // no noise at all: couple the runs with and without the record on the event that it is
        // never sampled. The accountant's bound stays above 0 there, so bisection cannot answer it.
        if let steps, case let everSampled = -expm1(Double(steps) * log1p(-samplingRate)), everSampled <= delta {
            let output = Output(
                noiseMultiplier: 0, epsilon: 0, targetEpsilon: targetEpsilon, delta: delta, samplingRate: samplingRate, steps: steps,
                optimalOrder: nil)
            switch format {
            case .json: try emit(try accountingJSON(output), to: nil)
            case .text:
                try emit("any σ ≥ 0 gives ε = 0 ≤ \(formatInput(targetEpsilon)) at δ = \(formatInput(delta)): a record enters one of the "
                    + "\(steps) step\(steps == 1 ? "" : "s") with probability \(formatNumber(everSampled)) ≤ δ (q = \(formatInput(samplingRate))), so no noise is needed", to: nil)
            }
            return
        }
        guard let steps else {
            try runSteps(noiseMultiplier: noiseMultiplier!)
            return
        }
        if accountant == .pld {
            try runNoiseMultiplierPLD(steps: steps)
            return
        }
        let result = try Calibration.noiseMultiplier(targetEpsilon: targetEpsilon, delta: delta, samplingRate: samplingRate, steps: steps)
        let output = Output(
            noiseMultiplier: result.value, epsilon: result.epsilon, targetEpsilon: targetEpsilon, delta: delta,
            samplingRate: samplingRate, steps: steps, optimalOrder: result.optimalOrder)
        switch format {
        case .json:
            try emit(try accountingJSON(output), to: nil)
        case .text:
            try emit("σ = \(String(format: "%.6f", result.value)) gives ε = \(formatNumber(result.epsilon)) ≤ \(formatInput(targetEpsilon)) "
                + "at δ = \(formatInput(delta)) (q = \(formatInput(samplingRate)), \(steps) steps, optimal order \(formatNumber(result.optimalOrder)))", to: nil)
        }
    }
}
