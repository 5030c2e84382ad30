import Foundation
import Testing
@testable import PrivacyAccounting

@Suite struct CalibrationTests {
    @Test(arguments: [(1.0, 0.01, 1000), (8.0, 0.004, 10_000), (0.5, 0.1, 10)])
    func noiseMultiplierMeetsTheTargetWithinOnePercent(target: Double, q: Double, steps: Int) throws {
        let result = try Calibration.noiseMultiplier(targetEpsilon: target, delta: 1e-5, samplingRate: q, steps: steps)
        let check = try RDPAccountant().composing(.dpSGD(samplingRate: q, noiseMultiplier: result.value, steps: steps))
            .epsilon(delta: 1e-5)
        #expect(check.epsilon == result.epsilon)
        #expect(result.epsilon <= target)
        #expect(result.epsilon >= target * (1 - Calibration.epsilonTolerance))
        // Slightly less noise overshoots, so the σ found is (nearly) the smallest.
        let less = try RDPAccountant().composing(.dpSGD(samplingRate: q, noiseMultiplier: result.value * 0.99, steps: steps))
        #expect(try less.epsilon(delta: 1e-5).epsilon > target)
    }

    @Test func stepsIsTheLargestCountWithinTheTarget() throws {
        let (steps, epsilon) = try Calibration.steps(targetEpsilon: 2, delta: 1e-5, samplingRate: 0.01, noiseMultiplier: 1.1)
        #expect(steps > 0 && epsilon <= 2)
        let over = try RDPAccountant().composing(.dpSGD(samplingRate: 0.01, noiseMultiplier: 1.1, steps: steps + 1)).epsilon(delta: 1e-5)
        #expect(over.epsilon > 2)
        let exact = try RDPAccountant().composing(.dpSGD(samplingRate: 0.01, noiseMultiplier: 1.1, steps: steps)).epsilon(delta: 1e-5)
        #expect(abs(exact.epsilon - epsilon) < 1e-9 * epsilon)
    }

    @Test func invalidTargetsThrow() {
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "target_epsilon", reason: "must be finite and > 0, got nan")) {
            try Calibration.noiseMultiplier(targetEpsilon: .nan, delta: 1e-5, samplingRate: 0.01, steps: 10)
        }
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "delta", reason: "must be in (0, 1), got 1.0")) {
            try Calibration.noiseMultiplier(targetEpsilon: 1, delta: 1, samplingRate: 0.01, steps: 10)
        }
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "sampling_rate", reason: "must be in [0, 1], got 1.5")) {
            try Calibration.noiseMultiplier(targetEpsilon: 1, delta: 1e-5, samplingRate: 1.5, steps: 10)
        }
    }

    /// Targets no σ in [1e-6, 1e6] can meet within the tolerance are refused, never answered
    /// with an ε far from the target (1e300 used to return σ = 1e-6 at ε = 1.8e14).
    @Test(arguments: [1e300, 1e-300])
    func unreachableTargetsThrow(target: Double) {
        #expect(accountingError {
            try Calibration.noiseMultiplier(targetEpsilon: target, delta: 1e-5, samplingRate: 0.01, steps: 1000)
        }?.caseName == "calibrationFailed")
    }

    @Test func hugeStepLimitsAreRefusedNotOverflowed() {
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "maximum_steps", reason: "must be in 1...2^62, got \(Int.max)")) {
            try Calibration.steps(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.01, noiseMultiplier: 1, maximumSteps: .max)
        }
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "maximum_steps", reason: "must be in 1...2^62, got 0")) {
            try Calibration.steps(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.01, noiseMultiplier: 1, maximumSteps: 0)
        }
    }
}
