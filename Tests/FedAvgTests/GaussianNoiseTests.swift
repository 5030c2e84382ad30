import Sodium
import Testing
@testable import FedAvg

@Suite("DP-SGD Gaussian noise")
struct GaussianNoiseTests {
    @Test func momentsMatchTheRequestedDeviation() throws {
        var generator = ChaChaRandom(seed: 11)
        var vector = [Double](repeating: 1.25, count: 40_000)
        try GaussianNoise(noiseMultiplier: 2.5, clipNorm: 1, dimension: 26).addNoise(to: &vector, using: &generator)
        let mean = vector.reduce(0, +) / Double(vector.count)
        let variance = vector.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(vector.count - 1)
        // Standard errors: mean 2.5/200 = 0.0125, variance 6.25·sqrt(2/40000) ≈ 0.044; bounds are 5 SE.
        #expect(abs(mean - 1.25) < 0.0625)
        #expect(abs(variance - 6.25) < 0.22)
    }

    /// A local-DP release hides the whole clipped update, and two of those lie up to 2S
    /// apart: the noise is σ·2S (it was σ·S, which understated the RDP by a factor of 4).
    @Test func localModeNoiseCoversTheDiameterOfTheClippingBall() throws {
        let noise = try PrivacyMode.localNoise(clipNorm: 0.5, noiseMultiplier: 3, dimension: 26)
        #expect(noise.standardDeviation >= 3 * 2 * 0.5)
        #expect(noise.standardDeviation < 3 * 2 * 0.5 * 1.001)
    }

    /// Central noise covers the quantization a secure aggregator applies before it: a client's
    /// quantized update can exceed S by one grid step per entry.
    @Test func centralNoiseCoversTheAggregatorsQuantization() {
        #expect(FederatedTraining.centralSensitivity(clipNorm: 1, errorBound: 0, contributors: 10, dimension: 21) == 1)
        let step = 0.0049
        let sensitivity = FederatedTraining.centralSensitivity(clipNorm: 1, errorBound: 10 * step, contributors: 10, dimension: 21)
        #expect(abs(sensitivity - (1 + step * 21.0.squareRoot())) < 1e-12)
    }

    @Test func releasesLieOnTheGridEvenForOffGridInputs() throws {
        var generator = ChaChaRandom(seed: 12)
        // 1/3 is not a multiple of the grid step, so input + noise would not be either.
        var vector = [Double](repeating: 1.0 / 3.0, count: 1000)
        try GaussianNoise(noiseMultiplier: 1.5, clipNorm: 2, dimension: 26).addNoise(to: &vector, using: &generator)
        let step = 0x1p-18  // 2^(⌊log2 3⌋ − 19)
        #expect(vector.allSatisfy { ($0 / step).rounded() == $0 / step })
        #expect(Set(vector).count > 990)
    }

    @Test(arguments: [(3.0, 1.0, 26), (0.7, 0.1, 1), (1.0, 1.0, 1_000_000), (4.0, 1.0 / 3.0, 100)])
    func guaranteeCoversTheNominalMultiplierWithATinyRaise(sigma: Double, clip: Double, dimension: Int) throws {
        let noise = try GaussianNoise(noiseMultiplier: sigma, clipNorm: clip, dimension: dimension)
        // The ledgers are charged σ, so the grid mechanism must guarantee at least σ...
        #expect(noise.guaranteedNoiseMultiplier >= sigma)
        // ...for a deviation raised by about g·√d/C ≈ 2^-19·σ·√d, and no more.
        let raise = noise.standardDeviation / (sigma * clip) - 1
        #expect(raise >= 0)
        #expect(raise < 4 * 0x1p-19 * sigma * Double(dimension).squareRoot() + 0x1p-17)
    }

    @Test func zeroMultiplierLeavesTheVectorAndBadParametersThrow() throws {
        var generator = ChaChaRandom(seed: 13)
        var vector: [Double] = [7, -1.5, 0.1]
        try GaussianNoise(noiseMultiplier: 0, clipNorm: 1, dimension: 3).addNoise(to: &vector, using: &generator)
        #expect(vector == [7, -1.5, 0.1])
        #expect(thrownError(FedAvgError.self) { try GaussianNoise(noiseMultiplier: -1, clipNorm: 1, dimension: 3) }?.parameterName == "noiseMultiplier")
        #expect(thrownError(FedAvgError.self) { try GaussianNoise(noiseMultiplier: .nan, clipNorm: 1, dimension: 3) }?.parameterName == "noiseMultiplier")
        #expect(thrownError(FedAvgError.self) { try GaussianNoise(noiseMultiplier: 1, clipNorm: 0, dimension: 3) }?.parameterName == "clipNorm")
        #expect(thrownError(FedAvgError.self) { try GaussianNoise(noiseMultiplier: 1, clipNorm: .infinity, dimension: 3) }?.parameterName == "clipNorm")
    }
}
