import Foundation
import Testing
@testable import PrivacyAccounting

/// The PLD accountant against Google dp_accounting 0.6.0's privacy loss distributions
/// (Golden/pld_grid.tsv, written by scripts/generate_pld_golden.py): Gaussian, Laplace,
/// Poisson-sampled Gaussian, discrete Laplace, discrete Gaussian and randomized response.
@Suite struct PLDGoldenTests {
    static func event(_ row: [String: Double], _ name: String) throws -> (PrivacyEvent, NeighboringRelation) {
        let p1 = try #require(row["p1"]), p2 = row["p2"] ?? .nan
        let count = Int(try #require(row["count"]))
        let single: PrivacyEvent
        var relation = NeighboringRelation.addOrRemoveOne
        switch name {
        case "gaussian": single = .gaussian(noiseMultiplier: p1)
        case "laplace": single = .laplace(scale: p1, sensitivity: 1)
        case "poisson_gaussian": single = .poissonSampled(rate: p1, event: .gaussian(noiseMultiplier: p2))
        case "discrete_laplace": single = .discreteLaplace(scale: p1, sensitivity: p2)
        case "discrete_gaussian": single = .discreteGaussian(sigma: p1, sensitivity: p2)
        case "randomized_response":
            single = .randomizedResponse(noiseParameter: p1, buckets: Int(p2))
            relation = .replaceOne
        default:
            Issue.record("unknown mechanism \(name)")
            single = .noOp
        }
        return (.selfComposed(single, count: count), relation)
    }

    /// Every row: our upper estimate within 0.1% of dp_accounting's pessimistic one (ε), or
    /// within 0.1% relative + 1e-9 (δ); our upper never below dp_accounting's optimistic
    /// estimate (a lower bound on the truth) nor below the closed form; our lower bound never
    /// above dp_accounting's upper estimate nor above the closed form.
    @Test func pldMatchesDpAccounting() throws {
        let table = try GoldenTable(resource: "pld_grid")
        #expect(table.rows.count >= 150)
        var worst = 0.0, worstRow = ""
        var cache: [String: PLDAccountant] = [:]
        for (row, text) in zip(table.rows, table.textRows) {
            let name = try #require(text["mechanism"])
            let (event, relation) = try Self.event(row, name)
            let h = try #require(row["h"])
            let key = "\(event) \(relation) \(h)"
            let accountant: PLDAccountant
            if let cached = cache[key] {
                accountant = cached
            } else {
                accountant = try PLDAccountant(neighboringRelation: relation, discretization: h).composing(event)
                cache[key] = accountant
            }
            let input = try #require(row["input"])
            let theirs = try #require(row["pessimistic"]), optimistic = try #require(row["optimistic"])
            let exact = row["exact"] ?? .nan
            let upper: Double, lower: Double
            if text["query"] == "epsilon" {
                let answer = try accountant.epsilon(delta: input)
                upper = answer.epsilon
                lower = try #require(answer.epsilonLower)
                let error = abs(upper - theirs) / max(theirs, 1e-3)
                if error > worst { worst = error; worstRow = "\(text)" }
                #expect(error <= 1e-3, "ε \(upper) vs dp_accounting \(theirs): \(text)")
                #expect(upper >= optimistic - 1e-9, "\(text)")
            } else {
                let answer = try accountant.delta(epsilon: input)
                upper = answer.delta
                lower = try #require(answer.deltaLower)
                #expect(abs(upper - theirs) <= 1e-3 * theirs + 1e-9, "δ \(upper) vs dp_accounting \(theirs): \(text)")
                #expect(upper >= optimistic - 1e-12, "\(text)")
            }
            #expect(lower <= upper)
            #expect(lower <= theirs * (1 + 1e-9) + 1e-12, "lower bound \(lower) above dp_accounting's upper \(theirs): \(text)")
            if exact.isFinite {
                #expect(upper >= exact * (1 - 1e-9), "upper \(upper) below the closed form \(exact): \(text)")
                #expect(lower <= exact * (1 + 1e-9), "lower \(lower) above the closed form \(exact): \(text)")
            }
        }
        #expect(worst <= 1e-3, "worst relative ε difference \(worst) at \(worstRow)")
        print("PLD golden: worst relative ε difference from dp_accounting \(worst) at \(worstRow)")
    }
}
