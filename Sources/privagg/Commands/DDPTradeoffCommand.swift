import ArgumentParser
import Foundation
import PrivacyAccounting

/// `privagg ddp-tradeoff`: ε of distributed DP against bits, at the central Gaussian's noise.
struct DDPTradeoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddp-tradeoff",
        abstract: "The bits-versus-privacy table of the distributed discrete Gaussian and Skellam at a central Gaussian's noise.",
        discussion: """
            Calibrates the central Poisson-sampled Gaussian to --central-epsilon, gives each of n clients σ = z·c/√n, \
            chooses the grid step for each bit width so that k standard deviations of the sum fill 2^bits (k = 4 DDG, 3 Skellam), \
            and prints the ε each mechanism then reaches (RDP accountant). The defaults are the EMNIST setting of Kairouz et al. 2021.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, markdown, json }

    @Option(parsing: .unconditional, help: "Clients per round n.") var clients = 100
    @Option(parsing: .unconditional, help: "Model dimension d.") var dimension = 1 << 20
    @Option(parsing: .unconditional, help: "L2 clipping norm c.") var clip = 0.03
    @Option(name: .customLong("central-epsilon"), parsing: .unconditional, help: "ε of the central Gaussian.") var centralEpsilon = 10.0
    @Option(parsing: .unconditional, help: "δ.") var delta = 1.0 / 3400
    @Option(parsing: .unconditional, help: "Rounds T.") var rounds = 1500
    @Option(name: .customLong("client-rate"), parsing: .unconditional, help: "Client sampling rate q.") var clientRate = 100.0 / 3400
    @Option(parsing: .unconditional, help: "Comma-separated bit widths.") var bits = "12,14,16,18"
    @Option(help: "Output format: text, markdown or json.") var format: Format = .text

    struct Output: Encodable {
        var centralEpsilon: Double
        var centralNoiseMultiplier: Double
        var rows: [DistributedDPTradeoffRow]
        enum CodingKeys: String, CodingKey {
            case rows
            case centralEpsilon = "central_epsilon"
            case centralNoiseMultiplier = "central_noise_multiplier"
        }
    }

    func run() throws {
        let widths = try bits.split(separator: ",").map { part -> Int in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)), (1...62).contains(value) else {
                throw ValidationError("--bits must be comma-separated integers in 1…62, got \(bits)")
            }
            return value
        }
        let setting = DistributedDPSetting(
            mechanism: .discreteGaussian, bits: 16, clients: clients, dimension: dimension, clip: clip, delta: delta, rounds: rounds,
            clientRate: clientRate)
        let result: (noiseMultiplier: Double, rows: [DistributedDPTradeoffRow])
        do {
            result = try DistributedDP.tradeoff(setting: setting, centralEpsilon: centralEpsilon, bits: widths)
        } catch let error as DistributedDPError {
            throw ValidationError(error.description)
        }
        func cell(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "refused" }
        switch format {
        case .json:
            try emit(try accountingJSON(Output(centralEpsilon: centralEpsilon, centralNoiseMultiplier: result.noiseMultiplier, rows: result.rows)), to: nil)
        case .markdown:
            var lines = ["| bits | DDG ε | Skellam ε | central Gaussian ε |", "|---:|---:|---:|---:|"]
            for row in result.rows {
                lines.append("| \(row.bits) | \(cell(row.discreteGaussianEpsilon)) | \(cell(row.skellamEpsilon)) | \(formatInput(centralEpsilon)) |")
            }
            try emit(lines.joined(separator: "\n"), to: nil)
        case .text:
            var lines = ["central Gaussian z = \(formatNumber(result.noiseMultiplier)) gives ε = \(formatInput(centralEpsilon)) (n = \(clients), d = \(dimension), T = \(rounds), q = \(formatInput(clientRate)), δ = \(formatInput(delta)))"]
            for row in result.rows {
                lines.append("\(row.bits) bits: DDG ε = \(cell(row.discreteGaussianEpsilon)), Skellam ε = \(cell(row.skellamEpsilon))")
            }
            try emit(lines.joined(separator: "\n"), to: nil)
        }
    }
}
