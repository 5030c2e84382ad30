/// Exact Poisson sampler, P(k) = e^−λ λ^k / k!, for rational λ = `rateNumerator / rateDenominator`
/// with 0 < λ ≤ 2^36.
///
/// Two exact algorithms, both integer-only, chosen by λ:
///
/// - λ < ``sublinearThreshold`` (8), the sum of ⌈λ⌉ Poisson(1) draws. Poisson(1) by
///   rejection from the geometric law P(K = k) = 2^−(k+1) (a run of fair bits): K is accepted
///   with probability 2^(k−1)/k! — 1/2 for k = 0, 1 for k = 1, 2, and the product of
///   independent Bernoulli(2/j), j = 3…k, beyond — so the accepted K has mass
///   (1/4)/k! ∝ e^−1/k!. Acceptance is e/4 ≈ 0.68: about 1.47 attempts and 5 random bits
///   per Poisson(1). A fractional λ thins the Poisson(⌈λ⌉) count, keeping each point with
///   Bernoulli(λ/⌈λ⌉) (binomial thinning of a Poisson count is Poisson). Cost linear in λ.
/// - λ ≥ 8, rejection from an envelope of product form around the mode m = ⌊λ⌋, cost
///   O(√λ). The target ratio r(k) = P(k)/P(m) is Π_{j=m+1…k} λ/j above the mode and
///   Π_{j=k+1…m} j/λ below it, every factor a rational ≤ 1, so Bernoulli(r(k)) is the AND of
///   |k − m| exact Bernoulli draws, stopping at the first failure. The envelope h ≥ r is 1
///   on the window [m − w, m + w], w = ⌈√m⌉, and geometric beyond: h(m + w + i) = ρ^i with
///   ρ = 1 − 1/T, T = ⌈(m+w+1)/(m+w+1−λ)⌉ (so ρ ≥ λ/j for every j > m + w), and
///   h(m − w − i) = ρ′^i with ρ′ = 1 − 1/T′, T′ = ⌈λ/(λ−m+w)⌉ (so ρ′ ≥ j/λ for every
///   j ≤ m − w). The three pieces have integer masses 2w + 1, T − 1 and T′ − 1, so one
///   uniform integer below their sum picks the piece (and the point in the window); a tail
///   offset is geometric, counted by Bernoulli(1/T) trials. The proposal k is accepted with
///   r(k)/h(k): the window's factors, times (λ/j)/ρ = pT/(qj(T−1)) for each tail j above
///   or (j/λ)/ρ′ = qjT′/(p(T′−1)) below, each ≤ 1 by the choice of T and T′ and evaluated
///   exactly in 128-bit integers. A left-tail offset past 0 is rejected (target mass 0).
///   Acceptance is Σr/Σh ≈ √(2πλ)/(4√λ) ≈ 0.63; a sample costs about 2√λ exact Bernoulli
///   draws of a few random bits each.
///
/// Bounds: λ ≤ 2^36 and the denominator ≤ 2^32 keep every product in the sublinear
/// algorithm below 2^116 (T, T′ ≤ √m + 3 ≤ 2^19, j < 2^64); a right-tail offset that would
/// carry j past 2^61 (probability below (1 − 2^−19)^(2^60), i.e. never) restarts the draw,
/// so a sample is below 2^61 and a Skellam difference plus a released value of magnitude
/// ≤ 2^62 stays inside Int64.
public struct PoissonSampler: Sendable, Equatable, ReservoirSampler {
    /// Numerator of λ (lowest terms).
    public let rateNumerator: UInt64
    /// Denominator of λ (lowest terms).
    public let rateDenominator: UInt64
    /// ⌈λ⌉ (the linear algorithm's number of Poisson(1) draws).
    @usableFromInline let ceiling: UInt64
    /// The sublinear algorithm's envelope; nil below ``sublinearThreshold``.
    @usableFromInline let envelope: PoissonEnvelope?

    /// The largest λ accepted: a sample costs about 2√λ Bernoulli draws (about 2^19 here).
    public static let maximumRate: UInt64 = 1 << 36

    /// The smallest λ drawn by the sublinear algorithm. Below it the sum of Poisson(1) draws
    /// is as fast or faster (release build, one core: 62 ns against 178 ns at λ = 1, 268 ns
    /// against 270 ns at λ = 4, 528 ns against 263 ns at λ = 8).
    public static let sublinearThreshold: UInt64 = 8

    /// Creates a sampler of mean λ = numerator/denominator.
    ///
    /// - Parameters:
    ///   - rateNumerator: λ's numerator, ≥ 1.
    ///   - rateDenominator: λ's denominator, 1…2^32.
    /// - Throws: ``DifferentialPrivacyError/invalidParameter(name:reason:)`` named `rate`
    ///   unless 0 < λ ≤ 2^36 and 1 ≤ denominator ≤ 2^32.
    public init(rateNumerator: UInt64, rateDenominator: UInt64 = 1) throws(DifferentialPrivacyError) {
        guard rateNumerator >= 1, rateDenominator >= 1, rateDenominator <= 1 << 32,
              rateNumerator / rateDenominator < Self.maximumRate
                || (rateNumerator / rateDenominator == Self.maximumRate && rateNumerator % rateDenominator == 0) else {
            throw .invalidParameter(name: "rate", reason: "need 0 < \(rateNumerator)/\(rateDenominator) <= 2^36, denominator <= 2^32")
        }
        let divisor = greatestCommonDivisor(rateNumerator, rateDenominator)
        let p = rateNumerator / divisor, q = rateDenominator / divisor
        self.rateNumerator = p
        self.rateDenominator = q
        ceiling = p / q + (p % q == 0 ? 0 : 1)
        envelope = p / q >= Self.sublinearThreshold ? try PoissonEnvelope(numerator: p, denominator: q) : nil
    }

    /// Creates a sampler whose mean is `rate` rounded to a multiple of 1/1024 (reported by `rate`).
    ///
    /// - Parameter rate: λ, finite, > 0 and ≤ 2^36.
    /// - Throws: ``DifferentialPrivacyError/invalidParameter(name:reason:)`` named `rate`
    ///   when `rate` is not finite or outside (0, 2^36].
    public init(rate: Double) throws(DifferentialPrivacyError) {
        guard rate.isFinite, rate > 0, rate <= Double(Self.maximumRate) else {
            throw .invalidParameter(name: "rate", reason: "must be finite, > 0 and <= 2^36, got \(rate)")
        }
        try self.init(rateNumerator: UInt64(max(1, (rate * 1024).rounded())), rateDenominator: 1024)
    }

    /// The λ actually used.
    public var rate: Double { Double(rateNumerator) / Double(rateDenominator) }

    /// Draws one sample.
    ///
    /// - Parameter rng: The source of random bits.
    /// - Returns: A Poisson(λ) draw.
    @inlinable
    public func sample<G: RandomNumberGenerator>(using rng: inout G) -> Int64 {
        sampleOnce(using: &rng)
    }

    @inlinable
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> Int64 {
        if let envelope { return Int64(envelope.sample(using: &rng, bits: &bits)) }
        return sampleBySum(using: &rng, bits: &bits)
    }

    /// The linear algorithm: Poisson(⌈λ⌉) as a sum of Poisson(1) draws, thinned to λ.
    @inlinable
    func sampleBySum<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> Int64 {
        var count: UInt64 = 0
        for _ in 0..<ceiling { count &+= Self.poissonOne(using: &rng, bits: &bits) }
        if rateDenominator == 1 { return Int64(count) }
        // Thinning to λ/⌈λ⌉ = p/(q·⌈λ⌉); q·⌈λ⌉ < p + q fits easily (λ < 8 here).
        let keepDenominator = rateDenominator * ceiling
        var kept: UInt64 = 0
        for _ in 0..<count where bits.bernoulli(numerator: rateNumerator, denominator: keepDenominator, using: &rng) {
            kept &+= 1
        }
        return Int64(kept)
    }

    /// One exact Poisson(1) draw (see the type's documentation).
    @inlinable
    static func poissonOne<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> UInt64 {
        attempt: while true {
            var k: UInt64 = 0
            while bits.nextBit(using: &rng) { k &+= 1 }
            if k == 0 {
                if bits.nextBit(using: &rng) { return 0 }
                continue
            }
            var j: UInt64 = 3
            while j <= k {
                if !bits.bernoulli(numerator: 2, denominator: j, using: &rng) { continue attempt }
                j &+= 1
            }
            return k
        }
    }

    /// Fills `buffer` with independent samples without allocating (from `SecureRandom`, a
    /// long vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`).
    ///
    /// - Parameters:
    ///   - buffer: The samples' destination.
    ///   - rng: The source of random bits.
    @inlinable
    public func fill<G: RandomNumberGenerator>(_ buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) {
        apply(to: buffer, using: &rng) { _, sample in sample }
    }
}

/// The sublinear algorithm's envelope for λ = p/q ≥ 8 (see ``PoissonSampler``): window
/// [m − w, m + w] around the mode m = ⌊λ⌋, geometric tails with ratios 1 − 1/T (right) and
/// 1 − 1/T′ (left), and the 128-bit constants of the tail acceptance factors.
@usableFromInline
struct PoissonEnvelope: Sendable, Equatable {
    /// λ = p/q.
    @usableFromInline let p: UInt64
    @usableFromInline let q: UInt64
    /// The mode m = ⌊λ⌋.
    @usableFromInline let mode: UInt64
    /// The window's half width w.
    @usableFromInline let halfWidth: UInt64
    /// T: the right tail's ratio is 1 − 1/T, its mass T − 1.
    @usableFromInline let rightT: UInt64
    /// T′: the left tail's ratio is 1 − 1/T′, its mass T′ − 1.
    @usableFromInline let leftT: UInt64
    /// 2w + 1 + (T − 1) + (T′ − 1).
    @usableFromInline let totalMass: UInt64
    /// Right tail factor (λ/j)/ρ = pT / (q(T−1)·j): pT and q(T−1).
    @usableFromInline let rightNumerator: UInt128
    @usableFromInline let rightScale: UInt128
    /// Left tail factor (j/λ)/ρ′ = qT′·j / (p(T′−1)): qT′ and p(T′−1).
    @usableFromInline let leftScale: UInt128
    @usableFromInline let leftDenominator: UInt128

    /// The right tail's offsets stop where j would pass this (a restart, never in practice).
    @usableFromInline static let largestIndex: UInt64 = 1 << 61

    /// - Throws: ``DifferentialPrivacyError/invalidParameter(name:reason:)`` named `rate`
    ///   if a constant would leave the range the 128-bit products were sized for (not
    ///   reachable within ``PoissonSampler``'s bounds; checked rather than assumed).
    init(numerator p: UInt64, denominator q: UInt64) throws(DifferentialPrivacyError) {
        let mode = p / q
        var root = UInt64(Double(mode).squareRoot())
        while root * root > mode { root -= 1 }
        while (root + 1) * (root + 1) <= mode { root += 1 }
        // w = ⌈√m⌉ balances the window's mass 2w against the tails' ≈ 2m/w.
        let halfWidth = root * root == mode ? root : root + 1
        guard mode >= PoissonSampler.sublinearThreshold, q <= 1 << 32, mode <= PoissonSampler.maximumRate else {
            throw .invalidParameter(name: "rate", reason: "the sublinear Poisson sampler needs 8 <= \(p)/\(q) <= 2^36, denominator <= 2^32")
        }
        // T = ⌈q(m+w+1) / (q(m+w+1) − p)⌉; q(m+w+1) > p because m + 1 > λ.
        let above = UInt128(q) * UInt128(mode + halfWidth + 1)
        let rightGap = above - UInt128(p)
        let rightT = (above + rightGap - 1) / rightGap
        // T′ = ⌈p / (p − q(m−w))⌉; p > q(m − w) because λ ≥ m > m − w.
        let leftGap = UInt128(p) - UInt128(q) * UInt128(mode - halfWidth)
        let leftT = (UInt128(p) + leftGap - 1) / leftGap
        guard rightT >= 2, rightT <= 1 << 20, leftT >= 1, leftT <= 1 << 20 else {
            throw .invalidParameter(name: "rate", reason: "Poisson envelope out of range for \(p)/\(q): T = \(rightT), T' = \(leftT)")
        }
        self.p = p
        self.q = q
        self.mode = mode
        self.halfWidth = halfWidth
        self.rightT = UInt64(rightT)
        self.leftT = UInt64(leftT)
        totalMass = 2 * halfWidth + 1 + (UInt64(rightT) - 1) + (UInt64(leftT) - 1)
        rightNumerator = UInt128(p) * rightT
        rightScale = UInt128(q) * (rightT - 1)
        leftScale = UInt128(q) * leftT
        leftDenominator = UInt128(p) * (leftT == 0 ? 0 : leftT - 1)
    }

    /// One exact Poisson(λ) draw.
    @inlinable
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> UInt64 {
        let window = 2 &* halfWidth &+ 1
        while true {
            let piece = bits.uniform(below: totalMass, using: &rng)
            if piece < window {
                let k = mode &- halfWidth &+ piece
                if acceptInWindow(k, using: &rng, bits: &bits) { return k }
            } else if piece < window &+ (rightT &- 1) {
                guard let offset = geometric(rightT, limit: Self.largestIndex &- mode &- halfWidth, using: &rng, bits: &bits)
                else { continue }
                let k = mode &+ halfWidth &+ offset
                if acceptInWindow(mode &+ halfWidth, using: &rng, bits: &bits),
                   acceptRightTail(through: k, using: &rng, bits: &bits) {
                    return k
                }
            } else {
                // Offsets past m − w propose k < 0, whose target mass is 0: reject them.
                guard let offset = geometric(leftT, limit: mode &- halfWidth, using: &rng, bits: &bits) else { continue }
                let k = mode &- halfWidth &- offset
                if acceptInWindow(mode &- halfWidth, using: &rng, bits: &bits),
                   acceptLeftTail(from: k, using: &rng, bits: &bits) {
                    return k
                }
            }
        }
    }

    /// The number of Bernoulli(1/t) trials up to the first success (P(i) ∝ (1 − 1/t)^i,
    /// i ≥ 1), or nil once it exceeds `limit`.
    @inlinable
    func geometric<G: RandomNumberGenerator>(_ t: UInt64, limit: UInt64, using rng: inout G, bits: inout RandomBits) -> UInt64? {
        var offset: UInt64 = 1
        while !bits.bernoulli(numerator: 1, denominator: t, using: &rng) {
            offset &+= 1
            if offset > limit { return nil }
        }
        return offset
    }

    /// Bernoulli(r(k)) for k in the window: P(k)/P(m) as |k − m| factor draws.
    @inlinable
    func acceptInWindow<G: RandomNumberGenerator>(_ k: UInt64, using rng: inout G, bits: inout RandomBits) -> Bool {
        if k > mode {
            // λ/j = p/(qj), j = m+1…k; qj ≤ 2^32·(2^36 + 2^18 + 1) may pass 2^64.
            var j = mode &+ 1
            while j <= k {
                let (denominator, overflow) = q.multipliedReportingOverflow(by: j)
                let success = overflow
                    ? bits.bernoulli(numerator: UInt128(p), denominator: UInt128(q) * UInt128(j), using: &rng)
                    : bits.bernoulli(numerator: p, denominator: denominator, using: &rng)
                if !success { return false }
                j &+= 1
            }
        } else {
            // j/λ = qj/p, j = k+1…m; qj ≤ qm ≤ p.
            var j = k &+ 1
            while j <= mode {
                if !bits.bernoulli(numerator: q &* j, denominator: p, using: &rng) { return false }
                j &+= 1
            }
        }
        return true
    }

    /// The right tail's factors pT/(q(T−1)j), j = m+w+1…k.
    @inlinable
    func acceptRightTail<G: RandomNumberGenerator>(through k: UInt64, using rng: inout G, bits: inout RandomBits) -> Bool {
        var j = mode &+ halfWidth &+ 1
        while j <= k {
            if !bernoulli(numerator: rightNumerator, denominator: rightScale &* UInt128(j), using: &rng, bits: &bits) { return false }
            j &+= 1
        }
        return true
    }

    /// The left tail's factors qT′j/(p(T′−1)), j = k+1…m−w.
    @inlinable
    func acceptLeftTail<G: RandomNumberGenerator>(from k: UInt64, using rng: inout G, bits: inout RandomBits) -> Bool {
        var j = k &+ 1
        let last = mode &- halfWidth
        while j <= last {
            if !bernoulli(numerator: leftScale &* UInt128(j), denominator: leftDenominator, using: &rng, bits: &bits) { return false }
            j &+= 1
        }
        return true
    }

    /// A 128-bit Bernoulli through the 64-bit fast path when both operands fit.
    @inlinable @inline(__always)
    func bernoulli<G: RandomNumberGenerator>(numerator: UInt128, denominator: UInt128, using rng: inout G, bits: inout RandomBits) -> Bool {
        if denominator <= UInt128(UInt64.max) {
            return bits.bernoulli(numerator: UInt64(truncatingIfNeeded: numerator), denominator: UInt64(truncatingIfNeeded: denominator), using: &rng)
        }
        return bits.bernoulli(numerator: numerator, denominator: denominator, using: &rng)
    }
}
