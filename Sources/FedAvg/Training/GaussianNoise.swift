import DifferentialPrivacy
import PrivacyAccounting

/// The Gaussian noise used by DP-SGD, central DP-FedAvg and local DP: the one place noise
/// is added. It goes through the `DifferentialPrivacy` module's ``GaussianMechanism``, which
/// rounds the vector to a fine grid (step g ≈ σ·2⁻¹⁹) and adds exact discrete Gaussian
/// noise on that grid. Noise must be added to the vector itself, not drawn apart and summed
/// in floating point: grid noise added to an unrounded real would let the low-order bits of
/// the result reveal the input (Mironov 2012).
///
/// Grid rounding can move two neighbouring vectors of d coordinates g·√d further apart, so
/// the mechanism's own guarantee is σ_actual / (C + g·√d). The deviation is raised by that
/// factor (relative ≈ 2⁻¹⁹·√d·σ) so that the guarantee is at least the nominal multiplier
/// σ and the ledgers can be charged exactly what the user asked for.
struct GaussianNoise: Sendable {
    /// The mechanism, or nil when the noise multiplier is zero (no noise).
    private let mechanism: GaussianMechanism?
    private let dimension: Int

    /// Noise guaranteeing multiplier `noiseMultiplier` for vectors of `dimension`
    /// coordinates and ℓ2 sensitivity `clipNorm`.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for a negative or non-finite
    ///   multiplier, or a clipping norm that is not finite and > 0.
    init(noiseMultiplier: Double, clipNorm: Double, dimension: Int) throws {
        guard noiseMultiplier.isFinite, noiseMultiplier >= 0 else {
            throw FedAvgError.invalidParameter(name: "noiseMultiplier", reason: "must be finite and >= 0, got \(noiseMultiplier)")
        }
        guard clipNorm.isFinite, clipNorm > 0 else {
            throw FedAvgError.invalidParameter(name: "clipNorm", reason: "must be finite and > 0, got \(clipNorm)")
        }
        self.dimension = max(dimension, 1)
        guard noiseMultiplier > 0 else {
            mechanism = nil
            return
        }
        do {
            var deviation = noiseMultiplier * clipNorm
            var candidate = try GaussianMechanism(sigma: deviation, sensitivity: clipNorm)
            // Converges in one or two steps; the loop covers a grid step that doubles when
            // the raised deviation crosses a power of two.
            for _ in 0..<8 where Self.guarantee(of: candidate, dimension: self.dimension) < noiseMultiplier {
                deviation *= noiseMultiplier / Self.guarantee(of: candidate, dimension: self.dimension) * (1 + 0x1p-18)
                candidate = try GaussianMechanism(sigma: deviation, sensitivity: clipNorm)
            }
            guard Self.guarantee(of: candidate, dimension: self.dimension) >= noiseMultiplier else {
                throw FedAvgError.invalidParameter(name: "noiseMultiplier", reason: "no grid mechanism guarantees \(noiseMultiplier)")
            }
            mechanism = candidate
        } catch let error as DifferentialPrivacyError {
            throw FedAvgError.invalidParameter(
                name: "noiseMultiplier × clipNorm", reason: "\(noiseMultiplier) × \(clipNorm) gives no usable noise: \(error.description)")
        }
    }

    /// The standard deviation actually drawn (0 without noise).
    var standardDeviation: Double { mechanism?.sigma ?? 0 }

    /// The multiplier the grid mechanism guarantees for one vector release (≥ the nominal one).
    var guaranteedNoiseMultiplier: Double {
        mechanism.map { Self.guarantee(of: $0, dimension: dimension) } ?? 0
    }

    /// Releases `vector` in place: every coordinate rounded to the grid plus grid noise.
    /// With a zero multiplier the vector is left as it is (after the same finiteness check).
    ///
    /// - Throws: ``FedAvgError/releaseRefused(_:)`` when a coordinate is NaN, infinite or
    ///   beyond the grid (training diverged): nothing is released then.
    func addNoise<R: RandomNumberGenerator>(to vector: inout [Double], using generator: inout R) throws(FedAvgError) {
        do throws(DifferentialPrivacyError) {
            if let mechanism {
                try mechanism.addNoise(to: &vector, using: &generator)
            } else if let index = vector.firstIndex(where: { !$0.isFinite }) {
                // No noise to add, but a diverged update must not pass either.
                throw DifferentialPrivacyError.nonFiniteValue(index: index)
            }
        } catch {
            throw .releaseRefused(error)
        }
    }

    private static func guarantee(of mechanism: GaussianMechanism, dimension: Int) -> Double {
        if case .gaussian(let multiplier) = mechanism.privacyEvent(dimension: dimension) { return multiplier }
        preconditionFailure("GaussianMechanism describes itself as a Gaussian event")
    }
}
