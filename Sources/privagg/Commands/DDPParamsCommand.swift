import ArgumentParser
import Foundation
import PrivacyAccounting

extension DistributedMechanism: ExpressibleByArgument {}

/// `privagg ddp-params`: the grid step and local noise of distributed DP under secure aggregation.
struct DDPParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ddp-params",
        abstract: "Choose the scale and local noise of the distributed discrete Gaussian or Skellam mechanism for a target ε.",
        discussion: """
            As google-research/federated's ddgauss_params / skellam_params: the finest grid step γ at which k standard \
            deviations of the noisy, quantized sum of n clients fit in 2^bits, with each client's noise calibrated so that \
            the rounds, Poisson-sampled at the client rate, reach the target ε at δ (RDP accountant; sensitivity inflated \
            for conditional stochastic rounding). Settings where the modular sum would wrap too often are refused. The \
            accounting counts the noise of --minimum-clients (the secure aggregation threshold t; default n): with dropouts \
            the sum carries at least t clients' noise. Beside the answer: the ε of a central Gaussian with the same total noise.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(help: "Mechanism: ddg (distributed discrete Gaussian) or skellam.")
    var mechanism: DistributedMechanism

    @Option(parsing: .unconditional, help: "Bits per coordinate of the modular sum (1–62).")
    var bits: Int

    @Option(parsing: .unconditional, help: "Clients per round n.")
    var clients: Int

    @Option(name: .customLong("minimum-clients"), parsing: .unconditional,
            help: "Clients whose noise the sum is guaranteed to carry (the SecAgg threshold t ≤ n; default n).")
    var minimumClients: Int?

    @Option(parsing: .unconditional, help: "Model dimension d (padded to a power of two for the rotation).")
    var dimension: Int

    @Option(parsing: .unconditional, help: "L2 clipping norm c of each client's update.")
    var clip: Double

    @Option(name: .customLong("target-epsilon"), parsing: .unconditional, help: "Target ε after all rounds (> 0).")
    var targetEpsilon: Double

    @Option(parsing: .unconditional, help: "δ in (0, 1).")
    var delta: Double

    @Option(parsing: .unconditional, help: "Rounds T.")
    var rounds: Int

    @Option(name: .customLong("client-rate"), parsing: .unconditional, help: "Poisson client sampling rate q in (0, 1].")
    var clientRate: Double

    @Option(parsing: .unconditional, help: "Conditional rounding constant β in [0, 1) (default e^-0.5).")
    var beta: Double = exp(-0.5)

    @Option(parsing: .unconditional, help: "Standard deviations of the sum kept in range (default 4 for ddg, 3 for skellam).")
    var k: Double?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    struct Output: Encodable {
        var mechanism: String
        var bits: Int
        var clients: Int
        var minimumClients: Int
        var dimension: Int
        var paddedDimension: Int
        var clip: Double
        var delta: Double
        var rounds: Int
        var clientRate: Double
        var beta: Double
        var k: Double
        var gamma: Double
        var scale: Double
        var localStddev: Double
        var localNoiseGridUnits: Double
        var epsilon: Double
        var targetEpsilon: Double
        var optimalOrder: Double?
        var centralNoiseMultiplier: Double
        var centralGaussianEpsilon: Double
        var wrapProbabilityPerCoordinate: Double
        var roundEvent: PrivacyEvent

        enum CodingKeys: String, CodingKey {
            case mechanism, bits, clients, dimension, clip, delta, rounds, beta, k, gamma, scale, epsilon
            case minimumClients = "minimum_clients"
            case paddedDimension = "padded_dimension"
            case clientRate = "client_rate"
            case localStddev = "local_stddev"
            case localNoiseGridUnits = "local_noise_grid_units"
            case targetEpsilon = "target_epsilon"
            case optimalOrder = "optimal_order"
            case centralNoiseMultiplier = "central_noise_multiplier"
            case centralGaussianEpsilon = "central_gaussian_epsilon"
            case wrapProbabilityPerCoordinate = "wrap_probability_per_coordinate"
            case roundEvent = "round_event"
        }
    }

    func run() throws {
        let setting = DistributedDPSetting(
            mechanism: mechanism, bits: bits, clients: clients, minimumClients: minimumClients, dimension: dimension, clip: clip,
            delta: delta, rounds: rounds, clientRate: clientRate, beta: beta, k: k)
        let p: DistributedDPParameters
        do {
            p = try DistributedDP.parameters(setting: setting, targetEpsilon: targetEpsilon)
        } catch let error as DistributedDPError {
            throw ValidationError(error.description)
        }
        switch format {
        case .json:
            let output = Output(
                mechanism: mechanism.rawValue, bits: bits, clients: clients, minimumClients: setting.minimumClients, dimension: dimension,
                paddedDimension: setting.paddedDimension, clip: clip, delta: delta, rounds: rounds, clientRate: clientRate, beta: beta,
                k: setting.k, gamma: p.gamma, scale: p.scale, localStddev: p.localStddev, localNoiseGridUnits: p.localNoiseInGridUnits,
                epsilon: p.epsilon, targetEpsilon: targetEpsilon, optimalOrder: p.optimalOrder,
                centralNoiseMultiplier: p.centralNoiseMultiplier, centralGaussianEpsilon: p.centralGaussianEpsilon,
                wrapProbabilityPerCoordinate: p.wrapProbabilityPerCoordinate, roundEvent: p.roundEvent)
            try emit(try accountingJSON(output), to: nil)
        case .text:
            let noise = mechanism == .discreteGaussian
                ? "local discrete Gaussian σ = \(formatNumber(p.localStddev)) (\(formatNumber(p.localNoiseInGridUnits)) grid steps)"
                : "local Skellam μ = \(formatNumber(p.localNoiseInGridUnits)) grid units (σ = \(formatNumber(p.localStddev)))"
            try emit("""
                \(mechanism.rawValue), \(bits) bits, n = \(clients) (t = \(setting.minimumClients)), d = \(dimension) (padded \(setting.paddedDimension)), c = \(formatInput(clip))
                γ = \(formatNumber(p.gamma)) (scale \(formatNumber(p.scale))), \(noise)
                ε = \(formatNumber(p.epsilon)) ≤ \(formatInput(targetEpsilon)) at δ = \(formatInput(delta)) after \(rounds) rounds at q = \(formatInput(clientRate)) (order \(formatNumber(p.optimalOrder)))
                central Gaussian with the same total noise (z = \(formatNumber(p.centralNoiseMultiplier))): ε = \(formatNumber(p.centralGaussianEpsilon))
                wrap probability per coordinate ≤ \(formatNumber(p.wrapProbabilityPerCoordinate)) (k = \(formatNumber(setting.k)))
                """, to: nil)
        }
    }
}
