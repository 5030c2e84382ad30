import Foundation

/// Rényi DP of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar, Zhang 2019,
/// "Rényi Differential Privacy of the Sampled Gaussian Mechanism", §3), in log space.
///
/// With μ₀ = N(0, σ²), μ₁ = N(1, σ²) and μ = (1 − q)μ₀ + qμ₁, the RDP at order α is
/// log(A_α)/(α − 1) with A_α = E_{z∼μ₀}[(μ(z)/μ₀(z))^α].
///
/// * Integer α: A_α = Σ_{i=0}^{α} C(α,i) q^i (1−q)^{α−i} e^{(i²−i)/(2σ²)}, a finite sum of
///   positive terms, summed as Σ e^{xᵢ − max} (two passes, no per-term logarithm).
/// * Fractional α: the integral is split at z₀ = σ² log(1/q − 1) + ½ and each half is
///   expanded in a binomial series, giving Σᵢ C(α,i)(s₀ᵢ + s₁ᵢ) with
///   s₀ᵢ = q^i (1−q)^{α−i} e^{(i²−i)/(2σ²)} · ½erfc((i−z₀)/(√2σ)) and the mirror term s₁ᵢ
///   (j = α − i in place of i, q and 1 − q swapped, erfc((z₀−j)/(√2σ))).
///
/// The fractional series keeps the SIGNS of C(α, i) (negative for every other i > α), as in
/// the paper and in TF Privacy's original implementation. dp_accounting 0.6.0 sums |C(α,i)|
/// instead, which
/// is a valid but looser upper bound, and its terms then decay only polynomially (like
/// i^{−α−2} once i > z₀, because the Gaussian factors cancel exactly), so at q = 0.1, σ ≤ 1 it
/// needs more than its 1,000-term cap and drops the order.
///
/// Why our signed series always converges, with a rigorous error bound: for i ≥ ⌈α⌉,
/// |C(α,i)| is strictly decreasing ((i−α)/(i+1) < 1), and both s₀ᵢ and s₁ᵢ are
/// non-increasing in i (their log-derivatives are ≤ 0 by the Mills-ratio bound
/// e^{−x²}/erfc(x) ≥ x√π, the Gaussian factors cancelling exactly at z₀). So past ⌈α⌉ the
/// series alternates with decreasing terms: consecutive partial sums bracket A_α, and the
/// truncation error is below the first omitted term. We stop as soon as that rigorous bracket
/// is narrow enough; when the terms decay slowly (polynomially) we instead accelerate the
/// alternating tail with the Euler transform (up to ten iterated pairwise averages of the
/// partial sums, kept incrementally), stop when the accelerated value moves by less than the
/// tolerance (1e-13 relative on log A_α), and clamp the result into the rigorous bracket. If neither happens within ``maximumTerms`` the upper end of the bracket is
/// returned: a sound upper bound, never a dropped order.
///
/// When A_α is within ~1e-12 of 1 (tiny q or huge σ), no sum of terms adding up to ≈ 1 can
/// resolve log A_α; integer orders then sum A_α − 1 directly (positive terms only), and
/// fractional orders use the convex-interpolation upper bound between integer neighbours.
enum SubsampledGaussian {
    /// Hard cap on series terms for one fractional order.
    static let maximumTerms = 100_000

    /// Per-(q, σ) constants shared by every order.
    struct Parameters {
        let q: Double
        let sigma: Double
        let logQ: Double
        let log1mQ: Double
        let halfInverseVariance: Double  // 1 / (2σ²)
        let erfcScale: Double  // 1 / (√2 σ)
        let z0: Double

        init(q: Double, sigma: Double) {
            self.q = q
            self.sigma = sigma
            logQ = log(q)
            log1mQ = log1p(-q)
            halfInverseVariance = 1 / (2 * sigma * sigma)
            erfcScale = 1 / (2.0.squareRoot() * sigma)
            z0 = sigma * sigma * (log1p(-q) - log(q)) + 0.5
        }
    }

    /// RDP at each order, for 0 ≤ q ≤ 1 and σ > 0 (validated by the caller).
    static func rdp(q: Double, sigma: Double, orders: [Double], into result: inout [Double], scale: Double) {
        if q == 0 { return }
        if q == 1 {
            for k in orders.indices { result[k] += scale * orders[k] / (2 * sigma * sigma) }
            return
        }
        let p = Parameters(q: q, sigma: sigma)
        for k in orders.indices {
            let alpha = orders[k]
            let logA = alpha.rounded() == alpha ? logAInteger(p, alpha: Int(alpha)) : logAFractional(p, alpha: alpha)
            result[k] += scale * (logA / (alpha - 1))
        }
    }

    /// Below these, log A_α is computed without cancellation (integer α) or bounded from the
    /// integer orders (fractional α): A_α = 1 + O(q²), and a plain sum of terms adding up to
    /// ≈ 1 resolves log A_α only to a few multiples of 1e-16 absolute — a relative error that
    /// grows as log A_α shrinks and can fall on the optimistic side (1.4e-5 of ε after 10^12
    /// steps at q = 9e-8). The integer-order series without cancellation costs about as much
    /// as the plain one, so it takes over early (relative error then below 1e-12). The
    /// fractional bound is loose near α = 1 (convexity between α = 1 and 2), so it takes over
    /// only where the series has no significant digits left; in between, fractional orders
    /// carry a relative rounding error of at most about 1e-4, and the optimal order at such
    /// rates is an integer one.
    static let smallIntegerLogA = 1e-3
    static let tinyFractionalLogA = 1e-12

    /// log(A_α) for integer α ≥ 1.
    static func logAInteger(_ p: Parameters, alpha: Int) -> Double {
        let logFactorialAlpha = LogSpace.logFactorial(alpha)
        let count = alpha + 1
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: count) { x in
            var maximum = -Double.infinity
            for i in 0...alpha {
                let fi = Double(i)
                let value = logFactorialAlpha - LogSpace.logFactorial(i) - LogSpace.logFactorial(alpha - i)
                    + fi * p.logQ + Double(alpha - i) * p.log1mQ + (fi * fi - fi) * p.halfInverseVariance
                x[i] = value
                if value > maximum { maximum = value }
            }
            var sum = 0.0
            // Terms 40 nats below the largest cannot change the sum in double precision.
            let cutoff = maximum - 40
            for i in 0..<count where x[i] > cutoff { sum += exp(x[i] - maximum) }
            let logA = maximum + log(sum)
            return logA < smallIntegerLogA ? logAIntegerMinusOne(p, alpha: alpha) : logA
        }
    }

    /// log(A_α) for integer α from A_α − 1 = Σ_{i≥2} C(α,i) q^i (1−q)^{α−i} expm1((i²−i)/(2σ²)):
    /// the binomial weights sum to 1 and the i = 0, 1 terms have exponent 0, so subtracting 1
    /// leaves only positive terms — no cancellation when A_α is within rounding of 1.
    static func logAIntegerMinusOne(_ p: Parameters, alpha: Int) -> Double {
        guard alpha >= 2 else { return 0 }
        var logAMinusOne = -Double.infinity
        let logFactorialAlpha = LogSpace.logFactorial(alpha)
        for i in 2...alpha {
            let fi = Double(i)
            let exponent = (fi * fi - fi) * p.halfInverseVariance
            let logExpm1 = exponent > 30 ? exponent : log(expm1(exponent))
            let term = logFactorialAlpha - LogSpace.logFactorial(i) - LogSpace.logFactorial(alpha - i)
                + fi * p.logQ + Double(alpha - i) * p.log1mQ + logExpm1
            logAMinusOne = LogSpace.add(logAMinusOne, term)
        }
        return logAMinusOne < 0 ? log1p(exp(logAMinusOne)) : LogSpace.add(0, logAMinusOne)
    }

    /// log(A_α) for fractional α > 1 by the signed series (see the type's documentation).
    static func logAFractional(_ p: Parameters, alpha: Double) -> Double {
        let firstAlternating = Int(alpha.rounded(.up))
        // The largest term has index ≤ ⌈α⌉ (the magnitudes decrease after it). Its scale is
        // taken from upper bounds on the head terms (½erfc(x) ≤ min(1, e^{−x²})), within a few
        // nats of the true maximum: every term is then a multiple of e^{reference} no larger than
        // 1, so nothing overflows, and the largest is not far below 1, so nothing is lost.
        var logBinomial = 0.0
        var sign = 1.0
        let headCount = firstAlternating + 1
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 5 * headCount) { head in
            var reference = -Double.infinity
            for i in 0..<headCount {
                let (log0, x0, log1, x1) = logFactors(p, alpha: alpha, i: i, logBinomial: logBinomial)
                head[5 * i] = sign
                head[5 * i + 1] = log0
                head[5 * i + 2] = x0
                head[5 * i + 3] = log1
                head[5 * i + 4] = x1
                reference = max(reference, log0 - (x0 > 0 ? x0 * x0 : 0), log1 - (x1 > 0 ? x1 * x1 : 0))
                advanceBinomial(alpha: alpha, i: i, logBinomial: &logBinomial, sign: &sign)
            }
            var sum = 0.0
            for i in 0..<headCount {
                sum += head[5 * i] * (halfErfcTimesExp(head[5 * i + 1] - reference, head[5 * i + 2])
                    + halfErfcTimesExp(head[5 * i + 3] - reference, head[5 * i + 4]))
            }
            let logA = reference + log(tail(p, alpha: alpha, start: headCount, headSum: sum, reference: reference,
                                            logBinomial: logBinomial, sign: sign))
            guard logA < tinyFractionalLogA else { return logA }
            // Rounding dominates here. log A_α is convex in α (a log-moment generating
            // function) and 0 at α = 1, so interpolating between the neighbouring integer
            // orders (computed without cancellation) bounds it from above, as Wang–Balle–
            // Kasiviswanathan's Corollary 10 does for sampling without replacement.
            let lower = alpha.rounded(.down), t = alpha - lower
            let atLower = lower <= 1 ? 0 : logAIntegerMinusOne(p, alpha: Int(lower))
            return (1 - t) * atLower + t * logAIntegerMinusOne(p, alpha: Int(lower) + 1)
        }
    }

    /// Adds the alternating tail i ≥ `start` to `headSum` (in units of e^{reference}).
    static func tail(
        _ p: Parameters, alpha: Double, start: Int, headSum: Double, reference: Double, logBinomial: Double, sign: Double
    ) -> Double {
        // C(α, i) in linear form from here on (|C(α, i)| ≤ C(α, ⌈α⌉) and decreasing), so the
        // tail needs no logarithm per term.
        var binomial = sign * exp(logBinomial)
        var sum = headSum
        var previousSum = sum
        // The tail is small next to the head (A_α ≥ 1 and the terms decrease), so the head fixes
        // the tolerance.
        let tolerance = convergenceTolerance(sum: headSum, reference: reference)
        // Euler transform of the alternating tail, kept incrementally (van Wijngaarden):
        // diagonal[k] is the k-fold pairwise average ending at the newest partial sum,
        // 2^{−k} Σ_m C(k, m) S_{n−m}; at most 10 averagings.
        let levels = 10
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: levels + 1) { diagonal in
            diagonal.initialize(repeating: 0)
            var stored = 0
            var previousAccelerated = Double.nan
            var i = start
            while i < maximumTerms {
                let (log0, x0, log1, x1) = logFactors(p, alpha: alpha, i: i, logBinomial: 0)
                let magnitude = abs(binomial) * (halfErfcTimesExp(log0 - reference, x0) + halfErfcTimesExp(log1 - reference, x1))
                previousSum = sum
                sum += binomial < 0 ? -magnitude : magnitude
                // Alternating, decreasing tail: A_α lies between the last two partial sums.
                if magnitude <= tolerance { return max(sum, previousSum) }
                let top = min(stored, levels)
                var older = diagonal[0]
                diagonal[0] = sum
                if top >= 1 {
                    for k in 1...top {
                        let previous = diagonal[k]
                        diagonal[k] = 0.5 * (older + diagonal[k - 1])
                        older = previous
                    }
                }
                stored += 1
                if stored >= 4 {
                    let accelerated = diagonal[top]
                    if abs(accelerated - previousAccelerated) <= tolerance {
                        return min(max(accelerated, min(sum, previousSum)), max(sum, previousSum))
                    }
                    previousAccelerated = accelerated
                }
                binomial *= (alpha - Double(i)) / Double(i + 1)
                i += 1
            }
            return max(sum, previousSum)
        }
    }

    /// The logarithms of the Gaussian-and-binomial factors of s₀ᵢ and s₁ᵢ (without ½erfc) and
    /// the erfc arguments.
    @inline(__always)
    static func logFactors(_ p: Parameters, alpha: Double, i: Int, logBinomial: Double) -> (Double, Double, Double, Double) {
        let fi = Double(i)
        let j = alpha - fi
        let log0 = logBinomial + fi * p.logQ + j * p.log1mQ + (fi * fi - fi) * p.halfInverseVariance
        let log1 = logBinomial + j * p.logQ + fi * p.log1mQ + (j * j - j) * p.halfInverseVariance
        return (log0, (fi - p.z0) * p.erfcScale, log1, (p.z0 - j) * p.erfcScale)
    }

    /// C(α, i+1) = C(α, i) · (α − i)/(i + 1), as log-magnitude and sign.
    @inline(__always)
    static func advanceBinomial(alpha: Double, i: Int, logBinomial: inout Double, sign: inout Double) {
        let factor = alpha - Double(i)
        logBinomial += log(abs(factor)) - LogSpace.logInteger(i + 1)
        if factor < 0 { sign = -sign }
    }

    /// Absolute tolerance (in units of e^{reference}) on A_α: a relative error of 1e-13 on
    /// log A_α (hence on the RDP), but never below a few ulps of the sum itself.
    @inline(__always)
    static func convergenceTolerance(sum: Double, reference: Double) -> Double {
        let logA = reference + log(abs(sum))
        return abs(sum) * max(1e-13 * abs(logA), 4 * Double.ulpOfOne)
    }

    /// e^{logFactor} · ½erfc(x), without overflow of the factor when erfc is tiny.
    @inline(__always)
    static func halfErfcTimesExp(_ logFactor: Double, _ x: Double) -> Double {
        // Direct product while neither factor can overflow or underflow (erfc(26) ≈ 6e-296).
        if x < 26 && logFactor < 700 { return exp(logFactor) * (0.5 * erfc(x)) }
        return exp(logFactor + LogSpace.logErfc(x) - M_LN2)
    }
}
