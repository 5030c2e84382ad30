import Foundation

extension Calibration {
    /// The smallest noise multiplier (to ``epsilonTolerance`` in ε) for which `steps` steps of
    /// DP-SGD at rate `samplingRate` are (ε, δ)-DP with ε ≤ `targetEpsilon` by `accountant`
    /// (any accountant: its upper ε is what must meet the target). Same bracketing and
    /// bisection as the RDP-only ``noiseMultiplier(targetEpsilon:delta:samplingRate:steps:orders:)``.
    ///
    /// - Parameters:
    ///   - targetEpsilon: ε > 0.
    ///   - delta: δ in (0, 1).
    ///   - samplingRate: Poisson rate q in (0, 1].
    ///   - steps: Number of steps (≥ 1).
    ///   - accountant: A fresh accountant (e.g. `try PLDAccountant()`); it is copied, not changed.
    /// - Returns: σ and the ε it gives (at most the target, within 0.01% of it).
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad inputs,
    ///   ``PrivacyAccountingError/calibrationFailed(reason:)`` if no σ in [10⁻⁶, 10⁶] works,
    ///   or the accountant's errors.
    public static func noiseMultiplier(
        targetEpsilon: Double, delta: Double, samplingRate: Double, steps: Int, accountant: some PrivacyAccountant
    ) throws -> Result {
        try checkTarget(targetEpsilon: targetEpsilon, delta: delta)
        try PrivacyEvent.dpSGD(samplingRate: samplingRate, noiseMultiplier: 1, steps: steps).validate()
        guard steps > 0, samplingRate > 0 else {
            throw PrivacyAccountingError.calibrationFailed(reason: "with no steps or q = 0 nothing is spent; any noise multiplier works")
        }
        let (sigma, guarantee) = try bisectNoiseMultiplier(targetEpsilon: targetEpsilon) { sigma in
            try accountant.composing(.dpSGD(samplingRate: samplingRate, noiseMultiplier: sigma, steps: steps)).epsilon(delta: delta)
        }
        return Result(value: sigma, epsilon: guarantee.epsilon, optimalOrder: nil)
    }

    /// The largest number of steps for which DP-SGD at (`samplingRate`, `noiseMultiplier`)
    /// stays within ε ≤ `targetEpsilon` at `delta` by `accountant` (0 if one step exceeds it),
    /// by doubling and bisection on the step count (ε grows with the number of steps).
    ///
    /// - Parameters:
    ///   - targetEpsilon: ε > 0.
    ///   - delta: δ in (0, 1).
    ///   - samplingRate: Poisson rate q in (0, 1].
    ///   - noiseMultiplier: σ > 0.
    ///   - accountant: A fresh accountant; it is copied, not changed.
    ///   - maximumSteps: The largest count tried (1...2^40).
    /// - Returns: The step count and its ε.
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad inputs, or the
    ///   accountant's errors.
    public static func steps(
        targetEpsilon: Double, delta: Double, samplingRate: Double, noiseMultiplier: Double,
        accountant: some PrivacyAccountant, maximumSteps: Int = 1 << 24
    ) throws -> (steps: Int, epsilon: Double) {
        try checkTarget(targetEpsilon: targetEpsilon, delta: delta)
        guard (1...(1 << 40)).contains(maximumSteps) else {
            throw PrivacyAccountingError.invalidParameter(name: "maximum_steps", reason: "must be in 1...2^40, got \(maximumSteps)")
        }
        try PrivacyEvent.dpSGD(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: 1).validate()
        func epsilon(_ count: Int) throws -> Double {
            try accountant.composing(.dpSGD(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: count))
                .epsilon(delta: delta).epsilon
        }
        let first = try epsilon(1)
        if first > targetEpsilon { return (0, 0) }
        var low = 1, high = 2, atLow = first
        while high <= maximumSteps {
            let value = try epsilon(high)
            guard value <= targetEpsilon else { break }
            low = high
            atLow = value
            high *= 2
        }
        if high > maximumSteps { return (low, atLow) }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            let value = try epsilon(middle)
            if value <= targetEpsilon {
                low = middle
                atLow = value
            } else {
                high = middle
            }
        }
        return (low, atLow)
    }

    private static func checkTarget(targetEpsilon: Double, delta: Double) throws {
        guard targetEpsilon.isFinite, targetEpsilon > 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "target_epsilon", reason: "must be finite and > 0, got \(targetEpsilon)")
        }
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "delta", reason: "must be in (0, 1), got \(delta)")
        }
    }
}
