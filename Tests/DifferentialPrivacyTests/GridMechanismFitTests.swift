import DifferentialPrivacy
import Foundation
import Sodium
import Testing

/// Kolmogorov–Smirnov fits of the grid-released continuous mechanisms against the
/// continuous Gaussian and Laplace distribution functions (critical value at α = 1e-5; the
/// grid's own distance from the continuous law, ~2^−19, is far below the KS resolution).
@Suite struct GridMechanismFitTests {
    static let count = 50_000

    @Test(arguments: [0.3, 1.0, 10.0, 2500.0])
    func gaussianMatchesNormalCDF(sigma: Double) throws {
        let mechanism = try GaussianMechanism(sigma: sigma)
        var rng = ChaChaRandom(seed: UInt64(sigma * 10) + 1)
        var values = [Double](repeating: 1.5, count: Self.count)
        try mechanism.addNoise(to: &values, using: &rng)
        let s = mechanism.sigma
        let (d, threshold) = GoodnessOfFit.kolmogorovSmirnov(samples: values) { x in
            0.5 * erfc(-(x - 1.5) / (s * 2.0.squareRoot()))
        }
        #expect(d < threshold, "KS \(d) >= \(threshold)")
        #expect(abs(mechanism.sigma - sigma) / sigma < 0x1p-19)
    }

    @Test(arguments: [0.3, 1.0, 10.0, 2500.0])
    func laplaceMatchesLaplaceCDF(scale: Double) throws {
        let mechanism = try LaplaceMechanism(scale: scale)
        var rng = ChaChaRandom(seed: UInt64(scale * 10) + 2)
        var values = [Double](repeating: -4, count: Self.count)
        try mechanism.addNoise(to: &values, using: &rng)
        let b = mechanism.scale
        let (d, threshold) = GoodnessOfFit.kolmogorovSmirnov(samples: values) { x in
            let z = (x + 4) / b
            return z < 0 ? 0.5 * exp(z) : 1 - 0.5 * exp(-z)
        }
        #expect(d < threshold, "KS \(d) >= \(threshold)")
    }

    /// The in-place vector form and the copying form draw the same stream and land on the
    /// grid; a vector holding NaN or ±∞ is refused whole and left untouched.
    @Test func inPlaceAndCopyAgree() throws {
        let mechanism = try GaussianMechanism(sigma: 3, sensitivity: 1)
        var a = ChaChaRandom(seed: 9), b = ChaChaRandom(seed: 9)
        var inPlace: [Double] = [0.1, -2, 1e6]
        try mechanism.addNoise(to: &inPlace, using: &a)
        let copy = try mechanism.release([0.1, -2, 1e6], using: &b)
        #expect(inPlace == copy)
        for v in inPlace { #expect((v / mechanism.granularity).rounded() == v / mechanism.granularity) }
        var refused: [Double] = [0.1, -2, 1e6, .nan, .infinity]
        #expect(throws: DifferentialPrivacyError.nonFiniteValue(index: 3)) { try mechanism.addNoise(to: &refused, using: &a) }
        #expect(refused[0..<3] == [0.1, -2, 1e6] && refused[3].isNaN && refused[4] == .infinity)
    }
}
