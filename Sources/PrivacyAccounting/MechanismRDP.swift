import Foundation

/// Closed-form RDP curves of the basic mechanisms (all at orders α > 1).
enum MechanismRDP {
    /// The Laplace mechanism with ε = sensitivity/scale (Mironov 2017, Prop. 6):
    /// ε + log(1 + (α−1)(e^{(1−2α)ε} − 1)/(2α−1))/(α−1), tight; with the same Taylor
    /// branch as dp_accounting 0.6.0 for α < 1.1.
    static func laplace(epsilon eps: Double, order a: Double) -> Double {
        if a < 1.1 {
            let c = expm1(eps * (1 - 2 * a)) / (2 * a - 1)
            let v = -c * (a - 1)
            var sum = 0.0, power = 1.0
            for k in 1..<100 {
                sum += power / Double(k)
                power *= v
            }
            return eps + c * sum
        }
        return eps + log1p((a - 1) * expm1(eps * (1 - 2 * a)) / (2 * a - 1)) / (a - 1)
    }

    /// The discrete Laplace P(k) ∝ e^{−|k|/b} against its shift by the integer s ≥ 1, exact:
    /// D_α = (log Σ_k P(k)^α P(k − s)^{1−α}) / (α − 1). The sum splits into k ≤ 0, 0 < k < s and
    /// k ≥ s, each a geometric series; with x = e^{−1/b} and Z = (1 + x)/(1 − x) it is
    /// [e^{(α−1)s/b}(1 + (1 − x)·r(1 − r^{s−1})/(1 − r)) + e^{−αs/b}] / ((1 − x)Z),
    /// r = e^{−(2α−1)/b}, evaluated in log space. For s = 1 this is binary randomized response
    /// with ε = 1/b (at α = 2, b = 2: 0.22735, against the continuous Laplace's 0.20027).
    /// Capped by the pure-DP bound s/b, which it approaches as α grows.
    static func discreteLaplace(scale b: Double, shift s: Double, order a: Double) -> Double {
        let pure = s / b
        let logOneMinusX = log(-expm1(-1 / b))
        let logZ = log1p(exp(-1 / b)) - logOneMinusX
        var terms = [(a - 1) * s / b - logOneMinusX, -a * s / b - logOneMinusX]
        if s >= 2 {
            let logR = -(2 * a - 1) / b
            // log[r(1 − r^{s−1})/(1 − r)], with expm1 keeping 1 − r accurate when r ≈ 1.
            let middle = logR + log(-expm1((s - 1) * logR)) - log(-expm1(logR))
            terms.append((a - 1) * s / b + middle)
        }
        let total = terms.dropFirst().reduce(terms[0]) { LogSpace.add($0, $1) }
        return max(0, min(pure, (total - logZ) / (a - 1)))
    }

    /// The Skellam mechanism, Poisson(μ) − Poisson(μ) per coordinate (variance V = 2μ), shifted
    /// by an integer vector of ℓ1 norm ≤ Δ₁ and ℓ2 norm ≤ Δ₂: Agarwal–Kairouz–Liu 2021 Thm. 3.5,
    /// as google-research/federated `distributed_dp/accounting_utils._skellam_rdp` (scale 1):
    /// ε(α) ≤ αΔ₂²/(2V) + min(((2α − 1)Δ₂² + 6Δ₁)/(4V²), 3Δ₁/(2V)) at integer α > 1.
    /// Rényi divergences are non-decreasing in α, so a fractional order takes the bound at ⌈α⌉.
    static func skellam(mu: Double, l1Sensitivity l1: Double, l2Sensitivity l2: Double, order: Double) -> Double {
        let a = order.rounded(.up)
        let variance = 2 * mu
        let gaussianPart = a * l2 * l2 / (2 * variance)
        let surcharge = min(((2 * a - 1) * l2 * l2 + 6 * l1) / (4 * variance * variance), 3 * l1 / (2 * variance))
        return gaussianPart + surcharge
    }

    /// k-ary randomized response, "replace with a special value" relation (dp_accounting 0.6.0):
    /// max over the two directions of log((k(1−p)+p)^x/k + (k−1)p^x/k)/(α−1), x ∈ {α, 1−α}.
    static func randomizedResponseReplaceSpecial(p: Double, k: Int, order a: Double) -> Double {
        if k == 1 || p == 1 { return 0 }
        if p == 0 { return .infinity }
        let kk = Double(k)
        let log1 = log(kk * (1 - p) + p)
        let log2 = log(p)
        func bound(_ x: Double) -> Double {
            LogSpace.add(x * log1 - log(kk), x * log2 + log1p(-1 / kk))
        }
        return max(bound(a), bound(1 - a)) / (a - 1)
    }

    /// k-ary randomized response, "replace one" relation (dp_accounting 0.6.0): the Rényi
    /// divergence between the output distributions of two different inputs.
    static func randomizedResponseReplaceOne(p: Double, k: Int, order a: Double) -> Double {
        if k == 1 || p == 1 { return 0 }
        if p == 0 { return .infinity }
        let kk = Double(k)
        let log1 = log(kk / p - kk + 1)
        var total = LogSpace.add(a * log1 + log(p / kk), -a * log1 + log(1 - p + p / kk))
        let rest = (1 - 2 / kk) * p
        if rest > 0 { total = LogSpace.add(total, log(rest)) }
        return total / (a - 1)
    }
}

/// The Gaussian mechanism on a uniformly random fixed-size subset ("replace one"), by
/// Theorem 27 of Wang, Balle, Kasiviswanathan 2019 exactly as dp_accounting 0.6.0 computes
/// it: exact bound for integer α ≤ 256, the simplified (looser) bound above, and linear
/// interpolation of the cumulant generating function between integers (their Corollary 10).
enum SampledWithoutReplacementGaussian {
    static func rdp(q: Double, sigma: Double, order alpha: Double) -> Double {
        if q == 0 { return 0 }
        if q == 1 { return alpha / (2 * sigma * sigma) }
        if alpha.rounded() == alpha { return logAInteger(q: q, sigma: sigma, alpha: Int(alpha)) / (alpha - 1) }
        let lower = alpha.rounded(.down), upper = alpha.rounded(.up)
        let x = logAInteger(q: q, sigma: sigma, alpha: Int(lower))
        let y = logAInteger(q: q, sigma: sigma, alpha: Int(upper))
        let t = alpha - lower
        return ((1 - t) * x + t * y) / (alpha - 1)
    }

    static func logAInteger(q: Double, sigma: Double, alpha: Int) -> Double {
        if alpha <= 1 { return 0 }
        let maxExactAlpha = 256
        func cgf(_ x: Double) -> Double { x * (x + 1) / (2 * sigma * sigma) }
        func gaussianRDP(_ x: Double) -> Double { x / (2 * sigma * sigma) }
        let logQ = log(q)
        let logF2m1 = gaussianRDP(2) + log1p(-exp(-gaussianRDP(2)))
        let secondTerm = 2 * logQ + LogSpace.logBinomial(alpha, 2)
            + min(log(4.0) + logF2m1, gaussianRDP(2) + log(2.0))
        var logA = LogSpace.add(0, secondTerm)
        if alpha <= maxExactAlpha {
            let deltas = forwardDifferences(cgf, alpha)
            if alpha >= 3 {
                for i in 3...alpha {
                    let lo = deltas[2 * (i / 2) - 1]
                    let hi = deltas[2 * ((i + 1) / 2) - 1]
                    var s = log(4.0) + 0.5 * (lo + hi)
                    s = min(s, log(2.0) + cgf(Double(i - 1)))
                    s += Double(i) * logQ + LogSpace.logBinomial(alpha, i)
                    logA = LogSpace.add(logA, s)
                }
            }
        } else {
            for i in 3...alpha {
                let s = log(2.0) + cgf(Double(i - 1)) + Double(i) * logQ + LogSpace.logBinomial(alpha, i)
                logA = LogSpace.add(logA, s)
            }
        }
        return logA
    }

    /// log |Δ^i exp(f)(0)| for i = 0…n+1 (forward differences, signs tracked), as in
    /// dp_accounting's `_get_forward_diffs`.
    static func forwardDifferences(_ f: (Double) -> Double, _ n: Int) -> [Double] {
        var values = [Double](repeating: 0, count: n + 3)
        var signs = [Bool](repeating: true, count: n + 3)
        var deltas = [Double](repeating: 0, count: n + 2)
        for i in 1..<(n + 3) { values[i] = f(Double(i - 1)) }
        for i in 0..<(n + 2) {
            let m = n + 2 - i
            for j in 0..<m {
                if signs[j] == signs[j + 1] {
                    let (s, magnitude) = logSubtractWithSign(values[j + 1], values[j])
                    values[j] = magnitude
                    signs[j] = signs[j + 1] ? s : !s
                } else {
                    values[j] = LogSpace.add(values[j], values[j + 1])
                    signs[j] = signs[j + 1]
                }
            }
            deltas[i] = values[0]
        }
        return deltas
    }

    /// (sign, log|e^x − e^y|).
    static func logSubtractWithSign(_ x: Double, _ y: Double) -> (Bool, Double) {
        if x > y { return (true, x + log1p(-exp(y - x))) }
        if x < y { return (false, y + log1p(-exp(x - y))) }
        return (true, -.infinity)
    }
}
