import Foundation

/// Calibration of DP-SGD parameters to a target (ε, δ) with the RDP accountant, by
/// bracketing and bisection. ε is continuous and monotone in each parameter (decreasing in σ,
/// increasing in q and in the number of steps), so bisection cannot miss the target.
public enum Calibration {
    /// The result of a calibration: the parameter found and the ε it actually gives.
    public struct Result: Hashable, Sendable, Codable {
        /// The noise multiplier (or sampling rate) found.
        public var value: Double
        /// ε at the calibrated parameter (≤ the target).
        public var epsilon: Double
        /// The optimal Rényi order at the calibrated parameter.
        public var optimalOrder: Double?
    }

    /// Relative tolerance on ε: a calibrated parameter gives ε in [target·(1 − tolerance), target].
    public static let epsilonTolerance = 1e-4

    /// The smallest noise multiplier (to ``epsilonTolerance`` in ε) for which `steps` steps of
    /// the Poisson-subsampled Gaussian at rate `samplingRate` are (ε, δ)-DP with ε ≤ `targetEpsilon`.
    /// The returned ε is never above the target and at most 0.01% below it.
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad inputs,
    ///   ``PrivacyAccountingError/calibrationFailed(reason:)`` if no σ in [10⁻⁶, 10⁶] gives an ε
    ///   within the tolerance of the target (too tight, too loose, or below double precision).
    public static func noiseMultiplier(
        targetEpsilon: Double, delta: Double, samplingRate: Double, steps: Int,
        orders: [Double] = RDPAccountant.defaultOrders
    ) throws -> Result {
        try validate(targetEpsilon: targetEpsilon, delta: delta)
        try PrivacyEvent.dpSGD(samplingRate: samplingRate, noiseMultiplier: 1, steps: steps).validate()
        guard steps > 0, samplingRate > 0 else {
            throw PrivacyAccountingError.calibrationFailed(reason: "with no steps or q = 0 nothing is spent; any noise multiplier works")
        }
        let base = try RDPAccountant(orders: orders)
        func epsilon(_ sigma: Double) throws -> PrivacyGuarantee {
            try base.composing(.dpSGD(samplingRate: samplingRate, noiseMultiplier: sigma, steps: steps)).epsilon(delta: delta)
        }
        let (sigma, guarantee) = try bisectNoiseMultiplier(targetEpsilon: targetEpsilon, epsilon)
        return Result(value: sigma, epsilon: guarantee.epsilon, optimalOrder: guarantee.optimalOrder)
    }

    /// The largest number of steps for which DP-SGD at (`samplingRate`, `noiseMultiplier`) stays
    /// within ε ≤ `targetEpsilon` at `delta` (0 if even one step exceeds it). Exact: the RDP curve
    /// is computed once and scaled, and ε is monotone in the number of steps.
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad inputs
    ///   (including `maximumSteps` outside 1...2^62).
    public static func steps(
        targetEpsilon: Double, delta: Double, samplingRate: Double, noiseMultiplier: Double,
        orders: [Double] = RDPAccountant.defaultOrders, maximumSteps: Int = 1 << 40
    ) throws -> (steps: Int, epsilon: Double) {
        try validate(targetEpsilon: targetEpsilon, delta: delta)
        guard (1...(1 << 62)).contains(maximumSteps) else {
            throw PrivacyAccountingError.invalidParameter(name: "maximum_steps", reason: "must be in 1...2^62, got \(maximumSteps)")
        }
        let step = PrivacyEvent.poissonSampled(rate: samplingRate, event: .gaussian(noiseMultiplier: noiseMultiplier))
        let accountant = try RDPAccountant(orders: orders)
        let curve = try accountant.curve(of: step)
        func epsilon(_ count: Int) -> Double {
            RDPConversion.tight.epsilon(orders: orders, rdp: curve.map { $0 * Double(count) }, delta: delta).epsilon
        }
        if epsilon(1) > targetEpsilon { return (0, 0) }
        var low = 1, high = 2
        while high <= maximumSteps && epsilon(high) <= targetEpsilon {
            low = high
            high *= 2
        }
        if high > maximumSteps { return (low, epsilon(low)) }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if epsilon(middle) <= targetEpsilon { low = middle } else { high = middle }
        }
        return (low, epsilon(low))
    }

    /// The smallest σ in [10⁻⁶, 10⁶] with ε(σ) ≤ `targetEpsilon`, to ``epsilonTolerance`` in ε,
    /// and its guarantee: bracketed by doubling and halving, then bisected (ε decreases in σ).
    /// Shared by the RDP and the accountant-generic calibrations.
    ///
    /// - Throws: ``PrivacyAccountingError/calibrationFailed(reason:)`` if no σ in range gives an
    ///   ε within the tolerance, or what `epsilon` throws.
    static func bisectNoiseMultiplier(
        targetEpsilon: Double, _ epsilon: (Double) throws -> PrivacyGuarantee
    ) throws -> (sigma: Double, guarantee: PrivacyGuarantee) {
        // Bracket: ε(low) > target ≥ ε(high).
        var high = 1.0
        var atHigh = try epsilon(high)
        while atHigh.epsilon > targetEpsilon {
            high *= 2
            guard high <= 1e6 else {
                throw PrivacyAccountingError.calibrationFailed(reason: "ε stays above \(targetEpsilon) for every noise multiplier up to 1e6")
            }
            atHigh = try epsilon(high)
        }
        var low = high / 2
        while try epsilon(low).epsilon <= targetEpsilon {
            high = low
            low /= 2
            guard low >= 1e-6 else {
                throw PrivacyAccountingError.calibrationFailed(
                    reason: "ε stays below \(targetEpsilon) for every noise multiplier down to 1e-6; the target is too loose to calibrate")
            }
        }
        atHigh = try epsilon(high)
        while atHigh.epsilon < targetEpsilon * (1 - epsilonTolerance) && (high - low) > 1e-12 * high {
            let middle = 0.5 * (low + high)
            let atMiddle = try epsilon(middle)
            if atMiddle.epsilon <= targetEpsilon {
                high = middle
                atHigh = atMiddle
            } else {
                low = middle
            }
        }
        guard atHigh.epsilon >= targetEpsilon * (1 - epsilonTolerance) else {
            // Only when ε underflows or jumps at the limits of double precision.
            throw PrivacyAccountingError.calibrationFailed(
                reason: "ε cannot be brought within \(epsilonTolerance) of \(targetEpsilon) (closest: \(atHigh.epsilon) at σ = \(high))")
        }
        return (high, atHigh)
    }

    private static func validate(targetEpsilon: Double, delta: Double) throws {
        guard targetEpsilon.isFinite, targetEpsilon > 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "target_epsilon", reason: "must be finite and > 0, got \(targetEpsilon)")
        }
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "delta", reason: "must be in (0, 1), got \(delta)")
        }
    }
}
