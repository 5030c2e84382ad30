import Foundation
import Testing
@testable import PrivacyAccounting

/// The discrete Laplace's exact Rényi curve (`MechanismRDP.discreteLaplace`) against
/// independent computations.
@Suite struct DiscreteLaplaceRDPTests {
    /// D_α by direct summation of Σ P(k)^α P(k − s)^{1−α} over |k| < 4000, the way the
    /// definition reads (no geometric-series algebra).
    static func directSum(scale b: Double, shift s: Int, order a: Double) -> Double {
        var normalizer = 0.0, sum = 0.0
        for k in -4000..<4000 {
            normalizer += exp(-Double(abs(k)) / b)
            sum += exp(-(a * Double(abs(k)) + (1 - a) * Double(abs(k - s))) / b)
        }
        return log(sum / normalizer) / (a - 1)
    }

    /// Golden values from the same direct summation in Python (double precision), printed by
    /// `python3 scripts/discrete_laplace_rdp.py` (Python 3.11).
    static let golden: [(scale: Double, shift: Int, order: Double, rdp: Double)] = [
        (2, 1, 2, 0.22733629380264558),
        (0.5, 1, 3.5, 1.949231253260202),
        (3, 2, 2, 0.3411640258783664),
        (10, 3, 1.5, 0.06127140257483229),
        (1, 5, 8, 4.955248357978424),
        (50, 1, 32, 0.006016565789241636),
    ]

    @Test func closedFormMatchesGoldenSums() {
        for row in Self.golden {
            let value = MechanismRDP.discreteLaplace(scale: row.scale, shift: Double(row.shift), order: row.order)
            #expect(abs(value - row.rdp) <= 1e-12 * max(1, row.rdp), "b=\(row.scale) s=\(row.shift) α=\(row.order): \(value)")
        }
    }

    @Test(arguments: [0.7, 1.0, 4.0, 25.0])
    func closedFormMatchesDirectSummation(scale: Double) {
        for shift in [1, 2, 7] {
            for order in [1.1, 1.5, 2.0, 5.5, 16.0] {
                let closed = MechanismRDP.discreteLaplace(scale: scale, shift: Double(shift), order: order)
                let direct = Self.directSum(scale: scale, shift: shift, order: order)
                #expect(abs(closed - direct) <= 1e-10 * max(1, direct), "b=\(scale) s=\(shift) α=\(order)")
            }
        }
    }

    /// With shift 1 the privacy loss is ±1/b: binary randomized response with ε = 1/b, whose
    /// curve comes from an unrelated formula (dp_accounting's, checked against its golden file).
    @Test func unitShiftIsBinaryRandomizedResponse() {
        for scale in [0.5, 2.0, 10.0] {
            let noise = 2 / (1 + exp(1 / scale))
            for order in [1.5, 2.0, 3.0, 10.0, 64.0] {
                let laplace = MechanismRDP.discreteLaplace(scale: scale, shift: 1, order: order)
                let response = MechanismRDP.randomizedResponseReplaceOne(p: noise, k: 2, order: order)
                #expect(abs(laplace - response) <= 1e-10 * max(1, response), "b=\(scale) α=\(order)")
            }
        }
    }

    @Test func liesBetweenTheContinuousLaplaceAndPureDP() throws {
        let accountant = RDPAccountant()
        let discrete = try accountant.curve(of: .discreteLaplace(scale: 2, sensitivity: 1))
        let continuous = try accountant.curve(of: .laplace(scale: 2, sensitivity: 1))
        for (d, c) in zip(discrete, continuous) {
            #expect(d >= c - 1e-15)
            #expect(d <= 0.5 + 1e-15)
        }
        // A fractional sensitivity is rounded up: neighbouring integer values can differ by ⌈Δ⌉.
        #expect(try accountant.curve(of: .discreteLaplace(scale: 2, sensitivity: 1.5)) == accountant.curve(of: .discreteLaplace(scale: 2, sensitivity: 2)))
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "scale", reason: "must be finite and > 0, got 0.0")) { try PrivacyEvent.discreteLaplace(scale: 0, sensitivity: 1).validate() }
    }
}
