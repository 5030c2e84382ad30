import DifferentialPrivacy
import PrivacyAccounting

/// The Gaussian noise used by DP-SGD, central DP-FedAvg and local DP: the one place noise
/// is added. It goes through the `DifferentialPrivacy` module's ``GaussianMechanism``, which
/// rounds the vector to a fine grid (step ≈ σ·2⁻¹⁹) and adds exact discrete Gaussian noise
/// on that grid. Noise must be added to the vector itself, not drawn apart and summed in
/// floating point: grid noise added to an unrounded real would let the low-order bits of
/// the result reveal the input (Mironov 2012).
struct GaussianNoise: Sendable {
    /// The mechanism, or nil when the noise multiplier is zero (no noise).
    private let mechanism: GaussianMechanism?

    /// Noise of deviation `noiseMultiplier · clipNorm` for vectors of ℓ2 sensitivity `clipNorm`.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a negative or non-finite
    ///   multiplier, or a clipping norm that is not finite and > 0.
    init(noiseMultiplier: Double, clipNorm: Double) throws {
        guard noiseMultiplier.isFinite, noiseMultiplier >= 0 else {
            throw FedAvgError.invalidParameter(name: "noiseMultiplier", reason: "must be finite and >= 0, got \(noiseMultiplier)")
        }
        guard clipNorm.isFinite, clipNorm > 0 else {
            throw FedAvgError.invalidParameter(name: "clipNorm", reason: "must be finite and > 0, got \(clipNorm)")
        }
        guard noiseMultiplier > 0 else {
            mechanism = nil
            return
        }
        do {
            mechanism = try GaussianMechanism(sigma: noiseMultiplier * clipNorm, sensitivity: clipNorm)
        } catch {
            throw FedAvgError.invalidParameter(name: "noiseMultiplier", reason: error.description)
        }
    }

    /// Releases `vector` in place: every coordinate rounded to the grid plus grid noise.
    /// With a zero multiplier the vector is left as it is.
    func addNoise<R: RandomNumberGenerator>(to vector: inout [Double], using generator: inout R) {
        mechanism?.addNoise(to: &vector, using: &generator)
    }

    /// The noise multiplier the accountant must use for one release of a vector with
    /// `dimension` coordinates: σ_actual / (C + g·√d), a hair below the nominal one because
    /// grid rounding can move two neighbouring vectors apart by g·√d more (see
    /// `GaussianMechanism.privacyEvent(dimension:)`).
    func accountedNoiseMultiplier(dimension: Int) -> Double {
        guard let mechanism else { return 0 }
        if case .gaussian(let multiplier) = mechanism.privacyEvent(dimension: dimension) { return multiplier }
        preconditionFailure("GaussianMechanism describes itself as a Gaussian event")
    }
}
