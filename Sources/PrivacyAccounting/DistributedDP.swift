import Foundation

/// Sensitivity and noise arithmetic of distributed differential privacy under secure
/// aggregation (Kairouz, Liu, Steinke ICML 2021, "DDG"; Agarwal, Kairouz, Liu NeurIPS 2021,
/// Skellam), as google-research/federated `distributed_dp/accounting_utils.py` computes it.
///
/// The pipeline these bounds describe: each client rotates its vector (randomized Hadamard,
/// padded to `dimension`), clips it to L2 norm `c`, scales it by `scale` = 1/γ, rounds it to
/// integers by conditional stochastic rounding (re-rounding until the L2 norm is within
/// ``roundedL2Bound(l2Bound:beta:dimension:)``), adds integer noise and sums modulo 2^b by
/// secure aggregation. All sensitivities here are in that scaled, integer domain.
///
/// **Dropouts.** The sum only carries the noise of the clients that survived. The events'
/// `clients` parameter must therefore be the number of clients whose noise the sum is
/// *guaranteed* to carry — the secure aggregation threshold t, below which the server
/// learns nothing — not the number invited; with t the bound holds whatever drops out.
public enum DistributedDP {
    /// The L2 norm bound after (conditional) stochastic rounding of a vector whose L2 norm
    /// is at most `l2Bound` (already scaled) to the integer grid (Kairouz et al. 2021,
    /// Theorem 1 / Proposition 22, as `rounded_l2_norm_bound`):
    /// min(Δ + √d, √(Δ² + d/4 + √(2 log(1/β))·(Δ + √d/2))), the second only for β > 0.
    ///
    /// - Parameters:
    ///   - l2Bound: The scaled L2 norm bound Δ > 0.
    ///   - beta: The conditional rounding constant β in [0, 1): the probability bound used to
    ///     accept a rounding; 0 means unconditional rounding (bound Δ + √d).
    ///   - dimension: The (padded) dimension d ≥ 1.
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for a bad argument.
    public static func roundedL2Bound(l2Bound: Double, beta: Double, dimension: Int) throws -> Double {
        guard l2Bound.isFinite, l2Bound > 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "l2_bound", reason: "must be finite and > 0, got \(l2Bound)")
        }
        guard beta.isFinite, beta >= 0, beta < 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "beta", reason: "must be in [0, 1), got \(beta)")
        }
        guard dimension >= 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "dimension", reason: "must be at least 1, got \(dimension)")
        }
        let d = Double(dimension)
        let unconditional = l2Bound + d.squareRoot()
        guard beta > 0 else { return unconditional }
        let squared = l2Bound * l2Bound + 0.25 * d + (2 * log(1 / beta)).squareRoot() * (l2Bound + 0.5 * d.squareRoot())
        return min(unconditional, squared.squareRoot())
    }

    /// The L1 bound of an integer vector of L2 norm at most `roundedL2`: ‖x‖₁ ≤ √d‖x‖₂ always,
    /// and ‖x‖₁ ≤ ‖x‖₂² for integer coordinates (|xᵢ| ≤ xᵢ²), as `rounded_l1_norm_bound`.
    public static func roundedL1Bound(roundedL2: Double, dimension: Int) -> Double {
        roundedL2 * min(Double(dimension).squareRoot(), roundedL2)
    }

    /// The τ of Kairouz et al. 2021 Theorem 1 for a sum of `clients` discrete Gaussians of
    /// parameter `localSigma` each: τ = 10 Σ_{k=1}^{n−1} exp(−2π²σ² k/(k+1)). The sum is
    /// within τ (in the RDP sense of Proposition 14) of a discrete Gaussian of variance nσ².
    public static func tau(localSigma: Double, clients: Int) -> Double {
        guard clients > 1 else { return 0 }
        var sum = 0.0
        let a = 2 * Double.pi * Double.pi * localSigma * localSigma
        for k in 1..<clients {
            let term = exp(-a * Double(k) / Double(k + 1))
            sum += term
            // The terms decrease towards exp(−a); once below 1e-300 they add nothing.
            if term == 0 { break }
        }
        return 10 * sum
    }

    /// The RDP of one release of the distributed discrete Gaussian at integer order α > 1
    /// (Kairouz et al. 2021, Proposition 14 / Eq. 17, as `compute_rdp_dgaussian` with q = 1):
    /// with ℓ₂ = Δ₂/(√n σ), ℓ₁ = Δ₁/(√n σ),
    /// min(αℓ₂²/2 + τd, α(ℓ₂² + 2ℓ₁τ + τ²d)/2, α(ℓ₂ + √d τ)²/2).
    static func discreteGaussianRDP(
        localSigma: Double, clients: Int, dimension: Int, l1Sensitivity: Double, l2Sensitivity: Double, tau: Double, order a: Double
    ) -> Double {
        let n = Double(clients)
        let d = Double(dimension)
        let l2 = l2Sensitivity / (n.squareRoot() * localSigma)
        let l1 = l1Sensitivity / (n.squareRoot() * localSigma)
        let term1 = a / 2 * l2 * l2 + tau * d
        let term2 = a / 2 * (l2 * l2 + 2 * l1 * tau + tau * tau * d)
        let shifted = l2 + d.squareRoot() * tau
        let term3 = a / 2 * shifted * shifted
        return min(term1, term2, term3)
    }

    /// The RDP at integer order α ≥ 2 of a mechanism with RDP curve `rdp` (at integer
    /// orders) run on a Poisson sample of rate q: Zhu & Wang (ICML 2019) Theorem 5, the
    /// general upper bound, as `_compute_rdp_subsampled(upper_bound=True)`:
    /// log((1−q)^{α−1}(αq − q + 1) + C(α,2)q²(1−q)^{α−2}e^{ε(2)}
    ///     + 3 Σ_{l=3}^{α} C(α,l)(1−q)^{α−l}q^l e^{(l−1)ε(l)}) / (α − 1),
    /// taken as the minimum with the unsampled ε(α) (sampling never hurts).
    static func poissonSubsampledRDP(order: Int, rate q: Double, rdp: (Int) -> Double) -> Double {
        let unsampled = rdp(order)
        if q >= 1 { return unsampled }
        if q <= 0 { return 0 }
        let a = order
        let logQ = log(q), log1mQ = log1p(-q)
        // The first term (1−q)^{α−1}(αq − q + 1) is positive for q in (0, 1).
        var total = Double(a - 1) * log1mQ + log1p(Double(a - 1) * q)
        total = LogSpace.add(total, rdp(2) + LogSpace.logBinomial(a, 2) + 2 * logQ + Double(a - 2) * log1mQ)
        if a >= 3 {
            let log3 = log(3.0)
            for l in 3...a {
                let term = log3 + Double(l - 1) * rdp(l) + LogSpace.logBinomial(a, l) + Double(a - l) * log1mQ + Double(l) * logQ
                total = LogSpace.add(total, term)
            }
        }
        return min(total / Double(a - 1), unsampled)
    }

    /// The integer order at which a curve defined only at integers is evaluated for a
    /// possibly fractional order: ⌈α⌉ (at least 2). Rényi divergences are non-decreasing in
    /// α, so the bound at ⌈α⌉ is also a bound at α.
    static func integerOrder(_ order: Double) -> Int {
        max(2, Int(order.rounded(.up)))
    }

    /// The RDP curve at `order` of an unsampled distributed event, nil for any other event.
    static func rdp(of event: PrivacyEvent) -> ((Int) -> Double)? {
        switch event {
        case .distributedDiscreteGaussian(let sigma, let clients, let dimension, let l1, let l2):
            let tau = tau(localSigma: sigma, clients: clients)
            return { discreteGaussianRDP(localSigma: sigma, clients: clients, dimension: dimension,
                                         l1Sensitivity: l1, l2Sensitivity: l2, tau: tau, order: Double($0)) }
        case .distributedSkellam(let mu, let clients, let l1, let l2):
            // A sum of t independent Skellam(μ) is Skellam(tμ): the Skellam event's exact
            // arithmetic applies to the sum.
            let total = mu * Double(clients)
            return { MechanismRDP.skellam(mu: total, l1Sensitivity: l1, l2Sensitivity: l2, order: Double($0)) }
        default:
            return nil
        }
    }
}

extension PrivacyEvent {
    /// The distributed discrete Gaussian event of one round, from the pipeline's parameters:
    /// sensitivities are the clip `l2Clip` scaled by `scale` and inflated for conditional
    /// stochastic rounding (``DistributedDP/roundedL2Bound(l2Bound:beta:dimension:)``), and
    /// the L1 bound derived from it (``DistributedDP/roundedL1Bound(roundedL2:dimension:)``).
    ///
    /// - Parameters:
    ///   - l2Clip: The clients' L2 clipping norm c, before scaling (> 0).
    ///   - scale: The scale 1/γ applied before rounding (> 0).
    ///   - beta: The conditional rounding constant β in [0, 1).
    ///   - dimension: The padded dimension d (a power of two for the Hadamard rotation).
    ///   - localSigma: Each client's discrete Gaussian parameter, in grid units (after scaling).
    ///   - minimumClients: The number of clients whose noise the sum is guaranteed to carry:
    ///     the secure aggregation threshold t (see ``DistributedDP``).
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for a bad argument.
    public static func distributedDiscreteGaussian(
        l2Clip: Double, scale: Double, beta: Double, dimension: Int, localSigma: Double, minimumClients: Int
    ) throws -> PrivacyEvent {
        let (l1, l2) = try roundedSensitivities(l2Clip: l2Clip, scale: scale, beta: beta, dimension: dimension)
        let event = PrivacyEvent.distributedDiscreteGaussian(
            localSigma: localSigma, clients: minimumClients, dimension: dimension, l1Sensitivity: l1, l2Sensitivity: l2)
        try event.validate()
        return event
    }

    /// The distributed Skellam event of one round, from the pipeline's parameters (see
    /// ``distributedDiscreteGaussian(l2Clip:scale:beta:dimension:localSigma:minimumClients:)``).
    ///
    /// - Parameters:
    ///   - l2Clip: The clients' L2 clipping norm c, before scaling (> 0).
    ///   - scale: The scale 1/γ applied before rounding (> 0).
    ///   - beta: The conditional rounding constant β in [0, 1).
    ///   - dimension: The padded dimension d.
    ///   - localMu: Each client's Skellam parameter μ in grid units (noise Poisson(μ) − Poisson(μ),
    ///     variance 2μ per coordinate).
    ///   - minimumClients: The secure aggregation threshold t.
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for a bad argument.
    public static func distributedSkellam(
        l2Clip: Double, scale: Double, beta: Double, dimension: Int, localMu: Double, minimumClients: Int
    ) throws -> PrivacyEvent {
        let (l1, l2) = try roundedSensitivities(l2Clip: l2Clip, scale: scale, beta: beta, dimension: dimension)
        let event = PrivacyEvent.distributedSkellam(localMu: localMu, clients: minimumClients, l1Sensitivity: l1, l2Sensitivity: l2)
        try event.validate()
        return event
    }

    private static func roundedSensitivities(l2Clip: Double, scale: Double, beta: Double, dimension: Int) throws -> (Double, Double) {
        guard l2Clip.isFinite, l2Clip > 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "l2_clip", reason: "must be finite and > 0, got \(l2Clip)")
        }
        guard scale.isFinite, scale > 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "scale", reason: "must be finite and > 0, got \(scale)")
        }
        let l2 = try DistributedDP.roundedL2Bound(l2Bound: l2Clip * scale, beta: beta, dimension: dimension)
        return (DistributedDP.roundedL1Bound(roundedL2: l2, dimension: dimension), l2)
    }
}
