import Foundation

/// The period a federation certificate is valid: from a start (a few minutes before the
/// present by default, to absorb clock skew between the machines of a federation) for a
/// whole number of days.
public struct CertificateValidity: Sendable, Hashable {
    /// The default: one year.
    public static let defaultDays = 365
    /// The longest period accepted: ten years (a federation CA is not a root of the web).
    public static let maximumDays = 3650
    /// How far before the present a default start lies.
    public static let clockSkewAllowance: TimeInterval = 300

    /// The first instant of validity.
    public let notBefore: Date
    /// The last instant of validity.
    public let notAfter: Date

    /// A period of `days` days from `start`.
    ///
    /// - Parameters:
    ///   - days: 1 to ``maximumDays``.
    ///   - start: The first instant; by default ``clockSkewAllowance`` before now. Tests pass a
    ///     start in the past to make certificates that have already expired.
    /// - Throws: ``FederationTLSError/invalidParameter(name:reason:)`` for days out of range.
    public init(days: Int = CertificateValidity.defaultDays, startingAt start: Date? = nil) throws(FederationTLSError) {
        guard days >= 1, days <= Self.maximumDays else {
            throw .invalidParameter(name: "days", reason: "\(days) is not in 1...\(Self.maximumDays)")
        }
        // Whole seconds: certificates store times to the second, and a CA must not end a
        // fraction of a second before the certificates it issues for the same period.
        let first = Date(timeIntervalSince1970: (start ?? Date().addingTimeInterval(-Self.clockSkewAllowance)).timeIntervalSince1970.rounded(.down))
        notBefore = first
        notAfter = first.addingTimeInterval(TimeInterval(days) * 86_400)
    }
}
