import DifferentialPrivacy

/// The Gaussian noise used by DP-SGD, central DP-FedAvg and local DP: the one place noise
/// is drawn. It goes through the `DifferentialPrivacy` module's ``GaussianMechanism``, which
/// releases on a fine granularity grid through the exact discrete Gaussian sampler, so the
/// noise is immune to the floating-point attacks (Mironov 2012) that a Box–Muller sampler on
/// doubles is open to.
enum GaussianNoise {
    /// Fills `buffer` with independent draws of N(0, standardDeviation²), as released on the
    /// mechanism's grid (step ≈ standardDeviation · 2⁻¹⁹).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a negative or non-finite deviation.
    static func sample<R: RandomNumberGenerator>(
        into buffer: inout [Double], standardDeviation: Double, using generator: inout R
    ) throws {
        guard standardDeviation.isFinite, standardDeviation >= 0 else {
            throw FedAvgError.invalidParameter(name: "standardDeviation", reason: "must be finite and >= 0, got \(standardDeviation)")
        }
        guard standardDeviation > 0 else {
            for index in buffer.indices { buffer[index] = 0 }
            return
        }
        let mechanism: GaussianMechanism
        do {
            mechanism = try GaussianMechanism(sigma: standardDeviation)
        } catch {
            throw FedAvgError.invalidParameter(name: "standardDeviation", reason: error.description)
        }
        for index in buffer.indices {
            buffer[index] = mechanism.release(0, using: &generator)
        }
    }
}
