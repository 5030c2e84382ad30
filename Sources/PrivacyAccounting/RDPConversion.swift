import Foundation

/// A privacy guarantee read off an RDP curve: (ε, δ) and the order that achieved it.
public struct PrivacyGuarantee: Hashable, Sendable, Codable {
    /// ε (natural-log units).
    public var epsilon: Double
    /// δ.
    public var delta: Double
    /// The Rényi order at which the conversion was tightest (nil when no order applies,
    /// e.g. ε = 0 because nothing was composed).
    public var optimalOrder: Double?
    /// A proven lower bound on the true ε at this δ, when the accountant knows one (the PLD
    /// accountant does: the true ε lies in [epsilonLower, epsilon]); nil otherwise.
    public var epsilonLower: Double? = nil
    /// A proven lower bound on the true δ at this ε, when the accountant knows one; nil otherwise.
    public var deltaLower: Double? = nil

    /// Creates a guarantee.
    ///
    /// - Parameters:
    ///   - epsilon: ε (an upper bound).
    ///   - delta: δ (an upper bound).
    ///   - optimalOrder: The Rényi order that achieved it, if any.
    ///   - epsilonLower: A lower bound on ε, if known.
    ///   - deltaLower: A lower bound on δ, if known.
    public init(epsilon: Double, delta: Double, optimalOrder: Double?, epsilonLower: Double? = nil, deltaLower: Double? = nil) {
        self.epsilon = epsilon
        self.delta = delta
        self.optimalOrder = optimalOrder
        self.epsilonLower = epsilonLower
        self.deltaLower = deltaLower
    }
}

/// How an RDP curve is turned into (ε, δ).
public enum RDPConversion: String, Sendable, Codable, CaseIterable {
    /// The tight conversion (Canonne–Kamath–Steinke 2020 Prop. 12; Balle et al. 2020):
    /// ε = RDP(α) + log(1 − 1/α) − (log δ + log α)/(α − 1), together with the KL bound
    /// δ ≤ √(1 − e^{−RDP}), exactly as dp_accounting 0.6.0's `compute_epsilon`/`compute_delta`
    /// (orders ≤ 1.01 are skipped as numerically unstable there, and so here).
    case tight
    /// The classic moments-accountant conversion (Abadi et al. 2016 Thm. 2; Mironov 2017
    /// Prop. 3): ε = RDP(α) + log(1/δ)/(α − 1). With λ = α − 1 and the log moment
    /// (α − 1)·RDP(α) this is the paper's min_λ (log-moment + log(1/δ))/λ.
    case classic

    /// ε at `delta` (minimized over orders).
    func epsilon(orders: [Double], rdp: [Double], delta: Double) -> PrivacyGuarantee {
        if delta == 0 {
            return rdp.allSatisfy({ $0 == 0 })
                ? PrivacyGuarantee(epsilon: 0, delta: 0, optimalOrder: nil)
                : PrivacyGuarantee(epsilon: .infinity, delta: 0, optimalOrder: nil)
        }
        var best = Double.infinity
        var bestOrder: Double? = nil
        let logDelta = log(delta)
        for k in orders.indices {
            let a = orders[k], r = rdp[k]
            let eps: Double
            switch self {
            case .tight:
                if r < 0 || delta * delta + expm1(-r) > 0 {
                    eps = 0
                } else if a > 1.01 {
                    eps = r + log1p(-1 / a) - (logDelta + log(a)) / (a - 1)
                } else {
                    eps = .infinity
                }
            case .classic:
                eps = a > 1 ? r - logDelta / (a - 1) : .infinity
            }
            // Strict comparison keeps the first minimum, like numpy's argmin.
            if eps < best || bestOrder == nil && !eps.isNaN && eps == best {
                best = eps
                bestOrder = a
            }
        }
        return PrivacyGuarantee(epsilon: max(0, best), delta: delta, optimalOrder: bestOrder)
    }

    /// δ at `epsilon` (minimized over orders).
    func delta(orders: [Double], rdp: [Double], epsilon: Double) -> PrivacyGuarantee {
        var bestLog = Double.infinity
        var bestOrder: Double? = nil
        for k in orders.indices {
            let a = orders[k], r = rdp[k]
            var logDelta: Double
            switch self {
            case .tight:
                logDelta = r <= 0 ? -.infinity : 0.5 * log1p(-exp(-r))
                if a > 1.01 {
                    logDelta = min(logDelta, (a - 1) * (r - epsilon + log1p(-1 / a)) - log(a))
                }
            case .classic:
                logDelta = a > 1 ? (a - 1) * (r - epsilon) : .infinity
            }
            if logDelta < bestLog || bestOrder == nil && !logDelta.isNaN && logDelta == bestLog {
                bestLog = logDelta
                bestOrder = a
            }
        }
        return PrivacyGuarantee(epsilon: epsilon, delta: min(exp(bestLog), 1), optimalOrder: bestOrder)
    }
}
