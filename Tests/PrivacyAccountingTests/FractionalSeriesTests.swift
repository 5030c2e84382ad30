import Foundation
import Testing
@testable import PrivacyAccounting

/// Where dp_accounting 0.6.0's fractional-order series gives up (q = 0.1, σ ≤ 1: more than 1,000
/// terms, the order is dropped with a warning), our signed series still converges (see
/// `SubsampledGaussian`): the values are finite, agree with numerical integration (covered by
/// GoldenGridTests on all 55 such rows), and the curve has the shape any RDP curve must have.
@Suite struct FractionalSeriesTests {
    @Test(arguments: [0.5, 0.8, 1.0])
    func curveAtHighSamplingRateIsFiniteAndNondecreasing(sigma: Double) throws {
        let orders = (11...109).map { Double($0) / 10 }
        let curve = try RDPAccountant(orders: orders).curve(of: .poissonSampled(rate: 0.1, event: .gaussian(noiseMultiplier: sigma)))
        #expect(curve.allSatisfy { $0.isFinite && $0 > 0 })
        // RDP is nondecreasing in the order (Van Erven–Harremoës), up to round-off.
        for k in 1..<curve.count { #expect(curve[k] >= curve[k - 1] * (1 - 1e-12), "α \(orders[k])") }
        // ... and never above the unsampled Gaussian's α/(2σ²).
        for (alpha, value) in zip(orders, curve) { #expect(value <= alpha / (2 * sigma * sigma)) }
    }

    /// The bracket property: consecutive partial sums of the alternating tail enclose A_α, so
    /// an integer order approached from both sides sandwiches the fractional values.
    @Test func fractionalOrdersInterpolateBetweenIntegerNeighbours() throws {
        let event = PrivacyEvent.poissonSampled(rate: 0.1, event: .gaussian(noiseMultiplier: 0.7))
        let curve = try RDPAccountant(orders: [2, 2.0001, 2.9999, 3]).curve(of: event)
        #expect(abs(curve[1] / curve[0] - 1) < 1e-3)
        #expect(abs(curve[2] / curve[3] - 1) < 1e-3)
    }

    @Test func unsupportedEventsThrowAndLeaveTheAccountantUnchanged() throws {
        var accountant = RDPAccountant()
        try accountant.compose(.gaussian(noiseMultiplier: 3))
        let before = accountant
        #expect(throws: PrivacyAccountingError.self) {
            try accountant.compose(.poissonSampled(rate: 0.1, event: .laplace(scale: 1, sensitivity: 1)))
        }
        #expect(throws: PrivacyAccountingError.self) { try accountant.compose(.randomizedResponse(noiseParameter: 0.5, buckets: 2)) }
        #expect(throws: PrivacyAccountingError.self) {
            try accountant.compose(.composed([.gaussian(noiseMultiplier: 1), .sampledWithoutReplacement(sourceSize: 10, sampleSize: 1, event: .gaussian(noiseMultiplier: 1))]))
        }
        #expect(accountant == before)
        let replaceOne = try RDPAccountant(neighboringRelation: .replaceOne)
        let wor = try replaceOne.curve(of: .sampledWithoutReplacement(sourceSize: 100, sampleSize: 1, event: .gaussian(noiseMultiplier: 1)))
        #expect(wor.allSatisfy { $0.isFinite && $0 >= 0 })
    }
}
