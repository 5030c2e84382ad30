import Foundation

/// Numerically stable arithmetic on logarithms of non-negative numbers.
enum LogSpace {
    /// log(e^a + e^b).
    @inline(__always)
    static func add(_ a: Double, _ b: Double) -> Double {
        let (lo, hi) = a < b ? (a, b) : (b, a)
        if lo == -.infinity { return hi }
        return hi + log1p(exp(lo - hi))
    }

    /// log(erfc(x)), accurate in relative terms for all x, including x far beyond the
    /// point where erfc(x) underflows (about 26.5).
    static func logErfc(_ x: Double) -> Double {
        if x < 20 { return log(erfc(x)) }
        // Asymptotic series erfc(x) = e^{-x²}/(x√π) · Σ_k (−1)^k (2k−1)!! / (2x²)^k. At x ≥ 20 the
        // k-th term is below (2k−1)!!/800^k, so eight terms leave an error under 1e-17.
        let y = 1 / (2 * x * x)
        var term = 1.0, sum = 1.0
        for k in 1...8 {
            term *= -Double(2 * k - 1) * y
            sum += term
        }
        return -x * x - log(x) - 0.5 * log(Double.pi) + log(sum)
    }

    /// log(n!) for n ≥ 0, from a table up to ``tableSize`` and `lgamma` beyond.
    @inline(__always)
    static func logFactorial(_ n: Int) -> Double {
        n < tableSize ? logFactorialTable[n] : lgamma(Double(n) + 1)
    }

    /// log of the binomial coefficient C(n, k) for integers 0 ≤ k ≤ n.
    @inline(__always)
    static func logBinomial(_ n: Int, _ k: Int) -> Double {
        logFactorial(n) - logFactorial(k) - logFactorial(n - k)
    }

    /// log(n) for n ≥ 1, from a table for small n.
    @inline(__always)
    static func logInteger(_ n: Int) -> Double {
        n < tableSize ? logIntegerTable[n] : log(Double(n))
    }

    static let logIntegerTable: [Double] = (0..<tableSize).map { $0 == 0 ? -.infinity : log(Double($0)) }

    static let tableSize = 2049
    /// From `lgamma` (correctly rounded to about an ulp), not from running sums of logarithms,
    /// whose rounding errors would accumulate.
    static let logFactorialTable: [Double] = (0..<tableSize).map { lgamma(Double($0) + 1) }
}
