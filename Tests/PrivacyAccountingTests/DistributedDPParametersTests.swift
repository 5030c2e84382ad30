import Foundation
import Testing
@testable import PrivacyAccounting

/// Parameter selection for distributed DP (as google-research/federated's ddgauss_params /
/// skellam_params): the answer meets the target, the sum fits the modular range, a finer
/// grid would not fit, and impossible settings are refused with a typed error.
@Suite struct DistributedDPParametersTests {
    static func setting(_ mechanism: DistributedMechanism, bits: Int, clients: Int = 20, minimumClients: Int? = nil) -> DistributedDPSetting {
        DistributedDPSetting(mechanism: mechanism, bits: bits, clients: clients, minimumClients: minimumClients, dimension: 1000,
                             clip: 1, delta: 1e-5, rounds: 50, clientRate: 0.1)
    }

    @Test(arguments: [DistributedMechanism.discreteGaussian, .skellam], [12, 16])
    func chosenParametersMeetTheTargetAndFitTheRange(mechanism: DistributedMechanism, bits: Int) throws {
        let setting = Self.setting(mechanism, bits: bits)
        let p = try DistributedDP.parameters(setting: setting, targetEpsilon: 3)
        #expect(setting.paddedDimension == 1024)
        #expect(p.epsilon <= 3 && p.epsilon > 3 * 0.999)
        let range = pow(2, Double(bits))
        #expect(DistributedDP.requiredRange(setting: setting, gamma: p.gamma, localStddev: p.localStddev) <= range)
        // 0.2% finer, the sum would not fit (the search stops within 0.1%).
        let finer = p.gamma / 1.002
        let sigma = try DistributedDP.localStddev(setting: setting, gamma: finer, targetEpsilon: 3)
        #expect(DistributedDP.requiredRange(setting: setting, gamma: finer, localStddev: sigma) > range)
        // Recomputing ε from the reported event gives the reported ε.
        let recomputed = try RDPAccountant().composing(.poissonSampled(rate: 0.1, event: p.roundEvent), count: 50).epsilon(delta: 1e-5)
        #expect(recomputed.epsilon == p.epsilon)
        // The central Gaussian with the same noise is never worse than the distributed one.
        #expect(p.centralGaussianEpsilon <= p.epsilon)
    }

    /// More bits: a finer grid, less rounding inflation, less noise for the same ε.
    @Test func moreBitsNeedLessNoise() throws {
        let p12 = try DistributedDP.parameters(setting: Self.setting(.discreteGaussian, bits: 12), targetEpsilon: 3)
        let p18 = try DistributedDP.parameters(setting: Self.setting(.discreteGaussian, bits: 18), targetEpsilon: 3)
        #expect(p18.gamma < p12.gamma / 10)
        #expect(p18.localStddev < p12.localStddev)
    }

    /// The threshold t < n: the accounting counts t clients' noise, so each needs more.
    @Test func thresholdBelowClientsNeedsMoreNoisePerClient() throws {
        let all = try DistributedDP.parameters(setting: Self.setting(.skellam, bits: 16), targetEpsilon: 3)
        let threshold = try DistributedDP.parameters(setting: Self.setting(.skellam, bits: 16, minimumClients: 14), targetEpsilon: 3)
        #expect(threshold.localStddev > all.localStddev * 1.1)
        if case .distributedSkellam(_, let clients, _, _) = threshold.roundEvent { #expect(clients == 14) } else {
            Issue.record("expected a distributed Skellam event, got \(threshold.roundEvent)")
        }
    }

    @Test func impossibleSettingsAreRefused() throws {
        #expect(throws: DistributedDPError.tooFewBits(bits: 4, clients: 20, k: 4)) {
            try DistributedDP.parameters(setting: Self.setting(.discreteGaussian, bits: 4), targetEpsilon: 3)
        }
        #expect {
            try DistributedDP.parameters(setting: Self.setting(.discreteGaussian, bits: 5), targetEpsilon: 3)
        } throws: { error in
            guard case DistributedDPError.sumWouldWrap(bits: 5, k: 4, _) = error else { return false }
            return true
        }
        #expect(throws: DistributedDPError.invalidParameter(name: "minimum_clients", reason: "must be in 1…20 (the clients per round), got 21")) {
            try DistributedDP.parameters(setting: Self.setting(.skellam, bits: 16, minimumClients: 21), targetEpsilon: 3)
        }
        #expect(throws: DistributedDPError.invalidParameter(name: "target_epsilon", reason: "must be finite and > 0, got 0.0")) {
            try DistributedDP.parameters(setting: Self.setting(.skellam, bits: 16), targetEpsilon: 0)
        }
    }
}
