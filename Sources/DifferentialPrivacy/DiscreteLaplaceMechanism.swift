import PrivacyAccounting

/// The discrete Laplace (geometric) mechanism on integers: (Δ/b)-DP.
public struct DiscreteLaplaceMechanism: AdditiveNoiseMechanism {
    @usableFromInline let integer: IntegerRelease<DiscreteLaplaceSampler>

    /// The exact sampler.
    public var sampler: DiscreteLaplaceSampler { integer.sampler }
    /// The ℓ1 sensitivity of the released value.
    public var sensitivity: Double { integer.sensitivity }

    /// Creates the mechanism with scale b and sensitivity Δ > 0.
    public init(scale: Double, sensitivity: Double = 1) throws(DifferentialPrivacyError) {
        integer = try IntegerRelease(sensitivity: sensitivity) { () throws(DifferentialPrivacyError) in
            try DiscreteLaplaceSampler(scale: scale)
        }
    }

    /// `.discreteLaplace(scale:sensitivity:)` with the scale actually used: pure ε-DP with
    /// ε = ⌈Δ⌉/b, and its own exact Rényi curve, which lies above the continuous Laplace's
    /// (with Δ = 1 the privacy loss is binary, ±1/b; at α = 2, b = 2: 0.2273 against 0.2003).
    public var privacyEvent: PrivacyEvent { .discreteLaplace(scale: sampler.scale, sensitivity: sensitivity) }

    /// The largest |value| released, 2^62: value + noise then stays inside Int64, so
    /// nothing saturates. Larger values are refused.
    public var largestExactMagnitude: Int64 { largestIntegerMagnitude }

    /// Adds discrete Laplace noise.
    ///
    /// - Throws: `DifferentialPrivacyError.valueOutOfRange(index: 0, range:)` for
    ///   |value| > ``largestExactMagnitude``.
    public func release<G: RandomNumberGenerator>(_ value: Int64, using rng: inout G) throws(DifferentialPrivacyError) -> Int64 {
        try integer.release(value, using: &rng)
    }

    /// Adds independent discrete Laplace noise to every element of `buffer`, in place (from `SecureRandom`, a long
    /// vector reads a ChaCha20 stream under a fresh key drawn from it; see `BulkRandom`). All elements are
    /// checked before any noise is added, so a refused vector is left as it was.
    ///
    /// - Throws: `DifferentialPrivacyError.valueOutOfRange(index:range:)` for the first element beyond
    ///   ``largestExactMagnitude``.
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Int64>, using rng: inout G) throws(DifferentialPrivacyError) {
        try integer.addNoise(to: buffer, using: &rng)
    }
}
