import Foundation
import Testing
@testable import PrivacyAccounting

/// The Skellam event's RDP (Agarwal–Kairouz–Liu 2021) against the exact Rényi divergence of
/// shifted Skellam distributions, summed at 60 digits (Golden/skellam_rdp.tsv, written by
/// scripts/skellam_rdp_exact.py).
@Suite struct SkellamRDPTests {
    @Test func skellamBoundIsTheAKLBoundAndNeverBelowTheExactDivergence() throws {
        let table = try GoldenTable(resource: "skellam_rdp")
        #expect(table.rows.count == 40)
        var loosest = 1.0
        for row in table.rows {
            let mu = try #require(row["mu"]), shift = try #require(row["shift"]), order = try #require(row["order"])
            let exact = try #require(row["exact"]), bound = try #require(row["akl_bound"])
            let value = try RDPAccountant(orders: [order]).curve(of: .skellam(mu: mu, l1Sensitivity: shift, l2Sensitivity: shift))[0]
            #expect(abs(value - bound) <= 1e-12 * bound, "μ = \(mu), s = \(shift), α = \(order)")
            #expect(value >= exact, "bound \(value) below the exact \(exact) at μ = \(mu), s = \(shift), α = \(order)")
            // The old zCDP event ρ = (2Δ₂² + 3Δ₁)/(4μ) is never tighter.
            #expect(value <= (2 * shift * shift + 3 * shift) / (4 * mu) * order * (1 + 1e-12))
            loosest = max(loosest, value / exact)
        }
        // For μ ≥ 50 the bound is within 17% of the exact divergence at every order here.
        for row in table.rows where row["mu"]! >= 50 {
            let value = MechanismRDP.skellam(mu: row["mu"]!, l1Sensitivity: row["shift"]!, l2Sensitivity: row["shift"]!, order: row["order"]!)
            #expect(value <= row["exact"]! * 1.17)
        }
        print("Skellam: AKL bound / exact RDP at most \(loosest)")
    }

    /// Fractional orders take the bound at ⌈α⌉; the event validates its parameters and
    /// round-trips through JSON; the PLD accountant names it when it refuses it.
    @Test func fractionalOrdersValidationAndCodable() throws {
        let event = PrivacyEvent.skellam(mu: 10, l1Sensitivity: 2, l2Sensitivity: 1.5)
        let curve = try RDPAccountant(orders: [2.5, 3]).curve(of: event)
        #expect(curve[0] == curve[1])
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "l1_sensitivity", reason: "must be finite and >= the l2 sensitivity 2.0, got 1.0")) {
            try PrivacyEvent.skellam(mu: 10, l1Sensitivity: 1, l2Sensitivity: 2).validate()
        }
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "mu", reason: "must be finite and > 0, got 0.0")) {
            try PrivacyEvent.skellam(mu: 0, l1Sensitivity: 1, l2Sensitivity: 1).validate()
        }
        let json = try JSONEncoder().encode(event)
        #expect(try JSONDecoder().decode(PrivacyEvent.self, from: json) == event)
        #expect(String(decoding: json, as: UTF8.self).contains(#""type":"skellam""#))
        var pld = try PLDAccountant()
        #expect(throws: PrivacyAccountingError.unsupportedEvent(
            event: "skellam(μ=10.0, Δ₁=2.0, Δ₂=1.5)", reason: "the PLD accountant has no Skellam distribution; use the RDP accountant")) {
            try pld.compose(event)
        }
    }
}
