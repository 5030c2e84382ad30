import Sodium
import Testing
@testable import FedAvg

@Suite("DP-SGD Gaussian noise")
struct GaussianNoiseTests {
    @Test func momentsMatchTheRequestedDeviation() throws {
        var generator = ChaChaRandom(seed: 11)
        var noise = [Double](repeating: 0, count: 40_000)
        try GaussianNoise.sample(into: &noise, standardDeviation: 2.5, using: &generator)
        let mean = noise.reduce(0, +) / Double(noise.count)
        let variance = noise.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(noise.count - 1)
        // Standard errors: mean 2.5/200 = 0.0125, variance 6.25·sqrt(2/40000) ≈ 0.044; bounds are 5 SE.
        #expect(abs(mean) < 0.0625)
        #expect(abs(variance - 6.25) < 0.22)
    }

    @Test func drawsLieOnTheMechanismGrid() throws {
        var generator = ChaChaRandom(seed: 12)
        var noise = [Double](repeating: 0, count: 1000)
        try GaussianNoise.sample(into: &noise, standardDeviation: 3, using: &generator)
        let step = 0x1p-18  // 2^(⌊log2 3⌋ − 19)
        #expect(noise.allSatisfy { ($0 / step).rounded() == $0 / step })
        #expect(Set(noise).count > 990)
    }

    @Test func zeroDeviationGivesZerosAndBadDeviationThrows() throws {
        var generator = ChaChaRandom(seed: 13)
        var noise = [Double](repeating: 7, count: 5)
        try GaussianNoise.sample(into: &noise, standardDeviation: 0, using: &generator)
        #expect(noise == [0, 0, 0, 0, 0])
        #expect(throws: FedAvgError.self) { try GaussianNoise.sample(into: &noise, standardDeviation: -1, using: &generator) }
        #expect(throws: FedAvgError.self) { try GaussianNoise.sample(into: &noise, standardDeviation: .nan, using: &generator) }
    }
}
