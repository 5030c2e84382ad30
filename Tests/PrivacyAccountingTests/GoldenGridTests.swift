import Foundation
import Testing
@testable import PrivacyAccounting

/// A grid generated with dp_accounting 0.6.0 (q ∈ {0.001, 0.01, 0.1, 0.5} × σ ∈ {0.5, 0.8, 1, 2, 4},
/// all default orders; see scripts/generate_accounting_golden.py).
@Suite struct GoldenGridTests {
    struct Curve: Hashable { let q: Double; let sigma: Double }

    static func oneStepCurves() throws -> [Curve: [Double]] {
        var curves = [Curve: [Double]]()
        for q in [0.001, 0.01, 0.1, 0.5] {
            for sigma in [0.5, 0.8, 1.0, 2.0, 4.0] {
                curves[Curve(q: q, sigma: sigma)] = try RDPAccountant().curve(of: .poissonSampled(rate: q, event: .gaussian(noiseMultiplier: sigma)))
            }
        }
        return curves
    }

    /// Integer orders: the same finite sum as dp_accounting, so agreement to 1e-9 relative.
    /// Fractional orders: dp_accounting 0.6.0 sums |C(α,i)| (an upper bound, +∞ when its
    /// 1,000-term cap is hit, 55 rows here, all at q ≥ 0.1); we sum the signed series, which is
    /// exact, so we are compared with numerical integration of A_α − 1 (scipy quad, 1e-13) and
    /// with 40-digit mpmath at six orders, to 1e-9 relative (see `scaledError`), and must never
    /// exceed dp_accounting (beyond round-off, 1e-9).
    @Test func rdpCurvesMatchDpAccountingAndExactIntegration() throws {
        let table = try GoldenTable(resource: "rdp_grid")
        let curves = try Self.oneStepCurves()
        let orders = RDPAccountant.defaultOrders
        var worstInteger = 0.0, worstFractional = 0.0, worstMpmath = 0.0
        var checked = 0
        for row in table.rows {
            let q = try #require(row["q"]), sigma = try #require(row["sigma"]), order = try #require(row["order"])
            let index = try #require(orders.firstIndex(of: order))
            let ours = try #require(curves[Curve(q: q, sigma: sigma)])[index]
            let dpAccounting = try #require(row["rdp_dp_accounting"])
            #expect(ours.isFinite && ours > 0)
            if order.rounded() == order {
                worstInteger = max(worstInteger, abs(ours / dpAccounting - 1))
            } else {
                let exact = try #require(row["rdp_exact"])
                worstFractional = max(worstFractional, Self.scaledError(ours, exact, order: order))
                if let mp = row["rdp_mpmath"], !mp.isNaN {
                    worstMpmath = max(worstMpmath, Self.scaledError(ours, mp, order: order))
                }
                #expect(ours <= dpAccounting * (1 + 1e-9), "q \(q) σ \(sigma) α \(order): \(ours) > \(dpAccounting)")
            }
            checked += 1
        }
        #expect(checked == 20 * orders.count)
        #expect(worstInteger < 1e-9, "integer orders: worst relative error \(worstInteger)")
        #expect(worstFractional < 1e-9, "fractional orders vs quadrature: worst relative error \(worstFractional)")
        #expect(worstMpmath < 1e-9, "fractional orders vs mpmath: worst relative error \(worstMpmath)")
    }

    /// Relative error on RDP, but with a floor of 4 ulps of 1 on log A_α = (α − 1)·RDP: at q = 0.001,
    /// σ = 4 the RDP is ~1e-8 and A_α = 1 + 1e-8, and no double-precision sum that adds up to A_α can
    /// resolve it better than ulp(1) ≈ 2.2e-16 (dp_accounting's log-space sum neither).
    static func scaledError(_ value: Double, _ reference: Double, order: Double) -> Double {
        let absoluteLogA = abs(value - reference) * (order - 1)
        return max(0, absoluteLogA - 4 * Double.ulpOfOne) / (abs(reference) * (order - 1))
    }

    /// ε(δ) and δ(ε) after 1, 100 and 10,000 steps: dp_accounting's own conversion applied to the
    /// exact curve must equal ours to 1e-6 (both optimal orders equal); against dp_accounting's
    /// curve we may only be lower (its fractional orders are upper bounds).
    @Test func epsilonAndDeltaMatchDpAccountingConversion() throws {
        let table = try GoldenTable(resource: "epsilon_grid")
        var worstEpsilon = 0.0, worstDelta = 0.0
        for row in table.rows {
            let q = try #require(row["q"]), sigma = try #require(row["sigma"])
            let steps = try #require(row["steps"]), delta = try #require(row["delta"])
            var accountant = RDPAccountant()
            try accountant.compose(.poissonSampled(rate: q, event: .gaussian(noiseMultiplier: sigma)), count: Int(steps))
            let guarantee = try accountant.epsilon(delta: delta)
            let exact = try #require(row["epsilon_exact"])
            worstEpsilon = max(worstEpsilon, abs(guarantee.epsilon / exact - 1))
            #expect(guarantee.optimalOrder == row["order_exact"], "q \(q) σ \(sigma) T \(steps) δ \(delta)")
            let dpAccountingEpsilon = try #require(row["epsilon_dp_accounting"])
            #expect(guarantee.epsilon <= dpAccountingEpsilon * (1 + 1e-9))
            let back = try accountant.delta(epsilon: try #require(row["target_epsilon"]))
            let exactDelta = try #require(row["delta_exact"])
            worstDelta = max(worstDelta, exactDelta == 0 ? back.delta : abs(back.delta / exactDelta - 1))
            #expect(back.optimalOrder == row["delta_order_exact"])
        }
        #expect(worstEpsilon < 1e-6, "worst relative ε error \(worstEpsilon)")
        #expect(worstDelta < 1e-6, "worst relative δ error \(worstDelta)")
    }
}
