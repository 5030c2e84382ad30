import Foundation

/// The Gaussian noise used by DP-SGD, central DP-FedAvg and local DP — the one place noise
/// is drawn, so that swapping in the `DifferentialPrivacy` module's Gaussian mechanism (released
/// on a granularity grid through the exact discrete sampler) changes nothing else.
///
/// This version draws Box–Muller samples from 53-bit uniforms of the caller's generator. Its
/// distribution is right for accounting, but like every textbook floating-point sampler it is
/// not hardened against the least-significant-bit attacks of Mironov 2012, which the grid-based
/// mechanism is.
enum GaussianNoise {
    /// Fills `buffer` with independent N(0, standardDeviation²) draws.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a negative or non-finite deviation.
    static func sample<R: RandomNumberGenerator>(
        into buffer: inout [Double], standardDeviation: Double, using generator: inout R
    ) throws {
        guard standardDeviation.isFinite, standardDeviation >= 0 else {
            throw FedAvgError.invalidParameter(name: "standardDeviation", reason: "must be finite and >= 0, got \(standardDeviation)")
        }
        var index = 0
        while index < buffer.count {
            // Box–Muller on 53-bit uniforms; u1 is kept away from 0.
            let u1 = (Double(generator.next() >> 11) + 0.5) * 0x1p-53
            let u2 = Double(generator.next() >> 11) * 0x1p-53
            let radius = (-2 * log(u1)).squareRoot() * standardDeviation
            buffer[index] = radius * cos(2 * .pi * u2)
            if index + 1 < buffer.count { buffer[index + 1] = radius * sin(2 * .pi * u2) }
            index += 2
        }
    }
}
