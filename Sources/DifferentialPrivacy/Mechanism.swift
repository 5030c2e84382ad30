import PrivacyAccounting

/// A differentially private release of a value, which knows its own privacy event.
public protocol Mechanism: Sendable {
    /// The type of value released.
    associatedtype Value
    /// The privacy event of one release, for the accountant.
    var privacyEvent: PrivacyEvent { get }
    /// Releases `value` with noise drawn from `rng`.
    func release<G: RandomNumberGenerator>(_ value: Value, using rng: inout G) -> Value
    /// Releases every value of `values` (a requirement so that generic callers reach the
    /// in-place form of `AdditiveNoiseMechanism`).
    func release<G: RandomNumberGenerator>(_ values: [Value], using rng: inout G) -> [Value]
}

extension Mechanism {
    /// Releases each value of `values` independently (one event per coordinate under
    /// the per-coordinate sensitivity; compose accordingly).
    public func release<G: RandomNumberGenerator>(_ values: [Value], using rng: inout G) -> [Value] {
        values.map { release($0, using: &rng) }
    }
}

/// A mechanism that adds independent noise to each coordinate, in place.
///
/// The vector forms allocate nothing per coordinate and share one reservoir of random
/// bits across the vector. For a vector whose ℓ2 (Gaussians) or ℓ1 (Laplaces) sensitivity
/// is the mechanism's `sensitivity`, one vector release is one `privacyEvent`.
public protocol AdditiveNoiseMechanism: Mechanism {
    /// Adds noise to every element of `buffer`, in place.
    func addNoise<G: RandomNumberGenerator>(to buffer: UnsafeMutableBufferPointer<Value>, using rng: inout G)
}

extension AdditiveNoiseMechanism {
    /// Adds noise to every element of `values`, in place.
    @inlinable
    public func addNoise<G: RandomNumberGenerator>(to values: inout [Value], using rng: inout G) {
        values.withUnsafeMutableBufferPointer { addNoise(to: $0, using: &rng) }
    }

    /// A noisy copy of `values` (one allocation for the copy, none per coordinate).
    @inlinable
    public func release<G: RandomNumberGenerator>(_ values: [Value], using rng: inout G) -> [Value] {
        var copy = values
        addNoise(to: &copy, using: &rng)
        return copy
    }
}

/// `value + noise`, saturating at the Int64 range.
@inlinable
func saturatingAdd(_ value: Int64, _ noise: Int64) -> Int64 {
    let (sum, overflow) = value.addingReportingOverflow(noise)
    return overflow ? (noise > 0 ? .max : .min) : sum
}

/// Rounds `value` to the grid of step `granularity` (a power of two, `inverse` = 1/step),
/// adds `noise` grid steps and scales back. Non-finite values are returned unchanged;
/// finite values beyond 2^62 steps saturate to the grid edge.
@inlinable
func gridRelease(_ value: Double, granularity: Double, inverse: Double, noise: Int64) -> Double {
    guard value.isFinite else { return value }
    let limit = Double(1 << 62)
    let steps = min(max((value * inverse).rounded(), -limit), limit)
    return Double(saturatingAdd(Int64(steps), noise)) * granularity
}
