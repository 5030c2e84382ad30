/// Sensitivities of sums and means of bounded contributions, the Δ the mechanisms take.
///
/// Under add/remove neighbouring one record (or user) appears or disappears, so a sum moves
/// by at most one contribution's norm C. Under replace-one one contribution is swapped for
/// another, so a sum moves by up to 2C for norm-clipped vectors (two vectors of norm C can
/// be 2C apart) or by (upper − lower) for scalars in [lower, upper].
public enum Sensitivity {
    /// What neighbouring data sets differ by.
    public enum Neighbouring: String, Sendable, CaseIterable, Codable {
        /// One record (user) added or removed; the count is private.
        case addRemove = "add_remove"
        /// One record replaced by another; the count is public and fixed.
        case replaceOne = "replace_one"
    }

    /// Δ of a sum of vectors each clipped to norm `clipNorm` (ℓ1 or ℓ2 alike):
    /// C for add/remove, 2C for replace-one.
    public static func sumOfClippedVectors(clipNorm: Double, neighbouring: Neighbouring) throws(DifferentialPrivacyError) -> Double {
        try positive(clipNorm, "clipNorm")
        return neighbouring == .addRemove ? clipNorm : 2 * clipNorm
    }

    /// Δ of the mean of clipped vectors, dividing the sum by a fixed public `count` (the
    /// known n under replace-one, or the fixed expected count the noisy sum is divided
    /// by under add/remove): the sum's Δ divided by `count`.
    public static func meanOfClippedVectors(clipNorm: Double, count: Int, neighbouring: Neighbouring) throws(DifferentialPrivacyError) -> Double {
        guard count >= 1 else { throw .invalidParameter(name: "count", reason: "must be >= 1, got \(count)") }
        return try sumOfClippedVectors(clipNorm: clipNorm, neighbouring: neighbouring) / Double(count)
    }

    /// Δ of a sum of scalars each clamped to [lower, upper]: max(|lower|, |upper|) for
    /// add/remove, upper − lower for replace-one.
    public static func sumOfBoundedScalars(lower: Double, upper: Double, neighbouring: Neighbouring) throws(DifferentialPrivacyError) -> Double {
        guard lower.isFinite, upper.isFinite, lower < upper else {
            throw .invalidParameter(name: "bounds", reason: "need finite lower < upper, got [\(lower), \(upper)]")
        }
        return neighbouring == .addRemove ? max(lower.magnitude, upper.magnitude) : upper - lower
    }

    /// Δ of the mean of scalars in [lower, upper] over a fixed public `count`.
    public static func meanOfBoundedScalars(lower: Double, upper: Double, count: Int, neighbouring: Neighbouring) throws(DifferentialPrivacyError) -> Double {
        guard count >= 1 else { throw .invalidParameter(name: "count", reason: "must be >= 1, got \(count)") }
        return try sumOfBoundedScalars(lower: lower, upper: upper, neighbouring: neighbouring) / Double(count)
    }

    /// (ℓ1, ℓ2) sensitivity of a histogram (or any per-partition sum) when each user touches
    /// at most `partitions` partitions with at most `perPartition` in each, add/remove
    /// neighbouring: ℓ1 = k·c, ℓ2 = √k·c (double both for replace-one).
    public static func contributionBounded(partitions: Int, perPartition: Double, neighbouring: Neighbouring) throws(DifferentialPrivacyError) -> (l1: Double, l2: Double) {
        guard partitions >= 1 else { throw .invalidParameter(name: "partitions", reason: "must be >= 1, got \(partitions)") }
        try positive(perPartition, "perPartition")
        let factor = neighbouring == .addRemove ? 1.0 : 2.0
        let k = Double(partitions)
        return (factor * k * perPartition, factor * k.squareRoot() * perPartition)
    }

    static func positive(_ value: Double, _ name: String) throws(DifferentialPrivacyError) {
        guard value.isFinite, value > 0 else { throw .invalidParameter(name: name, reason: "must be finite and > 0, got \(value)") }
    }
}
