import ArgumentParser
import Foundation
import PrivacyAccounting

extension AccountantKind: ExpressibleByArgument {}

extension CalibrateCommand {
    /// σ for the target through the PLD accountant.
    func runNoiseMultiplierPLD(steps: Int) throws {
        let result = try Calibration.noiseMultiplier(
            targetEpsilon: targetEpsilon, delta: delta, samplingRate: samplingRate, steps: steps, accountant: try PLDAccountant())
        switch format {
        case .json:
            try emit(try accountingJSON(PLDOutput(
                noiseMultiplier: result.value, steps: steps, epsilon: result.epsilon, targetEpsilon: targetEpsilon,
                delta: delta, samplingRate: samplingRate)), to: nil)
        case .text:
            try emit("σ = \(String(format: "%.6f", result.value)) gives ε = \(formatNumber(result.epsilon)) ≤ \(formatInput(targetEpsilon)) "
                + "at δ = \(formatInput(delta)) (q = \(formatInput(samplingRate)), \(steps) steps, PLD accountant)", to: nil)
        }
    }

    /// The largest number of steps within the target at a given σ.
    func runSteps(noiseMultiplier sigma: Double) throws {
        let chosen: any PrivacyAccountant = accountant == .pld ? try PLDAccountant() : RDPAccountant()
        let result = try Calibration.steps(
            targetEpsilon: targetEpsilon, delta: delta, samplingRate: samplingRate, noiseMultiplier: sigma, accountant: chosen)
        switch format {
        case .json:
            try emit(try accountingJSON(PLDOutput(
                noiseMultiplier: sigma, steps: result.steps, epsilon: result.epsilon, targetEpsilon: targetEpsilon,
                delta: delta, samplingRate: samplingRate, accountant: accountant.rawValue)), to: nil)
        case .text:
            try emit("\(result.steps) steps give ε = \(formatNumber(result.epsilon)) ≤ \(formatInput(targetEpsilon)) at δ = \(formatInput(delta)) "
                + "(q = \(formatInput(samplingRate)), σ = \(formatInput(sigma)), \(accountant.rawValue.uppercased()) accountant)", to: nil)
        }
    }

    struct PLDOutput: Encodable {
        var noiseMultiplier: Double
        var steps: Int
        var epsilon: Double
        var targetEpsilon: Double
        var delta: Double
        var samplingRate: Double
        var accountant = "pld"

        enum CodingKeys: String, CodingKey {
            case steps, epsilon, delta, accountant
            case noiseMultiplier = "noise_multiplier"
            case targetEpsilon = "target_epsilon"
            case samplingRate = "sampling_rate"
        }
    }
}
