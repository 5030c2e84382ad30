/// The release on a grid shared by ``GaussianMechanism`` and ``LaplaceMechanism``: the
/// scale check, the grid step of ``GridGranularity``, the integer sampler scaled onto gℤ,
/// the input checks and the rounding. The two mechanisms differ only in their sampler and
/// their privacy event.
@usableFromInline
struct GridRelease<Sampler: ReservoirSampler>: Sendable {
    /// The grid step g (a power of two).
    @usableFromInline let granularity: Double
    /// 1/g, exact since g is a power of two.
    @usableFromInline let inverseGranularity: Double
    /// The integer sampler whose scale is the mechanism's in grid steps.
    @usableFromInline let sampler: Sampler

    /// Validates `scale` (named `name` in errors), picks the grid step and builds the sampler
    /// for `scale/g` rounded to an integer number of steps (in [2^19, 2^20]).
    init(
        scale: Double, name: String, sampler makeSampler: (UInt64) throws(DifferentialPrivacyError) -> Sampler
    ) throws(DifferentialPrivacyError) {
        // The grid step 2^(⌊log2 scale⌋ − 19) and its inverse must both be finite normal numbers.
        guard scale.isFinite, scale >= 0x1p-1000, scale <= 0x1p1000 else {
            throw .invalidParameter(name: name, reason: "must be in [2^-1000, 2^1000], got \(scale)")
        }
        granularity = GridGranularity.step(forScale: scale)
        inverseGranularity = 1 / granularity
        sampler = try makeSampler(UInt64((scale * inverseGranularity).rounded()))
    }

    /// The largest |value| released: 2^61 grid steps.
    @usableFromInline var largestExactMagnitude: Double { 0x1p61 * granularity }

    /// Rounds `value` to the grid and adds one sample of grid-scaled noise.
    @inlinable
    func release<G: RandomNumberGenerator>(_ value: Double, using rng: inout G) throws(DifferentialPrivacyError) -> Double {
        try checkReleasable(value, at: 0, limit: largestExactMagnitude)
        return gridRelease(value, granularity: granularity, inverse: inverseGranularity, noise: sampler.sampleOnce(using: &rng))
    }

    /// Releases every element of `buffer` in place, after checking them all.
    @inlinable
    func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Double>, using rng: inout G) throws(DifferentialPrivacyError) {
        try checkReleasable(buffer, limit: largestExactMagnitude)
        let granularity = granularity, inverse = inverseGranularity
        sampler.apply(to: buffer, using: &rng) { gridRelease($0, granularity: granularity, inverse: inverse, noise: $1) }
    }
}

/// The release on integers shared by ``DiscreteGaussianMechanism`` and
/// ``DiscreteLaplaceMechanism``: the sensitivity check, the ±2^62 input range and the
/// overflow-checked addition. The two differ only in their sampler and privacy event.
@usableFromInline
struct IntegerRelease<Sampler: ReservoirSampler>: Sendable {
    /// The exact integer sampler.
    @usableFromInline let sampler: Sampler
    /// The sensitivity of the released value (finite, > 0).
    @usableFromInline let sensitivity: Double

    /// Validates `sensitivity`, then builds the sampler (in that order, so a call with both
    /// wrong reports the sensitivity).
    init(
        sensitivity: Double, sampler makeSampler: () throws(DifferentialPrivacyError) -> Sampler
    ) throws(DifferentialPrivacyError) {
        guard sensitivity.isFinite, sensitivity > 0 else {
            throw .invalidParameter(name: "sensitivity", reason: "must be finite and > 0, got \(sensitivity)")
        }
        self.sampler = try makeSampler()
        self.sensitivity = sensitivity
    }

    /// Adds one sample of noise to `value` (|value| ≤ 2^62).
    @inlinable
    func release<G: RandomNumberGenerator>(_ value: Int64, using rng: inout G) throws(DifferentialPrivacyError) -> Int64 {
        try checkReleasable(value, at: 0)
        return noisyAdd(value, sampler.sampleOnce(using: &rng))
    }

    /// Adds independent noise to every element of `buffer` in place, after checking them all.
    @inlinable
    func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) throws(DifferentialPrivacyError) {
        try checkReleasable(buffer)
        sampler.apply(to: buffer, using: &rng, noisyAdd)
    }
}
