import ArgumentParser
import Foundation
import PrivacyAccounting

/// `privagg budget`: ε of DP-SGD (Poisson-subsampled Gaussian) after T steps, by the RDP accountant.
struct BudgetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Print ε for T steps of the Poisson-subsampled Gaussian mechanism (DP-SGD) at δ.",
        discussion: """
            Rényi DP accountant at dp_accounting's default orders. --conversion tight (default) is \
            the Canonne–Kamath–Steinke/Balle et al. conversion used by dp_accounting and Opacus; \
            classic is the moments-accountant conversion of Abadi et al. 2016.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Option(name: .customLong("sampling-rate"), parsing: .unconditional, help: "Poisson sampling rate q in (0, 1].")
    var samplingRate: Double

    @Option(name: .customLong("noise-multiplier"), parsing: .unconditional, help: "Noise standard deviation over L2 sensitivity (σ > 0).")
    var noiseMultiplier: Double

    @Option(parsing: .unconditional, help: "Number of steps T (≥ 0).")
    var steps: Int

    @Option(parsing: .unconditional, help: "δ in (0, 1): print ε at this δ.")
    var delta: Double?

    @Option(parsing: .unconditional, help: "ε ≥ 0: print δ at this ε instead of ε at a δ.")
    var epsilon: Double?

    @Option(help: "Accountant: rdp, pld or both (text default: both; JSON and Markdown default: today's RDP output).")
    var accountant: AccountantChoice?

    @Option(help: "RDP to (ε, δ) conversion: tight or classic.")
    var conversion: RDPConversion = .tight

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    struct Output: Encodable {
        var epsilon: Double
        var delta: Double
        var optimalOrder: Double?
        var samplingRate: Double
        var noiseMultiplier: Double
        var steps: Int
        var conversion: String

        enum CodingKeys: String, CodingKey {
            case epsilon, delta, steps, conversion
            case optimalOrder = "optimal_order"
            case samplingRate = "sampling_rate"
            case noiseMultiplier = "noise_multiplier"
        }

        /// Every key is always present; a missing optimal order is `null`.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeNullIfUnbounded(epsilon, forKey: .epsilon)
            try c.encode(delta, forKey: .delta)
            try c.encode(optimalOrder, forKey: .optimalOrder)
            try c.encode(samplingRate, forKey: .samplingRate)
            try c.encode(noiseMultiplier, forKey: .noiseMultiplier)
            try c.encode(steps, forKey: .steps)
            try c.encode(conversion, forKey: .conversion)
        }
    }

    func validate() throws {
        try AccountingValidation.samplingRate(samplingRate)
        try AccountingValidation.noiseMultiplier(noiseMultiplier)
        try AccountingValidation.steps(steps)
        _ = try AccountingQuery(delta: delta, epsilon: epsilon)
    }

    func run() throws {
        if accountant != nil || epsilon != nil || format == .text {
            try runAccountants()
            return
        }
        try runLegacyRDP(delta: delta!)
    }

    /// The RDP answer with today's output (kept for scripts that read these keys).
    func runLegacyRDP(delta: Double) throws {
        var accountant = RDPAccountant()
        try accountant.compose(.dpSGD(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: steps))
        let guarantee = try accountant.epsilon(delta: delta, conversion: conversion)
        let output = Output(
            epsilon: guarantee.epsilon, delta: delta, optimalOrder: guarantee.optimalOrder, samplingRate: samplingRate,
            noiseMultiplier: noiseMultiplier, steps: steps, conversion: conversion.rawValue)
        switch format {
        case .json:
            try emit(try accountingJSON(output), to: nil)
        case .text:
            try emit(legacyTextLine(guarantee, delta: delta), to: nil)
        case .markdown:
            try emit("""
                | sampling rate q | noise multiplier σ | steps | δ | ε | optimal order | conversion |
                |---:|---:|---:|---:|---:|---:|---|
                | \(formatInput(samplingRate)) | \(formatInput(noiseMultiplier)) | \(steps) | \(formatInput(delta)) | \(formatNumber(guarantee.epsilon)) | \(formatNumber(guarantee.optimalOrder)) | \(conversion.rawValue) |
                """, to: nil)
        }
    }

    /// Today's one-line text answer of the RDP accountant.
    func legacyTextLine(_ guarantee: PrivacyGuarantee, delta: Double) -> String {
            ("ε = \(formatNumber(guarantee.epsilon)) at δ = \(formatInput(delta)) (optimal order \(formatNumber(guarantee.optimalOrder)); "
                + "q = \(formatInput(samplingRate)), σ = \(formatInput(noiseMultiplier)), \(steps) steps, \(conversion.rawValue) RDP conversion)")
    }
}
