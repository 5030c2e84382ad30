import Foundation
import Testing

@Suite("privagg ddp-params")
struct DDPParamsCommandTests {
    static let common = ["--clients", "20", "--dimension", "1000", "--clip", "1", "--target-epsilon", "3", "--delta", "1e-5",
                         "--rounds", "50", "--client-rate", "0.1"]

    @Test func jsonGivesScaleNoiseEpsilonAndTheCentralComparison() throws {
        let run = try runPrivagg(["ddp-params", "--mechanism", "skellam", "--bits", "16", "--format", "json"] + Self.common)
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let epsilon = try #require(object["epsilon"] as? Double)
        #expect(epsilon <= 3 && epsilon > 2.99)
        #expect(object["padded_dimension"] as? Int == 1024)
        #expect(object["minimum_clients"] as? Int == 20)
        #expect(try #require(object["gamma"] as? Double) > 0)
        #expect(try #require(object["central_gaussian_epsilon"] as? Double) <= epsilon)
        let event = try #require(object["round_event"] as? [String: Any])
        #expect(event["type"] as? String == "distributed_skellam")
    }

    @Test func textNamesTheMechanismAndTheThreshold() throws {
        let run = try runPrivagg(["ddp-params", "--mechanism", "ddg", "--bits", "14", "--minimum-clients", "15"] + Self.common)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("ddg, 14 bits, n = 20 (t = 15), d = 1000 (padded 1024), c = 1"))
        #expect(run.standardOutput.contains("central Gaussian with the same total noise"))
    }

    @Test func tooFewBitsIsRefusedOnStandardError() throws {
        let run = try runPrivagg(["ddp-params", "--mechanism", "ddg", "--bits", "4"] + Self.common)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.contains("4 bits cannot hold 4 standard deviations"))
    }
}
