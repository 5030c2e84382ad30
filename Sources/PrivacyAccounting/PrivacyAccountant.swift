import Foundation

/// What "neighbouring data sets" means for an accountant (see ``RDPAccountant/NeighboringRelation``).
public typealias NeighboringRelation = RDPAccountant.NeighboringRelation

/// An accountant: composes ``PrivacyEvent``s and converts what was composed into (ε, δ),
/// in the shape of Google dp_accounting's `PrivacyAccountant`.
///
/// Conforming types: ``RDPAccountant`` (Rényi DP, the moments accountant) and
/// ``PLDAccountant`` (privacy loss distributions). Both are value types: composing onto a
/// copy leaves the original unchanged, so a prototype accountant can be reused.
///
/// ```swift
/// func report(_ accountant: some PrivacyAccountant) throws -> PrivacyGuarantee {
///     var accountant = accountant
///     try accountant.compose(.dpSGD(samplingRate: 0.01, noiseMultiplier: 1, steps: 10_000))
///     return try accountant.epsilon(delta: 1e-5)
/// }
/// ```
public protocol PrivacyAccountant: Sendable {
    /// The short name used on the command line and in JSON: `"rdp"` or `"pld"`.
    static var name: String { get }

    /// The neighbouring relation the accountant's guarantees are stated for.
    var neighboringRelation: NeighboringRelation { get }

    /// Whether ``compose(_:count:)`` would accept `event` (valid parameters and every
    /// sub-event supported under ``neighboringRelation``). Computes nothing expensive.
    func supports(_ event: PrivacyEvent) -> Bool

    /// Adds `count` runs of `event`. On error the accountant is unchanged.
    ///
    /// - Parameters:
    ///   - event: What ran.
    ///   - count: How many times it ran (≥ 0).
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad parameters,
    ///   ``PrivacyAccountingError/unsupportedEvent(event:reason:)`` naming the first sub-event
    ///   the accountant has no sound bound for.
    mutating func compose(_ event: PrivacyEvent, count: Int) throws

    /// The ε such that everything composed so far is (ε, δ)-DP. ``PrivacyGuarantee/epsilon``
    /// is an upper bound; accountants that also know a lower bound report it in
    /// ``PrivacyGuarantee/epsilonLower``.
    ///
    /// - Parameter delta: δ in [0, 1).
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for δ outside [0, 1).
    func epsilon(delta: Double) throws -> PrivacyGuarantee

    /// The δ such that everything composed so far is (ε, δ)-DP. ``PrivacyGuarantee/delta``
    /// is an upper bound; a known lower bound is in ``PrivacyGuarantee/deltaLower``.
    ///
    /// - Parameter epsilon: ε ≥ 0, finite.
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for a negative or
    ///   non-finite ε.
    func delta(epsilon: Double) throws -> PrivacyGuarantee
}

extension PrivacyAccountant {
    /// Adds one run of `event` (see ``compose(_:count:)``).
    ///
    /// - Throws: as ``compose(_:count:)``.
    public mutating func compose(_ event: PrivacyEvent) throws {
        try compose(event, count: 1)
    }

    /// A copy with `count` runs of `event` composed.
    ///
    /// - Throws: as ``compose(_:count:)``.
    public func composing(_ event: PrivacyEvent, count: Int = 1) throws -> Self {
        var copy = self
        try copy.compose(event, count: count)
        return copy
    }
}

/// The accountants the command line and reports can choose between.
public enum AccountantKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// ``RDPAccountant`` at its default orders.
    case rdp
    /// ``PLDAccountant`` at its default discretization.
    case pld

    /// A fresh accountant of this kind for `relation`.
    ///
    /// - Throws: never for the defaults; kept throwing for custom configurations.
    public func makeAccountant(neighboringRelation relation: NeighboringRelation = .addOrRemoveOne) throws -> any PrivacyAccountant {
        switch self {
        case .rdp: try RDPAccountant(neighboringRelation: relation)
        case .pld: try PLDAccountant(neighboringRelation: relation)
        }
    }
}
