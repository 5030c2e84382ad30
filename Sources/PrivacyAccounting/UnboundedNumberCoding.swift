extension KeyedEncodingContainer {
    /// Encodes `value`, or JSON `null` when it is infinite: the one way every PrivAgg report
    /// writes an unbounded ε (JSON has no infinity, and 0 would claim perfect privacy).
    ///
    /// - Parameters:
    ///   - value: the number; ±∞ and NaN are written as null.
    ///   - key: the key to write it under.
    /// - Throws: what the underlying encoder throws.
    public mutating func encodeNullIfUnbounded(_ value: Double, forKey key: Key) throws {
        if value.isFinite { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}

extension KeyedDecodingContainer {
    /// Decodes a number written by `encodeNullIfUnbounded(_:forKey:)`: `null` or a missing
    /// key is +∞ (unbounded).
    ///
    /// - Parameter key: the key to read.
    /// - Returns: the number, or `.infinity` for null.
    /// - Throws: `DecodingError` when the value is neither a number nor null.
    public func decodeUnbounded(forKey key: Key) throws -> Double {
        try decodeIfPresent(Double.self, forKey: key) ?? .infinity
    }
}
