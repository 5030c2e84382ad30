import Foundation

/// Shared goodness-of-fit statistics for the seeded sampler tests.
///
/// Chi-square: bins are the integers with expected count ≥ 20, the two tails pooled into
/// one bin when it expects ≥ 5. The threshold is the chi-square quantile at 1 − 1e-5
/// (Wilson–Hilferty, accurate to well under 1% for df ≥ 3) plus a margin of 5, so a
/// correct sampler fails with probability below 1e-5 < 1e-4 per test.
/// Kolmogorov–Smirnov: the asymptotic critical value sqrt(ln(2/α)/(2n)) at α = 1e-5.
enum GoodnessOfFit {
    static func chiSquare(counts: [Int64: Int], total: Int, mass: (Int64) -> Double, center: Int64 = 0) -> (statistic: Double, threshold: Double) {
        let n = Double(total)
        var low = center, high = center
        while mass(low - 1) * n >= 20 { low -= 1 }
        while mass(high + 1) * n >= 20 { high += 1 }
        var stat = 0.0, inside = 0.0, observedInside = 0
        for k in low...high {
            let e = mass(k) * n
            inside += mass(k)
            let o = counts[k] ?? 0
            observedInside += o
            stat += (Double(o) - e) * (Double(o) - e) / e
        }
        var df = Double(high - low)
        let tailExpected = max(1 - inside, 0) * n
        if tailExpected >= 5 {
            let tailObserved = Double(total - observedInside)
            stat += (tailObserved - tailExpected) * (tailObserved - tailExpected) / tailExpected
            df += 1
        }
        return (stat, chiSquareQuantile(df: max(df, 1)) + 5)
    }

    static func chiSquare(samples: [Int64], mass: (Int64) -> Double, center: Int64 = 0) -> (statistic: Double, threshold: Double) {
        var counts: [Int64: Int] = [:]
        for s in samples { counts[s, default: 0] += 1 }
        return chiSquare(counts: counts, total: samples.count, mass: mass, center: center)
    }

    /// The 1 − 1e-5 quantile of chi-square with `df` degrees of freedom (Wilson–Hilferty).
    static func chiSquareQuantile(df: Double) -> Double {
        let z = 4.265
        return df * pow(1 - 2 / (9 * df) + z * (2 / (9 * df)).squareRoot(), 3)
    }

    /// The KS statistic sup |F_n − F| of `samples` against `cdf`, and the 1e-5 critical value.
    static func kolmogorovSmirnov(samples: [Double], cdf: (Double) -> Double) -> (statistic: Double, threshold: Double) {
        let sorted = samples.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, Double(i + 1) / n - f, f - Double(i) / n)
        }
        return (d, (log(2 / 1e-5) / (2 * n)).squareRoot())
    }

    /// Poisson(λ) mass by the recurrence p(k) = p(k−1)·λ/k in log space.
    static func poissonMass(rate: Double) -> (Int64) -> Double {
        { k in k < 0 ? 0 : exp(-rate + Double(k) * log(rate) - lgamma(Double(k) + 1)) }
    }

    /// Skellam(μ₁, μ₂) mass by convolving the two Poisson masses.
    static func skellamMass(_ mu1: Double, _ mu2: Double) -> (Int64) -> Double {
        let p1 = poissonMass(rate: mu1), p2 = poissonMass(rate: mu2)
        let reach = Int64(max(mu1, mu2) + 40 * max(mu1, mu2).squareRoot() + 40)
        return { k in
            var sum = 0.0
            for m in max(0, -k)...reach { sum += p1(m + k) * p2(m) }
            return sum
        }
    }
}
