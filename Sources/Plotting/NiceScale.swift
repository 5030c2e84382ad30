import Foundation

/// Axis scales with "nice" ticks: steps of 1, 2 or 5 × 10^k, and a range taken from the
/// data with a margin (not from 0), so that curves fill the frame instead of hugging its top.
public enum NiceScale {
    /// The nice step (1, 2 or 5 × 10^k) that cuts `span` into at most `maximumTicks` − 1
    /// intervals and as close to `targetIntervals` as the ladder allows.
    ///
    /// - Parameters:
    ///   - span: the length to cover; a non-positive or non-finite span gives 1.
    ///   - targetIntervals: the wanted number of intervals (at least 1).
    /// - Returns: a positive step of the form m × 10^k with m ∈ {1, 2, 5}.
    public static func step(for span: Double, targetIntervals: Int = 5) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(targetIntervals, 1))
        let magnitude = pow(10, log10(raw).rounded(.down))
        // The smallest ladder value at least as large as the raw step keeps the tick count
        // at or below the target, which keeps labels from colliding.
        for multiplier in [1.0, 2, 5, 10] where multiplier * magnitude >= raw * (1 - 1e-12) {
            return multiplier * magnitude
        }
        return 10 * magnitude
    }

    /// The range of `values` (non-finite ones ignored, `including` added) widened by
    /// `margin` of its span on each side; a single value gets ±10% of itself (or ±1 at 0).
    ///
    /// - Parameters:
    ///   - values: the data.
    ///   - including: values the range must also contain (e.g. a budget line).
    ///   - margin: share of the span added below and above.
    /// - Returns: nil when there is no finite value at all.
    public static func dataRange(_ values: [Double], including: [Double] = [], margin: Double = 0.05) -> ClosedRange<Double>? {
        let finite = (values + including).filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        if high == low {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            return (low - pad)...(high + pad)
        }
        let pad = (high - low) * margin
        return (low - pad)...(high + pad)
    }

    /// An axis for `range`: its bounds rounded outwards to multiples of the nice step, and
    /// the ticks between them.
    ///
    /// - Parameters:
    ///   - range: the data range (usually from ``dataRange(_:including:margin:)``).
    ///   - targetIntervals: the wanted number of intervals between ticks.
    ///   - limits: hard limits the axis never crosses (e.g. 0…1 for a share), if any.
    /// - Returns: the axis bounds and its ticks, ascending.
    public static func axis(
        for range: ClosedRange<Double>, targetIntervals: Int = 5, clampedTo limits: ClosedRange<Double>? = nil
    ) -> (range: ClosedRange<Double>, ticks: [Double]) {
        var low = range.lowerBound, high = range.upperBound
        if let limits {
            low = max(low, limits.lowerBound)
            high = min(high, limits.upperBound)
            if high <= low { low = limits.lowerBound; high = limits.upperBound }
        }
        // Values near ±Double.greatestFiniteMagnitude (a fuzzed ledger) must not give infinite
        // ticks: an overflowing span keeps the bare bounds, and a tick that overflows is dropped.
        guard low.isFinite, high.isFinite, (high - low).isFinite else { return (low...max(high, low), [low, max(high, low)]) }
        let step = step(for: high - low, targetIntervals: targetIntervals)
        let first = (low / step + 1e-9).rounded(.down), last = (high / step - 1e-9).rounded(.up)
        let ticks = stride(from: first, through: last, by: 1).map { clean($0 * step, step: step) }.filter(\.isFinite)
        let lower = ticks.first ?? low, upper = min(max(ticks.last ?? high, lower + step), .greatestFiniteMagnitude)
        return (lower...upper, ticks.count >= 2 ? ticks : [lower, upper])
    }

    /// A tick label: as few decimals as the step needs (0.25 → "0.25", 200 → "200").
    ///
    /// - Parameters:
    ///   - value: the tick value.
    ///   - step: the axis step.
    /// - Returns: the label.
    public static func label(_ value: Double, step: Double) -> String {
        guard step.isFinite, step > 0, value.isFinite else { return String(format: "%g", value) }
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        if abs(value) >= 1e6 || (abs(value) < 1e-4 && value != 0) { return String(format: "%g", value) }
        return String(format: "%.\(min(decimals, 8))f", value)
    }

    /// Removes floating-point dust from a multiple of `step` (0.30000000000000004 → 0.3).
    static func clean(_ value: Double, step: Double) -> Double {
        guard step.isFinite, step > 0, value.isFinite else { return value }
        let decimals = max(0, Int((-log10(step)).rounded(.up)) + 2)
        let scale = pow(10, Double(min(decimals, 15)))
        let result = (value * scale).rounded() / scale
        return result == 0 ? 0 : result
    }
}
