import Foundation
import Testing

@Suite("privagg ddp-params")
struct DDPParamsCommandTests {
    static let common = ["--clients", "20", "--dimension", "1000", "--clip", "1", "--target-epsilon", "3", "--delta", "1e-5",
                         "--rounds", "50", "--client-rate", "0.1"]

    @Test func jsonGivesScaleNoiseEpsilonAndTheCentralComparison() async throws {
        let run = try await runPrivagg(["ddp-params", "--mechanism", "skellam", "--bits", "16", "--format", "json"] + Self.common)
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

    @Test func textNamesTheMechanismAndTheThreshold() async throws {
        let run = try await runPrivagg(["ddp-params", "--mechanism", "ddg", "--bits", "14", "--minimum-clients", "15"] + Self.common)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.hasPrefix("ddg, 14 bits, n = 20 (t = 15), d = 1000 (padded 1024), c = 1"))
        #expect(run.standardOutput.contains("central Gaussian with the same total noise"))
    }

    @Test func tooFewBitsIsRefusedOnStandardError() async throws {
        let run = try await runPrivagg(["ddp-params", "--mechanism", "ddg", "--bits", "4"] + Self.common)
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(run.standardError.contains("4 bits cannot hold 4 standard deviations"))
    }
}

@Suite("privagg ddp-tradeoff")
struct DDPTradeoffCommandTests {
    /// The EMNIST setting of Kairouz et al. 2021: ε falls with bits towards the floor of the
    /// general subsampling bound (10.955 at a central ε of 10).
    @Test func emnistTableFallsWithBits() async throws {
        let run = try await runPrivagg(["ddp-tradeoff", "--format", "json"])
        #expect(run.status == 0, "\(run.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["bits"] as? Int } == [12, 14, 16, 18])
        let ddg = rows.compactMap { $0["discrete_gaussian_epsilon"] as? Double }
        let skellam = rows.compactMap { $0["skellam_epsilon"] as? Double }
        try #require(ddg.count == 4 && skellam.count == 4)
        #expect(zip(ddg, ddg.dropFirst()).allSatisfy { $0 > $1 })
        #expect(abs(ddg[3] - 10.956) < 0.001 && abs(skellam[0] - 15.204) < 0.001)
        #expect(skellam[0] < ddg[0])
    }
}
