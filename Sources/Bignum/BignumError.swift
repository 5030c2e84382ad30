/// Errors reported by `BigInt` operations and conversions.
public enum BignumError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Division or reduction by zero.
    case divisionByZero
    /// A modulus that is zero or negative.
    case nonPositiveModulus
    /// The element has no inverse modulo the modulus (they share a factor).
    case notInvertible
    /// A string that is not a number in the expected format.
    case malformedString(String)
    /// A negative value where only non-negative ones can be represented (bytes, base64url).
    case negativeValue
    /// The value needs more bytes than the fixed width requested.
    case doesNotFit(byteCount: Int, needed: Int)
    /// A caller-supplied parameter is invalid: `name` says which, `reason` why.
    case invalidParameter(name: String, reason: String)
    /// An even modulus where only odd ones work (the constant-time power, `mpz_powm_sec`).
    case evenModulus
    /// A negative exponent where only non-negative ones are supported (the constant-time power).
    case negativeExponent

    /// A human-readable description of the error.
    public var description: String {
        switch self {
        case .divisionByZero: return "division by zero"
        case .nonPositiveModulus: return "modulus must be positive"
        case .notInvertible: return "element is not invertible modulo the modulus"
        case let .malformedString(detail): return "malformed integer string: \(detail)"
        case .negativeValue: return "negative values cannot be encoded as unsigned bytes"
        case let .doesNotFit(byteCount, needed): return "value needs \(needed) bytes but only \(byteCount) were allowed"
        case let .invalidParameter(name, reason): return "invalid \(name): \(reason)"
        case .evenModulus: return "the constant-time power needs an odd modulus"
        case .negativeExponent: return "the constant-time power needs a non-negative exponent"
        }
    }
}
