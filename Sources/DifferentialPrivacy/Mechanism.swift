import PrivacyAccounting

/// A differentially private release of a value, which knows its own privacy event.
public protocol Mechanism: Sendable {
    /// The type of value released.
    associatedtype Value
    /// The privacy event of one release, for the accountant.
    var privacyEvent: PrivacyEvent { get }
    /// Releases `value` with noise drawn from `rng`.
    func release<G: RandomNumberGenerator>(_ value: Value, using rng: inout G) -> Value
}

extension Mechanism {
    /// Releases each value of `values` independently (one event per coordinate under
    /// the per-coordinate sensitivity; compose accordingly).
    public func release<G: RandomNumberGenerator>(_ values: [Value], using rng: inout G) -> [Value] {
        values.map { release($0, using: &rng) }
    }
}
