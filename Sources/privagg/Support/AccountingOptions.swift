import ArgumentParser
import Foundation
import PrivacyAccounting

/// Validation shared by the accounting subcommands: one clear message per bad value.
enum AccountingValidation {
    static func samplingRate(_ q: Double) throws {
        guard q.isFinite, q > 0, q <= 1 else { throw ValidationError("--sampling-rate must be in (0, 1], got \(q)") }
    }

    static func noiseMultiplier(_ sigma: Double) throws {
        guard sigma.isFinite, sigma > 0 else { throw ValidationError("--noise-multiplier must be a finite number > 0, got \(sigma)") }
    }

    /// The smallest δ accepted: far below any meaningful failure probability, and far above
    /// the subnormal Doubles (< 2.2e-308), where `1e-320` is not the number typed and the
    /// ε computed from it means nothing.
    static let minimumDelta = 1e-300

    static func delta(_ delta: Double) throws {
        guard delta.isFinite, delta > 0, delta < 1 else { throw ValidationError("--delta must be in (0, 1), got \(delta)") }
        guard delta >= minimumDelta else {
            throw ValidationError("--delta \(delta) is below the floor of 1e-300 (smaller values underflow toward subnormal numbers and give a meaningless ε)")
        }
    }

    static func steps(_ steps: Int) throws {
        guard steps >= 0 else { throw ValidationError("--steps must be a non-negative integer, got \(steps)") }
    }

    static func targetEpsilon(_ epsilon: Double) throws {
        guard epsilon.isFinite, epsilon > 0 else { throw ValidationError("--target-epsilon must be a finite number > 0, got \(epsilon)") }
    }
}

/// JSON for accounting results: sorted keys; an unbounded ε is written as null by the
/// types themselves (the string fallback only covers other non-finite numbers).
func accountingJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// A number for people: integers plainly, others to 6 significant digits.
func formatNumber(_ value: Double?) -> String {
    guard let value else { return "none" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
    return String(format: "%.6g", value)
}

/// A number the user typed, echoed exactly: integers plainly, others in their shortest
/// round-trip form, so δ = 0.9999999 is never shown as 1.
func formatInput(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
    return value.description
}

extension RDPConversion: ExpressibleByArgument {}
