import Foundation
import Testing
@testable import PrivacyAccounting

/// Calibration through the `PrivacyAccountant` protocol: the RDP path agrees with the
/// RDP-only calibration, and the PLD path needs less noise (and allows more steps).
@Suite struct AccountantCalibrationTests {
    @Test func noiseMultiplierThroughEitherAccountant() throws {
        let rdpOnly = try Calibration.noiseMultiplier(targetEpsilon: 2, delta: 1e-5, samplingRate: 0.05, steps: 200)
        let rdp = try Calibration.noiseMultiplier(targetEpsilon: 2, delta: 1e-5, samplingRate: 0.05, steps: 200, accountant: RDPAccountant())
        #expect(rdp.value == rdpOnly.value && rdp.epsilon == rdpOnly.epsilon)
        let pld = try Calibration.noiseMultiplier(
            targetEpsilon: 2, delta: 1e-5, samplingRate: 0.05, steps: 200, accountant: try PLDAccountant(discretization: 1e-3))
        #expect(pld.value < rdp.value)
        #expect(pld.epsilon <= 2 && pld.epsilon >= 2 * (1 - Calibration.epsilonTolerance))
        let check = try PLDAccountant(discretization: 1e-3).composing(.dpSGD(samplingRate: 0.05, noiseMultiplier: pld.value, steps: 200))
        #expect(try check.epsilon(delta: 1e-5).epsilon == pld.epsilon)
    }

    @Test func stepsThroughEitherAccountant() throws {
        let rdpOnly = try Calibration.steps(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.05, noiseMultiplier: 2)
        let rdp = try Calibration.steps(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.05, noiseMultiplier: 2, accountant: RDPAccountant())
        #expect(rdp.steps == rdpOnly.steps)
        let pldAccountant = try PLDAccountant(discretization: 1e-3)
        let pld = try Calibration.steps(targetEpsilon: 1, delta: 1e-5, samplingRate: 0.05, noiseMultiplier: 2, accountant: pldAccountant)
        #expect(pld.steps > rdp.steps)
        let next = try pldAccountant.composing(.dpSGD(samplingRate: 0.05, noiseMultiplier: 2, steps: pld.steps + 1)).epsilon(delta: 1e-5)
        #expect(pld.epsilon <= 1 && next.epsilon > 1)
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "target_epsilon", reason: "must be finite and > 0, got -1.0")) {
            try Calibration.steps(targetEpsilon: -1, delta: 1e-5, samplingRate: 0.05, noiseMultiplier: 2, accountant: pldAccountant)
        }
    }
}
