/// Norm clipping of real vectors, the step that bounds each contribution's sensitivity.
///
/// `l2` and `l1` scale the whole vector down to norm ≤ bound (direction kept);
/// `perCoordinate` clamps every coordinate to [−bound, bound] (an ℓ∞ ball). After
/// clipping the norm is guaranteed ≤ bound in floating point (the scale factor is
/// re-checked and nudged down if rounding overshoots). NaN or infinite input throws
/// `DifferentialPrivacyError.nonFiniteValue(index:)` and leaves the vector untouched.
public enum Clipping {
    /// The norm a vector is clipped in.
    public enum Norm: String, Sendable, CaseIterable, Codable {
        /// Euclidean norm: the vector is scaled to ℓ2 norm ≤ bound.
        case l2
        /// Sum of magnitudes: the vector is scaled to ℓ1 norm ≤ bound.
        case l1
        /// Per-coordinate (ℓ∞): each coordinate is clamped to [−bound, bound].
        case perCoordinate = "per_coordinate"
    }

    /// A clipped copy and what happened.
    public struct Result: Sendable, Equatable {
        /// The clipped values.
        public let values: [Double]
        /// Whether any value changed.
        public let wasClipped: Bool
        /// The input's norm (ℓ2, ℓ1 or ℓ∞ as requested) before clipping.
        public let originalNorm: Double
    }

    /// Clips `buffer` in place; returns whether it changed.
    @discardableResult
    public static func clip(_ buffer: UnsafeMutableBufferPointer<Double>, norm: Norm, bound: Double) throws(DifferentialPrivacyError) -> Bool {
        try clipReportingNorm(buffer, norm: norm, bound: bound).clipped
    }

    /// Clips `values` in place; returns whether they changed.
    @discardableResult
    public static func clip(_ values: inout [Double], norm: Norm, bound: Double) throws(DifferentialPrivacyError) -> Bool {
        let outcome = values.withUnsafeMutableBufferPointer { buffer in
            Swift.Result { () throws(DifferentialPrivacyError) in try clipReportingNorm(buffer, norm: norm, bound: bound) }
        }
        return try outcome.get().clipped
    }

    /// A clipped copy of `values`, whether clipping happened and the original norm.
    public static func clipped(_ values: [Double], norm: Norm, bound: Double) throws(DifferentialPrivacyError) -> Result {
        var copy = values
        let outcome = copy.withUnsafeMutableBufferPointer { buffer in
            Swift.Result { () throws(DifferentialPrivacyError) in try clipReportingNorm(buffer, norm: norm, bound: bound) }
        }
        let (clipped, original) = try outcome.get()
        return Result(values: copy, wasClipped: clipped, originalNorm: original)
    }

    /// The ℓ2, ℓ1 or ℓ∞ norm of `values`, without overflow for large entries.
    public static func norm(of values: UnsafeBufferPointer<Double>, _ norm: Norm) throws(DifferentialPrivacyError) -> Double {
        var largest = 0.0
        for (index, value) in values.enumerated() {
            guard value.isFinite else { throw .nonFiniteValue(index: index) }
            largest = max(largest, value.magnitude)
        }
        if largest == 0 || norm == .perCoordinate { return largest }
        // Dividing by the largest magnitude keeps the sum finite for any finite input.
        let inverse = 1 / largest
        var sum = 0.0
        if norm == .l2 {
            for value in values { let scaled = value * inverse; sum += scaled * scaled }
            return sum.squareRoot() * largest
        }
        for value in values { sum += value.magnitude * inverse }
        return sum * largest
    }

    static func clipReportingNorm(_ buffer: UnsafeMutableBufferPointer<Double>, norm: Norm, bound: Double) throws(DifferentialPrivacyError) -> (clipped: Bool, original: Double) {
        guard bound.isFinite, bound > 0 else {
            throw .invalidParameter(name: "bound", reason: "must be finite and > 0, got \(bound)")
        }
        let original = try Self.norm(of: UnsafeBufferPointer(buffer), norm)
        guard original > bound else { return (false, original) }
        if norm == .perCoordinate {
            for i in buffer.indices { buffer[i] = min(max(buffer[i], -bound), bound) }
            return (true, original)
        }
        var current = original
        var factor = bound / current
        // Rounding in the products and in the norm can overshoot by a few ulps: rescale
        // until the computed norm is within the bound, shrinking the target a little more
        // each time.
        var target = bound
        for _ in 0..<64 {
            for i in buffer.indices { buffer[i] *= factor }
            current = try Self.norm(of: UnsafeBufferPointer(buffer), norm)
            if current <= bound { break }
            target = target.nextDown * (1 - 0x1p-40)
            factor = target / current
        }
        return (true, original)
    }
}
