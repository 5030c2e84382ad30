import DifferentialPrivacy
import Foundation
import PrivacyAccounting
import Testing
@testable import FedAvg

/// Distributed DP through the real SecAgg / SecAgg+ protocol over Z_{2^b}.
@Suite struct DistributedDPAggregatorTests {
    static func inputs(_ n: Int, _ d: Int) -> [[Double]] {
        (0..<n).map { i in (0..<d).map { j in sin(Double(i * 31 + j)) * 0.2 } }
    }

    /// The decoded sum is the sum of the clipped updates plus noise whose size the pipeline
    /// sets: at scale 10^4 and σ = 2 grid steps the noise and rounding are below 0.01 per entry.
    @Test(arguments: [DistributedMechanism.discreteGaussian, .skellam], [false, true])
    func decodedSumIsTheClippedSumPlusSmallNoise(mechanism: DistributedMechanism, sparse: Bool) throws {
        let n = 6, d = 50, clip = 1.0
        let pipeline = try DistributedDPPipeline(
            mechanism: mechanism, bits: 32, dimension: d, clip: clip, scale: 10_000, beta: exp(-0.5), localNoise: 2)
        let aggregator = try DistributedDPAggregator(
            variant: sparse ? .sparse(dropoutFraction: 0.05, corruptFraction: 0.05) : .complete, pipeline: pipeline, seed: 11)
        let inputs = Self.inputs(n, d)
        let outcome = try aggregator.sum(inputs, bound: 10, round: 3)
        var expected = [Double](repeating: 0, count: d)
        for x in inputs {
            let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for j in 0..<d { expected[j] += x[j] * min(1, clip / norm) }
        }
        #expect(inputs.contains { $0.reduce(0) { $0 + $1 * $1 }.squareRoot() > clip })  // clipping is exercised
        let worst = zip(outcome.sum, expected).map { abs($0 - $1) }.max()!
        #expect(worst < 0.01, "worst entry error \(worst)")
        #expect(worst > 0)  // noise was added
        #expect(outcome.uploadBytesPerClient > Double(4 * 64))
        #expect(aggregator.name == "\(mechanism.rawValue)+\(sparse ? "secagg+" : "secagg")")
    }

    /// The round's event counts the threshold's clients, not all of them.
    @Test func roundEventCountsTheThreshold() throws {
        let pipeline = try DistributedDPPipeline(
            mechanism: .discreteGaussian, bits: 16, dimension: 10, clip: 1, scale: 100, beta: exp(-0.5), localNoise: 3)
        let aggregator = try DistributedDPAggregator(pipeline: pipeline, seed: 1)
        let event = try aggregator.roundEvent(clients: 10)
        #expect(event == (try pipeline.roundEvent(minimumClients: 6)))
        #expect(throws: FedAvgError.aggregationFailed(reason: "contributions have 3 entries, the pipeline 10")) {
            try aggregator.sum([[0, 0, 0], [0, 0, 0]], bound: 1, round: 0)
        }
    }
}
