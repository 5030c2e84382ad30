import PrivacyAccounting

/// A differentially private release of a value, which knows its own privacy event.
///
/// Every release fails closed: a value the mechanism cannot release exactly (NaN, ±∞, a
/// real beyond its grid, an integer beyond ±2^62, a bucket out of range) throws a
/// `DifferentialPrivacyError` and nothing is released, never a clamped or unchanged value
/// that would carry no noise or the wrong guarantee.
public protocol Mechanism: Sendable {
    /// The type of value released.
    associatedtype Value
    /// The privacy event of one release, for the accountant.
    var privacyEvent: PrivacyEvent { get }
    /// Releases `value` with noise drawn from `rng`.
    ///
    /// - Throws: `DifferentialPrivacyError.nonFiniteValue(index: 0)` or
    ///   `.valueOutOfRange(index: 0, range:)` for a value the mechanism cannot release.
    func release<G: RandomNumberGenerator>(_ value: Value, using rng: inout G) throws(DifferentialPrivacyError) -> Value
    /// Releases every value of `values` (a requirement so that generic callers reach the
    /// in-place form of `AdditiveNoiseMechanism`).
    ///
    /// - Throws: the first refused value's error, with its index; nothing is returned then.
    func release<G: RandomNumberGenerator>(_ values: [Value], using rng: inout G) throws(DifferentialPrivacyError) -> [Value]
}

extension Mechanism {
    /// Releases each value of `values` independently (one event per coordinate under
    /// the per-coordinate sensitivity; compose accordingly).
    ///
    /// - Throws: the first refused value's error, with its index in `values`.
    public func release<G: RandomNumberGenerator>(_ values: [Value], using rng: inout G) throws(DifferentialPrivacyError) -> [Value] {
        var released: [Value] = []
        released.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            do {
                released.append(try release(value, using: &rng))
            } catch {
                throw error.atIndex(index)
            }
        }
        return released
    }
}

/// A mechanism that adds independent noise to each coordinate, in place.
///
/// The vector forms allocate nothing per coordinate and share one reservoir of random
/// bits across the vector. For a vector whose ℓ2 (Gaussians) or ℓ1 (Laplaces) sensitivity
/// is the mechanism's `sensitivity`, one vector release is one `privacyEvent`.
public protocol AdditiveNoiseMechanism: Mechanism {
    /// Adds noise to every element of `buffer`, in place. Every element is checked before
    /// any noise is added, so a refused vector is left exactly as it was.
    ///
    /// - Throws: `DifferentialPrivacyError.nonFiniteValue(index:)` or
    ///   `.valueOutOfRange(index:range:)` for the first element the mechanism cannot release.
    func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Value>, using rng: inout G) throws(DifferentialPrivacyError)
}

extension AdditiveNoiseMechanism {
    /// Adds noise to every element of `values`, in place (all or nothing, as the buffer form).
    ///
    /// - Throws: as `addNoise(to:using:)` on a buffer; `values` is then unchanged.
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to values: inout [Value], using rng: inout G) throws(DifferentialPrivacyError) {
        let outcome = values.withUnsafeMutableBufferPointer { buffer in
            Swift.Result { () throws(DifferentialPrivacyError) in try addNoise(to: buffer, using: &rng) }
        }
        try outcome.get()
    }

    /// A noisy copy of `values` (one allocation for the copy, none per coordinate).
    ///
    /// - Throws: as `addNoise(to:using:)`.
    @inlinable
    public func release<G: RandomNumberGenerator>(_ values: [Value], using rng: inout G) throws(DifferentialPrivacyError) -> [Value] {
        var copy = values
        try addNoise(to: &copy, using: &rng)
        return copy
    }
}

/// The largest |value| the integer mechanisms release: 2^62, so that value + noise cannot
/// leave the Int64 range (their noise stays below 2^62: σ and scale are ≤ 2^20, μ ≤ 2^36 and a Poisson draw
/// < 2^61).
@usableFromInline
let largestIntegerMagnitude: Int64 = 1 << 62

/// Throws unless `value` lies in ±`largestIntegerMagnitude` (reported at `index`).
@inlinable
func checkReleasable(_ value: Int64, at index: Int) throws(DifferentialPrivacyError) {
    guard value.magnitude <= UInt64(largestIntegerMagnitude) else {
        throw .valueOutOfRange(index: index, range: -Double(largestIntegerMagnitude)...Double(largestIntegerMagnitude))
    }
}

/// Throws unless every element of `buffer` lies in ±`largestIntegerMagnitude`.
@inlinable
func checkReleasable(_ buffer: UnsafeMutableBufferPointer<Int64>) throws(DifferentialPrivacyError) {
    for index in buffer.indices { try checkReleasable(buffer[index], at: index) }
}

/// Throws unless `value` is finite with |value| ≤ `limit` (reported at `index`).
@inlinable
func checkReleasable(_ value: Double, at index: Int, limit: Double) throws(DifferentialPrivacyError) {
    guard value.isFinite else { throw .nonFiniteValue(index: index) }
    guard value.magnitude <= limit else { throw .valueOutOfRange(index: index, range: -limit...limit) }
}

/// Throws unless every element of `buffer` is finite with |value| ≤ `limit`.
@inlinable
func checkReleasable(_ buffer: UnsafeMutableBufferPointer<Double>, limit: Double) throws(DifferentialPrivacyError) {
    for index in buffer.indices { try checkReleasable(buffer[index], at: index, limit: limit) }
}

/// `value + noise` for a value already checked to lie in ±2^62. The noise of every
/// integer sampler here is far below 2^62, so an overflow means a broken invariant: trap
/// rather than wrap or saturate (either would release a value with the wrong noise).
@inlinable
func noisyAdd(_ value: Int64, _ noise: Int64) -> Int64 {
    let (sum, overflow) = value.addingReportingOverflow(noise)
    precondition(!overflow, "integer release overflowed Int64 after its range check")
    return sum
}

/// Rounds `value` (finite, within 2^61 grid steps: checked by the caller) to the grid of
/// step `granularity` (a power of two, `inverse` = 1/step), adds `noise` grid steps and
/// scales back. Both the rounded value and the sum are exact in Int64 and in Double's
/// range, so nothing is clamped.
@inlinable
func gridRelease(_ value: Double, granularity: Double, inverse: Double, noise: Int64) -> Double {
    let steps = (value * inverse).rounded()
    precondition(steps.magnitude <= 0x1p61, "grid release of an unchecked value")
    return Double(noisyAdd(Int64(steps), noise)) * granularity
}
