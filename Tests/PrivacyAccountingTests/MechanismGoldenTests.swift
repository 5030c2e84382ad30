import Foundation
import Testing
@testable import PrivacyAccounting

/// Laplace, randomized response and the Gaussian under sampling without replacement against
/// dp_accounting 0.6.0 at all default orders (Golden/mechanisms.tsv, written by
/// scripts/generate_accounting_golden.py). Same formulas, so 1e-9 relative.
@Suite struct MechanismGoldenTests {
    static func event(_ mechanism: String, _ parameters: [Double]) -> (PrivacyEvent, RDPAccountant.NeighboringRelation)? {
        switch mechanism {
        case "laplace": return (.laplace(scale: parameters[0], sensitivity: 1), .addOrRemoveOne)
        case "rr_replace_special": return (.randomizedResponse(noiseParameter: parameters[0], buckets: Int(parameters[1])), .replaceSpecial)
        case "rr_replace_one": return (.randomizedResponse(noiseParameter: parameters[0], buckets: Int(parameters[1])), .replaceOne)
        case "sampled_without_replacement":
            return (.sampledWithoutReplacement(sourceSize: Int(parameters[0]), sampleSize: Int(parameters[1]),
                                               event: .gaussian(noiseMultiplier: parameters[2])), .replaceOne)
        default: return nil
        }
    }

    @Test func mechanismsMatchDpAccounting() throws {
        let table = try GoldenTable(resource: "mechanisms")
        var curves = [String: [Double]]()
        var worst = [String: Double]()
        for row in table.textRows {
            let mechanism = try #require(row["mechanism"]), parameterText = try #require(row["parameters"])
            let key = mechanism + " " + parameterText
            if curves[key] == nil {
                let parameters = parameterText.split(separator: ",").compactMap { Double($0) }
                let (event, relation) = try #require(Self.event(mechanism, parameters))
                curves[key] = try RDPAccountant(neighboringRelation: relation).curve(of: event)
            }
            let order = try #require(row["order"].flatMap(Double.init))
            let index = try #require(RDPAccountant.defaultOrders.firstIndex(of: order))
            let expected = try #require(row["rdp"].flatMap(Double.init))
            let ours = try #require(curves[key])[index]
            worst[mechanism] = max(worst[mechanism] ?? 0, abs(ours - expected) / max(abs(expected), 1e-300))
        }
        #expect(curves.count == 12)
        for (mechanism, error) in worst { #expect(error < 1e-9, "\(mechanism): worst relative error \(error)") }
    }
}
