import DifferentialPrivacy
import PrivacyAccounting
import Sodium
import Testing

@Suite struct MechanismEventTests {
    @Test func eventsMatchParameters() throws {
        #expect(try GaussianMechanism(sigma: 8, sensitivity: 2).privacyEvent == .gaussian(noiseMultiplier: 4))
        #expect(try LaplaceMechanism(scale: 4, sensitivity: 1).privacyEvent == .laplace(scale: 4, sensitivity: 1))
        #expect(try DiscreteGaussianMechanism(sigma: 10, sensitivity: 3).privacyEvent == .discreteGaussian(sigma: 10, sensitivity: 3))
        #expect(try DiscreteLaplaceMechanism(scale: 2, sensitivity: 1).privacyEvent == .laplace(scale: 2, sensitivity: 1))
    }

    @Test func gridReleaseStaysOnGridAndIsSeeded() throws {
        let mechanism = try GaussianMechanism(sigma: 10)
        var a = ChaChaRandom(seed: 3), b = ChaChaRandom(seed: 3)
        let x = mechanism.release([1.0, 2.0, 3.0], using: &a)
        #expect(x == mechanism.release([1.0, 2.0, 3.0], using: &b))
        for v in x { #expect((v / mechanism.granularity).rounded() == v / mechanism.granularity) }
        #expect(throws: DifferentialPrivacyError.self) { try GaussianMechanism(sigma: .infinity) }
        #expect(throws: DifferentialPrivacyError.self) { try LaplaceMechanism(scale: 1, sensitivity: 0) }
    }
}
