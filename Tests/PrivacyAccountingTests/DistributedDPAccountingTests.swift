import Foundation
import Testing
@testable import PrivacyAccounting

/// The distributed discrete Gaussian and distributed Skellam events against a pure-Python
/// copy of google-research/federated `distributed_dp/accounting_utils.py`
/// (Golden/ddp_epsilon.tsv, written by scripts/ddp_accounting_golden.py).
@Suite struct DistributedDPAccountingTests {
    /// accounting_utils' orders: 2…128 and 256.
    static let referenceOrders: [Double] = (2...128).map(Double.init) + [256]

    /// The row's events in PrivAgg's (grid) units: scale 1/γ, local σ and μ after scaling.
    static func events(_ row: [String: Double]) throws -> (ddg: PrivacyEvent, skellam: PrivacyEvent) {
        let clients = Int(row["clients"]!), dimension = Int(row["dim"]!)
        let scale = 1 / row["gamma"]!, beta = row["beta"]!, clip = row["clip"]!
        let sigma = row["local_stddev"]! * scale
        let ddg = try PrivacyEvent.distributedDiscreteGaussian(
            l2Clip: clip, scale: scale, beta: beta, dimension: dimension, localSigma: sigma, minimumClients: clients)
        let skellam = try PrivacyEvent.distributedSkellam(
            l2Clip: clip, scale: scale, beta: beta, dimension: dimension, localMu: sigma * sigma / 2, minimumClients: clients)
        let q = row["q"]!
        if q < 1 {
            return (.poissonSampled(rate: q, event: ddg), .poissonSampled(rate: q, event: skellam))
        }
        return (ddg, skellam)
    }

    @Test func epsilonMatchesAccountingUtilsOnTheGrid() throws {
        let table = try GoldenTable(resource: "ddp_epsilon")
        #expect(table.rows.count == 78)
        var worst = 0.0
        for row in table.rows {
            let (ddg, skellam) = try Self.events(row)
            let steps = Int(row["steps"]!), delta = row["delta"]!
            let context = "n = \(row["clients"]!), d = \(row["dim"]!), σ = \(row["local_stddev"]!), q = \(row["q"]!), T = \(steps)"
            let ddgGuarantee = try RDPAccountant(orders: Self.referenceOrders).composing(ddg, count: steps).epsilon(delta: delta)
            let skellamGuarantee = try RDPAccountant(orders: Self.referenceOrders).composing(skellam, count: steps).epsilon(delta: delta)
            let ddgRelative = abs(ddgGuarantee.epsilon - row["ddg_eps"]!) / row["ddg_eps"]!
            let skellamRelative = abs(skellamGuarantee.epsilon - row["skellam_eps"]!) / row["skellam_eps"]!
            #expect(ddgRelative < 1e-9, "DDG \(ddgGuarantee.epsilon) against \(row["ddg_eps"]!) at \(context)")
            #expect(skellamRelative < 1e-9, "Skellam \(skellamGuarantee.epsilon) against \(row["skellam_eps"]!) at \(context)")
            #expect(ddgGuarantee.optimalOrder == row["ddg_order"]!, "DDG order at \(context)")
            #expect(skellamGuarantee.optimalOrder == row["skellam_order"]!, "Skellam order at \(context)")
            // The single-round curve at order 8, unsampled.
            let unsampled: PrivacyEvent = if case .poissonSampled(_, let inner) = ddg { inner } else { ddg }
            let rdp8 = try RDPAccountant(orders: [8]).curve(of: unsampled)[0]
            #expect(abs(rdp8 - row["ddg_rdp8"]!) <= 1e-12 * row["ddg_rdp8"]!, "RDP(8) at \(context)")
            worst = max(worst, ddgRelative, skellamRelative)
        }
        print("distributed DP: worst relative difference to accounting_utils \(worst)")
    }

    /// Fewer guaranteed clients means less noise in the sum: ε grows as the threshold t falls.
    @Test func fewerGuaranteedClientsCostMore() throws {
        func epsilon(_ t: Int) throws -> Double {
            let event = try PrivacyEvent.distributedDiscreteGaussian(
                l2Clip: 1, scale: 256, beta: exp(-0.5), dimension: 1024, localSigma: 256 / 10.0.squareRoot(), minimumClients: t)
            return try RDPAccountant().composing(event, count: 10).epsilon(delta: 1e-5).epsilon
        }
        let all = try epsilon(10), threshold = try epsilon(7)
        #expect(threshold > all * 1.2)
    }

    /// The rounding inflation and L1 bound are accounting_utils' (hand-checked values), τ is
    /// 10 Σ exp(−2π²σ²k/(k+1)), and the distributed Skellam is the Skellam of the sum.
    @Test func sensitivityTauAndSkellamOfTheSum() throws {
        // Δ = 10, d = 100, β = e^{-1/2}: √(100 + 25 + 1·(10 + 5)) = √140.
        #expect(abs(try DistributedDP.roundedL2Bound(l2Bound: 10, beta: exp(-0.5), dimension: 100) - 140.0.squareRoot()) < 1e-12)
        #expect(try DistributedDP.roundedL2Bound(l2Bound: 10, beta: 0, dimension: 100) == 20)
        #expect(DistributedDP.roundedL1Bound(roundedL2: 3, dimension: 100) == 9)
        #expect(DistributedDP.roundedL1Bound(roundedL2: 30, dimension: 100) == 300)
        let expected = 10 * (exp(-2 * Double.pi * Double.pi * 0.25 / 2) + exp(-2 * Double.pi * Double.pi * 0.25 * 2 / 3))
        #expect(abs(DistributedDP.tau(localSigma: 0.5, clients: 3) - expected) < 1e-15)
        #expect(DistributedDP.tau(localSigma: 0.5, clients: 1) == 0)
        let distributed = PrivacyEvent.distributedSkellam(localMu: 20, clients: 5, l1Sensitivity: 30, l2Sensitivity: 12)
        let central = PrivacyEvent.skellam(mu: 100, l1Sensitivity: 30, l2Sensitivity: 12)
        #expect(try RDPAccountant().curve(of: distributed) == RDPAccountant().curve(of: central))
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "beta", reason: "must be in [0, 1), got 1.0")) {
            try PrivacyEvent.distributedDiscreteGaussian(l2Clip: 1, scale: 10, beta: 1, dimension: 8, localSigma: 3, minimumClients: 4)
        }
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "clients", reason: "must be at least 1, got 0")) {
            try PrivacyEvent.distributedSkellam(l2Clip: 1, scale: 10, beta: 0, dimension: 8, localMu: 3, minimumClients: 0)
        }
    }

    /// Poisson sampling amplifies (never hurts); JSON round trip; the PLD accountant refuses
    /// the events by name; a fractional order takes the curve at ⌈α⌉.
    @Test func samplingCodableAndPLD() throws {
        let event = PrivacyEvent.distributedDiscreteGaussian(localSigma: 40, clients: 50, dimension: 4096, l1Sensitivity: 900, l2Sensitivity: 100)
        let unsampled = try RDPAccountant().curve(of: event)
        let sampled = try RDPAccountant().curve(of: .poissonSampled(rate: 0.05, event: event))
        for k in unsampled.indices { #expect(sampled[k] <= unsampled[k]) }
        #expect(sampled[RDPAccountant.defaultOrders.firstIndex(of: 2)!] < unsampled[RDPAccountant.defaultOrders.firstIndex(of: 2)!] / 10)
        let fractional = try RDPAccountant(orders: [2.5, 3]).curve(of: event)
        #expect(fractional[0] == fractional[1])
        for e in [event, PrivacyEvent.distributedSkellam(localMu: 20, clients: 5, l1Sensitivity: 30, l2Sensitivity: 12)] {
            let json = try JSONEncoder().encode(PrivacyEvent.poissonSampled(rate: 0.1, event: e))
            #expect(try JSONDecoder().decode(PrivacyEvent.self, from: json) == .poissonSampled(rate: 0.1, event: e))
        }
        #expect(String(decoding: try JSONEncoder().encode(event), as: UTF8.self).contains(#""type":"distributed_discrete_gaussian""#))
        var pld = try PLDAccountant()
        #expect(throws: PrivacyAccountingError.unsupportedEvent(
            event: event.description, reason: "distributed DP events are accounted by their RDP bounds; use the RDP accountant")) {
            try pld.compose(event)
        }
    }
}
