import Sodium
import Testing
@testable import FedAvg

@Suite("DP-SGD Gaussian noise")
struct GaussianNoiseTests {
    @Test func momentsMatchTheRequestedDeviation() throws {
        var generator = ChaChaRandom(seed: 11)
        var vector = [Double](repeating: 1.25, count: 40_000)
        try GaussianNoise(noiseMultiplier: 2.5, clipNorm: 1).addNoise(to: &vector, using: &generator)
        let mean = vector.reduce(0, +) / Double(vector.count)
        let variance = vector.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(vector.count - 1)
        // Standard errors: mean 2.5/200 = 0.0125, variance 6.25·sqrt(2/40000) ≈ 0.044; bounds are 5 SE.
        #expect(abs(mean - 1.25) < 0.0625)
        #expect(abs(variance - 6.25) < 0.22)
    }

    @Test func releasesLieOnTheGridEvenForOffGridInputs() throws {
        var generator = ChaChaRandom(seed: 12)
        // 1/3 is not a multiple of the grid step, so input + noise would not be either.
        var vector = [Double](repeating: 1.0 / 3.0, count: 1000)
        try GaussianNoise(noiseMultiplier: 1.5, clipNorm: 2).addNoise(to: &vector, using: &generator)
        let step = 0x1p-18  // 2^(⌊log2 3⌋ − 19)
        #expect(vector.allSatisfy { ($0 / step).rounded() == $0 / step })
        #expect(Set(vector).count > 990)
    }

    @Test func accountedMultiplierIsJustBelowTheNominalOne() throws {
        let noise = try GaussianNoise(noiseMultiplier: 3, clipNorm: 1)
        let accounted = noise.accountedNoiseMultiplier(dimension: 25)
        #expect(accounted < 3)
        // g = 2^-18 for σ·C = 3, so the correction is g·√25 / C ≈ 1.9e-5 of σ.
        #expect(accounted > 3 * (1 - 1e-4))
        #expect(noise.accountedNoiseMultiplier(dimension: 10_000) < accounted)
    }

    @Test func zeroMultiplierLeavesTheVectorAndBadParametersThrow() throws {
        var generator = ChaChaRandom(seed: 13)
        var vector: [Double] = [7, -1.5, 0.1]
        try GaussianNoise(noiseMultiplier: 0, clipNorm: 1).addNoise(to: &vector, using: &generator)
        #expect(vector == [7, -1.5, 0.1])
        #expect(throws: FedAvgError.self) { try GaussianNoise(noiseMultiplier: -1, clipNorm: 1) }
        #expect(throws: FedAvgError.self) { try GaussianNoise(noiseMultiplier: .nan, clipNorm: 1) }
        #expect(throws: FedAvgError.self) { try GaussianNoise(noiseMultiplier: 1, clipNorm: 0) }
        #expect(throws: FedAvgError.self) { try GaussianNoise(noiseMultiplier: 1, clipNorm: .infinity) }
    }
}
