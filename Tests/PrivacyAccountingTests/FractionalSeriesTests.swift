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
        #expect(accountingError {
            try accountant.compose(.poissonSampled(rate: 0.1, event: .laplace(scale: 1, sensitivity: 1)))
        }?.caseName == "unsupportedEvent")
        #expect(accountingError { try accountant.compose(.randomizedResponse(noiseParameter: 0.5, buckets: 2)) }?.caseName == "unsupportedEvent")
        #expect(accountingError {
            try accountant.compose(.composed([.gaussian(noiseMultiplier: 1), .sampledWithoutReplacement(sourceSize: 10, sampleSize: 1, event: .gaussian(noiseMultiplier: 1))]))
        }?.caseName == "unsupportedEvent")
        // Zero repetitions of an unsupported event still throw: a count cannot hide an error.
        #expect(accountingError {
            try accountant.compose(.selfComposed(.poissonSampled(rate: 0.1, event: .laplace(scale: 1, sensitivity: 1)), count: 0))
        }?.caseName == "unsupportedEvent")
        try accountant.compose(.selfComposed(.nonPrivate, count: 0))
        #expect(accountant == before)
        let replaceOne = try RDPAccountant(neighboringRelation: .replaceOne)
        let wor = try replaceOne.curve(of: .sampledWithoutReplacement(sourceSize: 100, sampleSize: 1, event: .gaussian(noiseMultiplier: 1)))
        #expect(wor.allSatisfy { $0.isFinite && $0 >= 0 })
    }
}

/// Extreme parameters: the curve is never NaN or negative, never above the unsampled Gaussian's
/// α/(2σ²), and nondecreasing in the order wherever log A_α = (α − 1)·RDP ≥ 1e-10. Below
/// `SubsampledGaussian.tinyFractionalLogA` (1e-12) fractional orders take the convex-interpolation
/// upper bound from the integer orders instead of the (rounding-limited) series, so at that
/// seam the bound may exceed the exact value of the next order by up to ~30%: about 1e-12 per step.
@Suite struct ExtremeParameterTests {
    @Test(arguments: [1e-6, 1e-3, 0.1, 0.5, 0.9, 0.999])
    func curvesAreSaneAcrossNoiseLevels(q: Double) throws {
        for sigma in [0.1, 0.3, 1.0, 10.0, 100.0] {
            let accountant = RDPAccountant()
            let curve = try accountant.curve(of: .poissonSampled(rate: q, event: .gaussian(noiseMultiplier: sigma)))
            for (k, (alpha, value)) in zip(accountant.orders, curve).enumerated() {
                let unsampled = alpha / (2 * sigma * sigma)
                #expect(!value.isNaN && value >= 0, "q \(q) σ \(sigma) α \(alpha): \(value)")
                #expect(value <= unsampled * (1 + 1e-9), "q \(q) σ \(sigma) α \(alpha): \(value) > \(unsampled)")
                if k > 0 && curve[k - 1].isFinite && curve[k - 1] * (accountant.orders[k - 1] - 1) >= 1e-10 {
                    #expect(value >= curve[k - 1] * (1 - 1e-9) - 1e-300, "q \(q) σ \(sigma) α \(alpha) not monotone")
                }
            }
        }
    }
}

extension ExtremeParameterTests {
    /// A_2 = 1 + q²(e^{1/σ²} − 1) exactly; at q = 1e-6, σ = 100 that is 1 + 1.00005e-16, below
    /// the rounding of any sum that adds up to A_2, but computed from A_2 − 1 directly.
    @Test func tinyIntegerOrderIsComputedWithoutCancellation() throws {
        let curve = try RDPAccountant(orders: [2, 3]).curve(of: .poissonSampled(rate: 1e-6, event: .gaussian(noiseMultiplier: 100)))
        let exact2 = log1p(1e-12 * expm1(1e-4))
        #expect(abs(curve[0] / exact2 - 1) < 1e-12)
        // A_3 − 1 = 3q²(1−q)(e^{1/σ²} − 1) + q³(e^{3/σ²} − 1).
        let q = 1e-6
        let exact3 = log1p(3 * q * q * (1 - q) * expm1(1e-4) + q * q * q * expm1(3e-4)) / 2
        #expect(abs(curve[1] / exact3 - 1) < 1e-12)
    }

    /// A composition of 10^12 steps at q = 9e-8 amplifies the rounding of a log A_α near 1e-9:
    /// summed plainly it came out 1.4e-5 below the exact ε (the optimistic side). Reference:
    /// ε = 0.06180168478715388 at order 256, δ = 1e-5, from mpmath at 50 digits (exact sums
    /// at integer orders, quadrature at fractional ones, dp_accounting's default orders).
    @Test func tinyRatesOverManyStepsAreNotUnderstated() throws {
        var accountant = RDPAccountant()
        try accountant.compose(.poissonSampled(rate: 9e-8, event: .gaussian(noiseMultiplier: 5)), count: 1_000_000_000_000)
        let guarantee = try accountant.epsilon(delta: 1e-5)
        #expect(abs(guarantee.epsilon / 0.06180168478715388 - 1) < 1e-9, "ε = \(guarantee.epsilon)")
        #expect(guarantee.optimalOrder == 256)
    }
}
