import Foundation
import PrivacyAccounting
import Sodium
import Testing
@testable import DifferentialPrivacy

/// The distributed DP client/server pipeline: exact decoding when nothing wraps, an
/// orthogonal rotation, and noise in the sum with the variance the accounting assumes.
@Suite struct DistributedDPPipelineTests {
    static let seed = [UInt8](repeating: 7, count: 32)

    static func updates(_ count: Int, dimension: Int, rng: inout ChaChaRandom) -> [[Double]] {
        (0..<count).map { _ in (0..<dimension).map { _ in Double(Int64(bitPattern: rng.next()) % 2000) / 1000 } }
    }

    @Test func rotationIsOrthogonalAndInvertible() throws {
        var rng = ChaChaRandom(seed: 1)
        for dimension in [1, 3, 100, 1024, 1500] {
            let x = Self.updates(1, dimension: dimension, rng: &rng)[0]
            let y = try RandomizedHadamard.rotate(x, seed: Self.seed)
            #expect(y.count == RandomizedHadamard.paddedCount(dimension))
            let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(nx - ny) <= 1e-12 * nx, "d = \(dimension)")
            let back = try RandomizedHadamard.unrotate(y, seed: Self.seed, dimension: dimension)
            for i in x.indices { #expect(abs(back[i] - x[i]) <= 1e-12 * nx) }
        }
        // Another seed, another rotation.
        let x = [1.0, 0, 0, 0]
        #expect(try RandomizedHadamard.rotate(x, seed: Self.seed) != RandomizedHadamard.rotate(x, seed: [UInt8](repeating: 8, count: 32)))
        #expect(throws: DistributedDPPipelineError.invalidParameter(name: "rotation_seed", reason: "must be 32 bytes, got 3")) {
            try RandomizedHadamard.rotate(x, seed: [1, 2, 3])
        }
    }

    /// With noise recorded: the signed modular sum is exactly Σ(rounded + noise), and the
    /// decoded sum is the sum of the clipped inputs plus the rotated-back noise, up to the
    /// stochastic rounding (at most √d/scale per client in L2).
    @Test(arguments: [DistributedMechanism.discreteGaussian, .skellam])
    func decodedSumIsClippedSumPlusNoiseWhenNothingWraps(mechanism: DistributedMechanism) throws {
        let dimension = 100, clients = 8, clip = 1.0, scale = 64.0
        let pipeline = try DistributedDPPipeline(
            mechanism: mechanism, bits: 20, dimension: dimension, clip: clip, scale: scale, beta: exp(-0.5), localNoise: 3)
        var rng = ChaChaRandom(seed: 42)
        let inputs = Self.updates(clients, dimension: dimension, rng: &rng)
        let encodings = try inputs.map { try pipeline.encode($0, rotationSeed: Self.seed, using: &rng) }
        let sum = pipeline.modularSum(encodings.map(\.wrapped))
        var exact = [Int64](repeating: 0, count: pipeline.paddedDimension)
        for e in encodings { for i in exact.indices { exact[i] += e.rounded[i] + e.noise[i] } }
        #expect(pipeline.signed(sum) == exact)
        #expect(encodings.allSatisfy { $0.noise.contains { $0 != 0 } })
        let decoded = try pipeline.decode(sum, rotationSeed: Self.seed)
        var clippedSum = [Double](repeating: 0, count: dimension)
        for x in inputs {
            let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in x.indices { clippedSum[i] += x[i] * min(1, clip / norm) }
        }
        var noiseSum = [Double](repeating: 0, count: pipeline.paddedDimension)
        for e in encodings { for i in noiseSum.indices { noiseSum[i] += Double(e.noise[i]) / scale } }
        let noiseBack = try RandomizedHadamard.unrotate(noiseSum, seed: Self.seed, dimension: dimension)
        var squaredError = 0.0
        for i in 0..<dimension {
            let difference: Double = decoded[i] - clippedSum[i] - noiseBack[i]
            squaredError += difference * difference
        }
        let error = squaredError.squareRoot()
        #expect(error <= Double(clients) * Double(pipeline.paddedDimension).squareRoot() / scale)
        // Each rounded vector is within the inflated bound the accounting uses.
        for e in encodings {
            #expect(Double(e.rounded.reduce(0) { $0 + $1 * $1 }).squareRoot() <= pipeline.roundedBound)
        }
    }

    /// The noise in the sum of n clients has variance n·σ² (discrete Gaussian, σ ≥ 1: the
    /// discrete variance is within 1e-8 of σ²) or n·2μ (Skellam): the variance the events'
    /// accounting assumes. 32,768 coordinates: the sample variance's relative standard
    /// error is √(2/m) ≈ 0.8%, the tolerance 4%.
    @Test(arguments: [DistributedMechanism.discreteGaussian, .skellam])
    func noiseInTheSumHasTheAccountedVariance(mechanism: DistributedMechanism) throws {
        let dimension = 32_768, clients = 10
        let localNoise = mechanism == .discreteGaussian ? 2.5 : 4.0
        let pipeline = try DistributedDPPipeline(
            mechanism: mechanism, bits: 24, dimension: dimension, clip: 1, scale: 16, beta: 0, localNoise: localNoise)
        var rng = ChaChaRandom(seed: 2021)
        let zero = [Double](repeating: 0, count: dimension)
        let encodings = try (0..<clients).map { _ in try pipeline.encode(zero, rotationSeed: Self.seed, using: &rng) }
        let sum = pipeline.signed(pipeline.modularSum(encodings.map(\.wrapped)))
        let mean = Double(sum.reduce(0, +)) / Double(dimension)
        let variance = sum.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(dimension - 1)
        let expected = Double(clients) * (mechanism == .discreteGaussian ? localNoise * localNoise : 2 * localNoise)
        #expect(abs(variance / expected - 1) < 0.04, "variance \(variance), accounted \(expected)")
        print("distributed \(mechanism.rawValue): noise variance in the sum \(variance), accounted \(expected), ratio \(variance / expected)")
        #expect(abs(mean) < 4 * (expected / Double(dimension)).squareRoot())
    }

    @Test func badInputIsRefusedAndRoundingFailsClosed() throws {
        let pipeline = try DistributedDPPipeline(
            mechanism: .discreteGaussian, bits: 16, dimension: 4, clip: 1, scale: 10, beta: 0.5, localNoise: 2)
        var rng = ChaChaRandom(seed: 3)
        #expect(throws: DistributedDPPipelineError.nonFiniteValue(index: 2)) {
            try pipeline.encode([0, 1, .nan, 0], rotationSeed: Self.seed, using: &rng)
        }
        #expect(throws: DistributedDPPipelineError.dimensionMismatch(expected: 4, got: 3)) {
            try pipeline.encode([0, 1, 0], rotationSeed: Self.seed, using: &rng)
        }
        // A generator that always rounds up makes every rounding exceed the bound.
        struct AlwaysZero: RandomNumberGenerator { mutating func next() -> UInt64 { 0 } }
        var zero = AlwaysZero()
        let tight = try DistributedDPPipeline(
            mechanism: .discreteGaussian, bits: 16, dimension: 1024, clip: 1, scale: 0.5, beta: 0.9, localNoise: 2)
        let update = (0..<1024).map { Double(($0 % 3) - 1) * 0.03 }
        #expect(throws: DistributedDPPipelineError.roundingRetriesExhausted(attempts: 1000, bound: tight.roundedBound)) {
            try tight.encode(update, rotationSeed: Self.seed, using: &zero)
        }
    }

    /// The pipeline's event is the accounting's, at the noise actually sampled.
    @Test func roundEventUsesTheSampledNoise() throws {
        let pipeline = try DistributedDPPipeline(
            mechanism: .skellam, bits: 16, dimension: 1000, clip: 1, scale: 100, beta: exp(-0.5), localNoise: 12.3456)
        let event = try pipeline.roundEvent(minimumClients: 7)
        let expected = try PrivacyEvent.distributedSkellam(
            l2Clip: 1, scale: 100, beta: exp(-0.5), dimension: 1024, localMu: pipeline.localNoise, minimumClients: 7)
        #expect(event == expected)
        #expect(abs(pipeline.localNoise - 12.3456) <= 1.0 / 2048)
    }
}
