import Foundation

/// A discretized privacy loss distribution: probability `probabilities[i]` on the privacy
/// loss (lowerIndex + i)·h, plus `infinityMass` on +∞ (Meiser–Mohammadi 2018; Koskela et
/// al. 2020; Google dp_accounting's `DensePLDPmf`, whose algorithms these follow).
///
/// The hockey-stick divergence is δ(ε) = m_∞ + Σ_{ℓ > ε} p(ℓ)(1 − e^{ε−ℓ}); composition of
/// mechanisms is convolution of their distributions.
struct PrivacyLossPMF: Hashable, Sendable {
    /// The grid step h (the value discretization interval).
    let step: Double
    /// The grid index of `probabilities[0]`.
    var lowerIndex: Int
    /// Probabilities on consecutive grid points.
    var probabilities: [Double]
    /// Probability of an infinite privacy loss.
    var infinityMass: Double
    /// A bound on the lower distribution's mass that truncation and FFT wrap-around may have
    /// lost or misplaced; ``dual()`` adds it to the reverse direction's infinite loss.
    var dualSlack = 0.0

    /// The distribution of a mechanism that reveals nothing: all mass on loss 0.
    static func identity(step: Double) -> PrivacyLossPMF {
        PrivacyLossPMF(step: step, lowerIndex: 0, probabilities: [1], infinityMass: 0)
    }

    /// δ(ε) = m_∞ + Σ_{ℓ > ε} p(ℓ)(1 − e^{ε−ℓ}).
    func delta(epsilon: Double) -> Double {
        var total = 0.0
        let h = step
        probabilities.withUnsafeBufferPointer { p in
            var i = p.count - 1
            while i >= 0 {
                let loss = Double(lowerIndex + i) * h
                if loss <= epsilon { break }
                total += -expm1(epsilon - loss) * p[i]
                i -= 1
            }
        }
        return min(1, infinityMass + total)
    }

    /// The smallest ε ≥ 0 with δ(ε) ≤ `delta` (+∞ if the infinite-loss mass alone exceeds δ),
    /// scanning losses from the top: δ(ε) = U(ε) − e^ε L(ε) with U the mass and L the e^{−ℓ}
    /// mass above ε, so on each gap between grid points ε = log((U − δ)/L).
    func epsilon(delta: Double) -> Double {
        if infinityMass > delta { return .infinity }
        var upper = infinityMass
        var lower = 0.0
        let h = step
        var result: Double? = nil
        probabilities.withUnsafeBufferPointer { p in
            var i = p.count - 1
            while i >= 0 {
                let loss = Double(lowerIndex + i) * h
                if upper > delta && lower > 0 && log((upper - delta) / lower) >= loss { break }
                upper += p[i]
                lower += exp(-loss) * p[i]
                if upper >= delta && lower == 0 {
                    // exp(−loss) underflowed: δ(ε) > δ for every ε < loss.
                    result = max(0, loss)
                    return
                }
                i -= 1
            }
        }
        if let result { return result }
        if upper <= lower + delta { return 0 }
        return max(0, log((upper - delta) / lower))
    }

    /// Tail truncation for the pessimistic estimate: drops the longest prefix and suffix of
    /// mass ≤ `bound`/2 each; the prefix mass moves up to the first kept point (a loss only
    /// rounded up) and the suffix mass to +∞. Returns the mass moved.
    @discardableResult
    mutating func truncateTails(bound: Double) -> Double {
        guard bound > 0, probabilities.count > 1 else { return 0 }
        // The left prefix is limited in both the upper mass p and the lower mass p·e^{−ℓ}, so
        // that the reverse direction (``dual()``) loses at most `bound`/2 as well.
        var left = 0, leftMass = 0.0, leftLowerMass = 0.0
        while left < probabilities.count - 1 {
            let lower = probabilities[left] * exp(-Double(lowerIndex + left) * step)
            guard leftMass + probabilities[left] <= bound / 2, leftLowerMass + lower <= bound / 2 else { break }
            leftMass += probabilities[left]
            leftLowerMass += lower
            left += 1
        }
        var right = probabilities.count, rightMass = 0.0
        while right - 1 > left && rightMass + probabilities[right - 1] <= bound / 2 {
            rightMass += probabilities[right - 1]
            right -= 1
        }
        if left == 0 && right == probabilities.count { return 0 }
        var kept = Array(probabilities[left..<right])
        kept[0] += leftMass
        probabilities = kept
        lowerIndex += left
        infinityMass += rightMass
        dualSlack += leftLowerMass
        return leftMass + rightMass
    }

    /// The other direction of the same pair: if this is the loss of P against Q (mass p on
    /// loss ℓ), the loss of Q against P has mass p·e^{−ℓ} on −ℓ, and Q's mass where P has none
    /// (1 − Σ p·e^{−ℓ}, plus ``dualSlack``) on +∞. Exact for a pair of probability
    /// distributions, so an upper bound on δ in one direction gives one in the other
    /// (δ_{Q‖P}(ε) = e^ε δ_{P‖Q}(−ε) + 1 − e^ε).
    func dual() -> PrivacyLossPMF {
        let n = probabilities.count
        var reversed = [Double](repeating: 0, count: n)
        // Compensated sum: the infinite mass is a small difference of numbers near 1.
        var total = 0.0, compensation = 0.0
        for i in 0..<n where probabilities[i] > 0 {
            let q = min(1, probabilities[i] * exp(-Double(lowerIndex + i) * step))
            reversed[n - 1 - i] = q
            let y = q - compensation
            let t = total + y
            compensation = (t - total) - y
            total = t
        }
        return PrivacyLossPMF(
            step: step, lowerIndex: -(lowerIndex + n - 1), probabilities: reversed,
            infinityMass: min(1, max(0, 1 - total) + dualSlack))
    }

    /// Negative probabilities (FFT rounding, clipped differences) set to zero.
    mutating func clampNegative() {
        for i in probabilities.indices where !(probabilities[i] > 0) { probabilities[i] = 0 }
    }

    /// The distribution of the sum of independent losses from `self` and `other` (nil if it
    /// would need more than `maximumLength` grid points), with
    /// pessimistic tail truncation of at most `truncation` (see ``truncateTails(bound:)``).
    /// Small inputs are convolved directly, large ones by FFT.
    func composed(with other: PrivacyLossPMF, truncation: Double, maximumLength: Int = .max) -> PrivacyLossPMF? {
        precondition(step == other.step)
        let a = probabilities, b = other.probabilities
        let length = a.count + b.count - 1
        guard length <= maximumLength else { return nil }
        var result = [Double](repeating: 0, count: length)
        if min(a.count, b.count) <= 64 || a.count * b.count <= 1 << 18 {
            for i in a.indices where a[i] != 0 {
                let ai = a[i]
                for j in b.indices { result[i + j] += ai * b[j] }
            }
        } else {
            let plan = RealFFT.plan(count: RealFFT.length(atLeast: length))
            let bins = plan.count / 2 + 1
            var ar = [Double](repeating: 0, count: bins), ai = ar, br = ar, bi = ar
            var full = [Double](repeating: 0, count: plan.count)
            a.withUnsafeBufferPointer { plan.forward($0, re: &ar, im: &ai) }
            b.withUnsafeBufferPointer { plan.forward($0, re: &br, im: &bi) }
            for k in 0..<bins {
                let r = ar[k] * br[k] - ai[k] * bi[k]
                let i = ar[k] * bi[k] + ai[k] * br[k]
                ar[k] = r
                ai[k] = i
            }
            plan.inverse(re: &ar, im: &ai, output: &full)
            for i in 0..<length { result[i] = full[i] }
        }
        let mInf = infinityMass + other.infinityMass - infinityMass * other.infinityMass
        var pmf = PrivacyLossPMF(step: step, lowerIndex: lowerIndex + other.lowerIndex, probabilities: result, infinityMass: mInf)
        pmf.dualSlack = dualSlack + other.dualSlack
        pmf.clampNegative()
        pmf.truncateTails(bound: truncation)
        return pmf
    }

    /// The distribution of the sum of `count` independent copies (nil if the window would
    /// exceed `maximumLength` grid points), by one FFT: the spectrum
    /// is raised to the power `count` and only a window holding all but `truncation` of the
    /// mass is kept; the window comes from Chernoff bounds on the sum (its log moment
    /// generating function at a ladder of orders). The truncated mass, at most
    /// `truncation`, is added to +∞ (pessimistic).
    func selfComposed(_ count: Int, truncation: Double, maximumLength: Int = .max) -> PrivacyLossPMF? {
        precondition(count >= 1)
        if count == 1 { return self }
        let p = probabilities
        let n = p.count
        let mInf = -expm1(Double(count) * log1p(-infinityMass))
        let finiteMass = p.reduce(0, +)
        if n == 1 {
            // A point mass stays a point mass.
            var pmf = PrivacyLossPMF(
                step: step, lowerIndex: lowerIndex * count, probabilities: [pow(finiteMass, Double(count))], infinityMass: mInf)
            pmf.dualSlack = Double(count) * dualSlack
            return pmf
        }
        let (low, high) = Self.chernoffWindow(p, count: count, truncation: truncation, lowerIndex: lowerIndex, step: step)
        let window = high - low + 1
        guard window <= maximumLength else { return nil }
        let plan = RealFFT.plan(count: RealFFT.length(atLeast: max(window, n)))
        let bins = plan.count / 2 + 1
        var re = [Double](repeating: 0, count: bins), im = re
        var full = [Double](repeating: 0, count: plan.count)
        p.withUnsafeBufferPointer { plan.forward($0, re: &re, im: &im) }
        // The count-th power by repeated squaring (vectorizable; |z| ≤ 1 so nothing overflows).
        var resultRe = [Double](repeating: 1, count: bins), resultIm = [Double](repeating: 0, count: bins)
        var e = count
        while e > 0 {
            if e & 1 == 1 {
                for k in 0..<bins {
                    let r = resultRe[k] * re[k] - resultIm[k] * im[k]
                    resultIm[k] = resultRe[k] * im[k] + resultIm[k] * re[k]
                    resultRe[k] = r
                }
            }
            e >>= 1
            if e > 0 {
                for k in 0..<bins {
                    let r = re[k] * re[k] - im[k] * im[k]
                    im[k] = 2 * re[k] * im[k]
                    re[k] = r
                }
            }
        }
        plan.inverse(re: &resultRe, im: &resultIm, output: &full)
        // Index s of the sum lives at s mod N; keep s in [low, high].
        let size = plan.count
        var kept = [Double](repeating: 0, count: window)
        var index = low % size
        for s in 0..<window {
            kept[s] = full[index]
            index += 1
            if index == size { index = 0 }
        }
        let truncated = low > 0 || high < (n - 1) * count
        var pmf = PrivacyLossPMF(
            step: step, lowerIndex: lowerIndex * count + low, probabilities: kept,
            infinityMass: min(1, mInf + (truncated ? truncation : 0)))
        // Lower mass: at most truncation/2 below the window (Chernoff under the lower
        // distribution), and wrapped-around upper mass (≤ truncation) weighs at most e^{−ℓ} at
        // the window's ends.
        let lowLoss = Double(pmf.lowerIndex) * step, highLoss = Double(pmf.lowerIndex + window - 1) * step
        pmf.dualSlack = Double(count) * dualSlack
            + (truncated ? truncation / 2 + truncation * (exp(-lowLoss) + exp(-highLoss)) : 0)
        pmf.clampNegative()
        return pmf
    }

    /// [low, high] (offsets of the sum of `count` draws from `p`, indices 0…n−1 each) outside
    /// which at most `truncation` of the mass lies: for every order λ, P(S ≥ x) ≤
    /// e^{count·log M(λ) − λx} and P(S ≤ x) ≤ e^{count·log M(−λ) + λx}, each set to
    /// `truncation`/2; the best of a geometric ladder of orders is taken.
    static func chernoffWindow(_ p: [Double], count: Int, truncation: Double, lowerIndex: Int = 0, step: Double = 0) -> (Int, Int) {
        let n = p.count
        let fullHigh = (n - 1) * count
        guard truncation > 0 else { return (0, fullHigh) }
        var low = 0, high = fullHigh
        var lowLower = 0  // the same for the lower distribution
        let logTerm = log(2 / truncation)
        let total = Double(count)
        p.withUnsafeBufferPointer { p in
            var scaled = 1.0 / 16
            while scaled <= 512 {
                let lambda = scaled / Double(n)
                // log M(λ) relative to the top index (terms ≤ 1, no overflow).
                let factor = exp(-lambda)
                var sum = 0.0, power = 1.0
                var i = n - 1
                while i >= 0 {
                    sum += p[i] * power
                    power *= factor
                    if power == 0 { break }
                    i -= 1
                }
                if sum > 0 {
                    let logM = lambda * Double(n - 1) + log(sum)
                    let bound = (total * logM + logTerm) / lambda
                    if bound.isFinite && bound < Double(fullHigh) { high = min(high, Int(bound.rounded(.up)) + 1) }
                }
                // log M(−λ) relative to index 0.
                sum = 0
                power = 1
                i = 0
                while i < n {
                    sum += p[i] * power
                    power *= factor
                    if power == 0 { break }
                    i += 1
                }
                if sum > 0 {
                    let logM = log(sum)
                    let bound = -(total * logM + logTerm) / lambda
                    if bound.isFinite && bound > 0 { low = max(low, Int(bound.rounded(.down)) - 1) }
                }
                // The lower distribution's mass below x: Σ_{s ≤ x} p*(s)e^{−(T·L₀ + s)h} ≤
                // e^{−T·L₀·h + λx}·M(−(λ + h))^T, also set to truncation/2 (for ``dual()``).
                if step > 0 {
                    let tilted = exp(-(lambda + step))
                    sum = 0
                    power = 1
                    i = 0
                    while i < n {
                        sum += p[i] * power
                        power *= tilted
                        if power == 0 { break }
                        i += 1
                    }
                    if sum > 0 {
                        let bound = (-logTerm + total * Double(lowerIndex) * step - total * log(sum)) / lambda
                        if bound.isFinite && bound > 0 { lowLower = max(lowLower, Int(bound.rounded(.down)) - 1) }
                    }
                }
                scaled *= 2
            }
        }
        if step > 0 { low = min(low, lowLower) }
        if low > high { return (0, fullHigh) }
        return (low, high)
    }
}
