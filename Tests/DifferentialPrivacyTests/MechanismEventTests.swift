import DifferentialPrivacy
import PrivacyAccounting
import Sodium
import Testing

@Suite struct MechanismEventTests {
    @Test func eventsMatchParameters() throws {
        // Grid mechanisms: sensitivity plus the grid step (2^−16 at σ = 8, 2^−17 at b = 4).
        #expect(try GaussianMechanism(sigma: 8, sensitivity: 2).privacyEvent == .gaussian(noiseMultiplier: 8 / (2 + 0x1p-16)))
        #expect(try GaussianMechanism(sigma: 8, sensitivity: 2).privacyEvent(dimension: 4) == .gaussian(noiseMultiplier: 8 / (2 + 2 * 0x1p-16)))
        // Grid units: g = 2^-17 for b = 4, so b/g = 2^19 and (Δ + g)/g = 2^17 + 1.
        #expect(try LaplaceMechanism(scale: 4, sensitivity: 1).privacyEvent == .discreteLaplace(scale: 0x1p19, sensitivity: 0x1p17 + 1))
        #expect(try LaplaceMechanism(scale: 4, sensitivity: 1).privacyEvent(dimension: 8) == .discreteLaplace(scale: 0x1p19, sensitivity: 0x1p17 + 8))
        // Its ε is the continuous Laplace's at Δ + g, up to the last grid step.
        let accountant = RDPAccountant()
        let grid = try accountant.composing(LaplaceMechanism(scale: 4, sensitivity: 1).privacyEvent).epsilon(delta: 1e-6).epsilon
        let continuous = try accountant.composing(.laplace(scale: 4, sensitivity: 1 + 0x1p-17)).epsilon(delta: 1e-6).epsilon
        #expect(grid >= continuous && grid < continuous * (1 + 1e-9))
        #expect(try DiscreteGaussianMechanism(sigma: 10, sensitivity: 3).privacyEvent == .discreteGaussian(sigma: 10, sensitivity: 3))
        #expect(try DiscreteLaplaceMechanism(scale: 2, sensitivity: 1).privacyEvent == .discreteLaplace(scale: 2, sensitivity: 1))
        // A σ off the grid: the event reports the σ actually used, within 2^−19 of the request.
        let odd = try GaussianMechanism(sigma: 3.3, sensitivity: 1.1)
        #expect(odd.privacyEvent == .gaussian(noiseMultiplier: odd.sigma / (1.1 + odd.granularity)))
        #expect(abs(odd.sigma - 3.3) / 3.3 < 0x1p-19)
        let laplace = try LaplaceMechanism(scale: 0.7, sensitivity: 0.2)
        #expect(laplace.privacyEvent == .discreteLaplace(
            scale: laplace.scale / laplace.granularity, sensitivity: (0.2 + laplace.granularity) / laplace.granularity))
    }

    @Test func discreteVectorFormsShareTheStream() throws {
        let mechanism = try DiscreteGaussianMechanism(sigma: 5)
        var a = ChaChaRandom(seed: 12), b = ChaChaRandom(seed: 12)
        let edge = mechanism.largestExactMagnitude
        var values: [Int64] = [edge, -edge, 0, 42]
        try mechanism.addNoise(to: &values, using: &a)
        #expect(try values == mechanism.release([edge, -edge, 0, 42], using: &b))
        #expect(abs(values[0] - edge) < 200 && abs(values[1] + edge) < 200)
        let laplace = try DiscreteLaplaceMechanism(scale: 3)
        var counts: [Int64] = Array(repeating: 10, count: 1000)
        try laplace.addNoise(to: &counts, using: &a)
        #expect(Set(counts).count > 10)
    }

    @Test func gridReleaseStaysOnGridAndIsSeeded() throws {
        let mechanism = try GaussianMechanism(sigma: 10)
        var a = ChaChaRandom(seed: 3), b = ChaChaRandom(seed: 3)
        let x = try mechanism.release([1.0, 2.0, 3.0], using: &a)
        #expect(try x == mechanism.release([1.0, 2.0, 3.0], using: &b))
        for v in x { #expect((v / mechanism.granularity).rounded() == v / mechanism.granularity) }
        #expect(thrownPrivacyError { try GaussianMechanism(sigma: .infinity) }?.invalidParameterName == "sigma")
        #expect(thrownPrivacyError { try GaussianMechanism(sigma: 1e-320) }?.invalidParameterName == "sigma")
        #expect(thrownPrivacyError { try LaplaceMechanism(scale: 1e-310) }?.invalidParameterName == "scale")
        #expect(thrownPrivacyError { try LaplaceMechanism(scale: 1e305) }?.invalidParameterName == "scale")
        #expect(try GaussianMechanism(sigma: 1e-300).sigma > 0)
        #expect(thrownPrivacyError { try LaplaceMechanism(scale: 1, sensitivity: 0) }?.invalidParameterName == "sensitivity")
    }

    /// Long vectors from SecureRandom read a freshly keyed ChaCha20 stream: fresh noise on
    /// every call, on the grid, with the spread of σ (a 10σ band holds every value).
    @Test func secureRandomVectorsAreFreshAndOnTheGrid() throws {
        let mechanism = try GaussianMechanism(sigma: 2)
        var rng = SecureRandom()
        var first = [Double](repeating: 0, count: 1000), second = first
        try mechanism.addNoise(to: &first, using: &rng)
        try mechanism.addNoise(to: &second, using: &rng)
        #expect(first != second)
        #expect(Set(first).count > 900)
        #expect(first.allSatisfy { abs($0) < 20 && ($0 / mechanism.granularity).rounded() == $0 / mechanism.granularity })
        let sampler = try DiscreteGaussianSampler(sigma: 2)
        var integers = [Int64](repeating: 0, count: 1000)
        integers.withUnsafeMutableBufferPointer { sampler.fill($0, using: &rng) }
        #expect(Set(integers).count > 5 && integers.allSatisfy { abs($0) < 20 })
    }
}
