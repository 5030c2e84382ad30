import Foundation

/// Which of the two privacy loss distributions of a pair of neighbouring data sets:
/// `remove` is the loss of D (with the record) against D′ (without), `add` the reverse.
/// Symmetric mechanisms have the same distribution in both directions.
enum LossDirection: Sendable {
    case remove, add
}

/// The hockey-stick curve δ(ε) of one direction of a mechanism, evaluated exactly on a
/// grid of ε values, together with the loss range outside which at most `tailMass` of
/// the (upper) distribution lies.
protocol HockeyStickCurve {
    /// Losses below `lossRange.lowerBound` or above `lossRange.upperBound` carry at most
    /// `tailMass` in total.
    var lossRange: ClosedRange<Double> { get }
    var tailMass: Double { get }
    /// δ(i·h) for i = lower…upper.
    func deltas(lower: Int, upper: Int, step: Double) -> [Double]
}

extension HockeyStickCurve {
    /// The pessimistic connect-the-dots discretization (Doroshenko, Ghazi, Kamath, Kumar,
    /// Manurangsi 2022, Algorithm 1) on the grid h·ℤ spanning ``lossRange``: the discrete
    /// distribution whose δ(ε) equals the true δ at every grid point and is linear in e^ε
    /// between them. δ is convex in e^ε, so the chord lies above it: an upper bound, and
    /// the PLD of a pair dominating the mechanism's, so compositions stay upper bounds.
    /// Mass below the range lands on its lowest point, mass above it on +∞.
    func connectTheDots(step h: Double) -> PrivacyLossPMF {
        let lower = Int((lossRange.lowerBound / h).rounded(.down))
        let upper = max(lower, Int((lossRange.upperBound / h).rounded(.up)))
        var d = deltas(lower: lower, upper: upper, step: h)
        // δ is non-increasing; rounding in its evaluation must not make a mass negative.
        for i in d.indices {
            d[i] = min(max(d[i], 0), 1)
            if i > 0 { d[i] = min(d[i], d[i - 1]) }
        }
        let n = d.count
        var p = [Double](repeating: 0, count: n)
        if n == 1 {
            p[0] = 1 - d[0]
        } else {
            let up = expm1(h), down = expm1(-h), eh = exp(h)
            p[0] = (1 - d[0]) + (d[1] - d[0]) / up
            if n > 2 {
                for i in 1..<(n - 1) {
                    p[i] = ((d[i + 1] - d[i]) - eh * (d[i] - d[i - 1])) / up
                }
            }
            p[n - 1] = (d[n - 1] - d[n - 2]) / down
        }
        var pmf = PrivacyLossPMF(step: h, lowerIndex: lower, probabilities: p, infinityMass: d[n - 1])
        pmf.clampNegative()
        return pmf
    }
}

/// Additive noise (Gaussian or Laplace) on a query of sensitivity Δ, optionally on a
/// Poisson sample with rate q, as in dp_accounting's `AdditiveNoisePrivacyLoss`:
/// remove: P = (1−q)μ + qμ(·+Δ) against Q = μ; add: P = μ against Q = (1−q)μ + qμ(·−Δ).
/// The loss is monotone in the output, so δ(ε) = P(A) − e^ε Q(A) for a half-line A whose
/// end point comes from inverting the loss: closed forms in the noise CDF.
struct AdditiveNoiseCurve: HockeyStickCurve {
    enum Noise {
        case gaussian(sigma: Double)
        case laplace(scale: Double)
    }

    let noise: Noise
    let sensitivity: Double
    let samplingRate: Double
    let direction: LossDirection
    let lossRange: ClosedRange<Double>
    let tailMass: Double

    /// Truncation of the Gaussian's output range: P(|Y| > zσ) ≤ e^{−z²/2} = e^{−50} per side.
    static let gaussianTailZ = 10.0

    init(noise: Noise, sensitivity: Double, samplingRate: Double, direction: LossDirection) {
        self.noise = noise
        self.sensitivity = sensitivity
        self.samplingRate = samplingRate
        self.direction = direction
        let yLow: Double, yHigh: Double, tail: Double
        switch noise {
        case .gaussian(let sigma):
            yHigh = Self.gaussianTailZ * sigma
            yLow = -Self.gaussianTailZ * sigma - sensitivity
            tail = 2 * exp(-Self.gaussianTailZ * Self.gaussianTailZ / 2)
        case .laplace(let b):
            // The loss is constant beyond [−Δ, 0]: the range is exact.
            yHigh = b
            yLow = -sensitivity - b
            tail = 0
        }
        let high = Self.outerLoss(noise, sensitivity, samplingRate, yLow)
        let low = Self.outerLoss(noise, sensitivity, samplingRate, yHigh)
        switch direction {
        case .remove: lossRange = low...high
        case .add: lossRange = (-high)...(-low)
        }
        tailMass = tail
    }

    /// log(μ(y + Δ)/μ(y)), non-increasing in y.
    private static func logRatio(_ noise: Noise, _ delta: Double, _ y: Double) -> Double {
        switch noise {
        case .gaussian(let s): -(2 * y * delta + delta * delta) / (2 * s * s)
        case .laplace(let b): (abs(y) - abs(y + delta)) / b
        }
    }

    /// ℓ(y) = log(1 − q + q·μ(y + Δ)/μ(y)): the remove-direction loss at output y.
    private static func outerLoss(_ noise: Noise, _ delta: Double, _ q: Double, _ y: Double) -> Double {
        let r = logRatio(noise, delta, y)
        if q == 1 { return r }
        if r > 0 { return r + log(q + (1 - q) * exp(-r)) }
        return log1p(q * expm1(r))
    }

    /// Noise CDF P(Y ≤ y) and survival P(Y > y), each accurate in its own tail.
    @inline(__always)
    private func cdf(_ y: Double) -> Double {
        switch noise {
        case .gaussian(let s): 0.5 * erfc(-y / (s * 2.0.squareRoot()))
        case .laplace(let b): y < 0 ? 0.5 * exp(y / b) : 1 - 0.5 * exp(-y / b)
        }
    }

    @inline(__always)
    private func survival(_ y: Double) -> Double {
        switch noise {
        case .gaussian(let s): 0.5 * erfc(y / (s * 2.0.squareRoot()))
        case .laplace(let b): y > 0 ? 0.5 * exp(-y / b) : 1 - 0.5 * exp(y / b)
        }
    }

    /// sup{y : ℓ(y) > v}: +∞ when ℓ > v everywhere, −∞ when nowhere.
    private func threshold(_ v: Double) -> Double {
        let q = samplingRate, delta = sensitivity
        let r: Double
        if q == 1 {
            r = v
        } else {
            // e^v = 1 − q + q·e^r ⇒ r = log((e^v − 1 + q)/q); none when e^v ≤ 1 − q.
            let numerator = expm1(v) + q
            guard numerator > 0 else { return .infinity }
            r = v > 1 ? v + log1p(-(1 - q) * exp(-v)) - log(q) : log(numerator) - log(q)
        }
        switch noise {
        case .gaussian(let s):
            return -(2 * s * s * r + delta * delta) / (2 * delta)
        case .laplace(let b):
            let top = delta / b
            if r >= top { return -.infinity }
            if r <= -top { return .infinity }
            return -(b * r + delta) / 2
        }
    }

    /// The exact δ(ε) of this direction.
    func delta(_ epsilon: Double) -> Double {
        let q = samplingRate, delta = sensitivity
        switch direction {
        case .remove:
            // A = {Y < y*}: δ = qF(y* + Δ) − (e^ε − 1 + q)F(y*).
            let y = threshold(epsilon)
            if y == .infinity { return -expm1(epsilon) }
            if y == -.infinity { return 0 }
            return q * cdf(y + delta) - (expm1(epsilon) + q) * cdf(y)
        case .add:
            // A = {ℓ(Y) < −ε} = {Y > y*(−ε)}: δ = S(y*)(1 − e^ε(1 − q)) − e^ε q S(y* + Δ).
            let y = threshold(-epsilon)
            if y == .infinity { return 0 }
            if y == -.infinity { return -expm1(epsilon) }
            let e = exp(epsilon)
            return survival(y) * (1 - e * (1 - q)) - e * q * survival(y + delta)
        }
    }

    func deltas(lower: Int, upper: Int, step: Double) -> [Double] {
        (lower...upper).map { delta(Double($0) * step) }
    }
}

/// A privacy loss distribution with finitely many atoms, known exactly (discrete Laplace,
/// discrete Gaussian, randomized response).
struct AtomicLossCurve: HockeyStickCurve {
    /// Finite losses, ascending, and their probabilities.
    let losses: [Double]
    let probabilities: [Double]
    /// Probability of an infinite loss (including, pessimistically, truncated tails).
    let infiniteMass: Double
    let tailMass: Double

    init(atoms: [(loss: Double, probability: Double)], infiniteMass: Double, tailMass: Double = 0) {
        var finite: [(Double, Double)] = []
        var infinite = infiniteMass
        for atom in atoms where atom.probability > 0 {
            if atom.loss == .infinity { infinite += atom.probability } else if atom.loss.isFinite { finite.append((atom.loss, atom.probability)) }
        }
        finite.sort { $0.0 < $1.0 }
        losses = finite.map(\.0)
        probabilities = finite.map(\.1)
        self.infiniteMass = infinite
        self.tailMass = tailMass
    }

    var lossRange: ClosedRange<Double> {
        guard let first = losses.first, let last = losses.last else { return 0...0 }
        return first...last
    }

    /// δ at each grid point by one sweep from the top (dp_accounting's vectorized form).
    func deltas(lower: Int, upper: Int, step: Double) -> [Double] {
        var result = [Double](repeating: 0, count: upper - lower + 1)
        var mass = infiniteMass, weighted = 0.0
        var i = losses.count - 1
        var j = upper
        while j >= lower {
            let epsilon = Double(j) * step
            while i >= 0 && losses[i] > epsilon {
                mass += probabilities[i]
                weighted += probabilities[i] * exp(-losses[i])
                i -= 1
            }
            result[j - lower] = mass - exp(epsilon) * weighted
            j -= 1
        }
        return result
    }

    /// The discrete Laplace P(k) ∝ e^{−|k|/b} against its shift by the integer s ≥ 1: loss s/b
    /// for k ≤ 0, (s − 2k)/b for 0 < k < s, −s/b for k ≥ s (x = e^{−1/b}, Z = (1 + x)/(1 − x)).
    static func discreteLaplace(scale b: Double, shift s: Int) -> AtomicLossCurve {
        let x = exp(-1 / b)
        let z = (1 + x) / (1 - x)
        var atoms: [(loss: Double, probability: Double)] = [
            (Double(s) / b, 1 / (1 + x)),
            (-Double(s) / b, pow(x, Double(s)) / (1 + x)),
        ]
        if s >= 2 {
            for k in 1..<s { atoms.append(((Double(s) - 2 * Double(k)) / b, pow(x, Double(k)) / z)) }
        }
        return AtomicLossCurve(atoms: atoms, infiniteMass: 0)
    }

    /// The discrete Gaussian P(k) ∝ e^{−k²/(2σ²)} against its shift by the integer s ≥ 1:
    /// loss (s² − 2ks)/(2σ²). Outputs with |k| > K (mass < e^{−60} relative) are bounded by a
    /// geometric series and put on +∞; the normalizer is the truncated sum (an underestimate,
    /// so every retained probability is rounded up).
    static func discreteGaussian(sigma: Double, shift s: Int) -> AtomicLossCurve {
        let bound = Int((sigma * (2 * 60.0).squareRoot()).rounded(.up)) + 1
        let range = (-bound - s)...(bound + s)
        var weights: [Double] = []
        weights.reserveCapacity(range.count)
        var z = 0.0
        for k in range {
            let w = exp(-Double(k) * Double(k) / (2 * sigma * sigma))
            weights.append(w)
            z += w
        }
        // Σ_{|k| > K} e^{−k²/(2σ²)} ≤ 2e^{−K²/(2σ²)}/(1 − e^{−K/σ²}) for K = bound + s.
        let k = Double(bound + s)
        let tail = 2 * exp(-k * k / (2 * sigma * sigma)) / -expm1(-k / (sigma * sigma)) / z
        var atoms: [(loss: Double, probability: Double)] = []
        atoms.reserveCapacity(range.count)
        for (index, k) in range.enumerated() {
            let loss = (Double(s * s) - 2 * Double(k) * Double(s)) / (2 * sigma * sigma)
            atoms.append((loss, weights[index] / z))
        }
        return AtomicLossCurve(atoms: atoms, infiniteMass: tail, tailMass: tail)
    }

    /// k-ary randomized response (noise parameter p): "replace one" is symmetric with losses
    /// ±log(1 + k(1 − p)/p) and 0; "replace special" compares with a uniform output.
    static func randomizedResponse(p: Double, buckets k: Int, relation: NeighboringRelation, direction: LossDirection) -> AtomicLossCurve {
        let kk = Double(k)
        if k == 1 || p == 1 { return AtomicLossCurve(atoms: [(0, 1)], infiniteMass: 0) }
        let stay = 1 - p + p / kk
        switch relation {
        case .replaceSpecial:
            // p = 0 gives an infinite loss −log p in the add direction: no privacy.
            switch direction {
            case .remove:
                return AtomicLossCurve(atoms: [(log(kk * stay), stay), (log(p), (kk - 1) * p / kk)], infiniteMass: 0)
            case .add:
                return AtomicLossCurve(atoms: [(-log(kk * stay), 1 / kk), (-log(p), (kk - 1) / kk)], infiniteMass: 0)
            }
        default:
            let loss = p == 0 ? Double.infinity : log1p(kk * (1 - p) / p)
            return AtomicLossCurve(atoms: [(loss, stay), (-loss, p / kk), (0, (kk - 2) * p / kk)], infiniteMass: 0)
        }
    }
}
