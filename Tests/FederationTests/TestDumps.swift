import Federation
import Foundation
import Testing

/// What a coordinator and its sites write under `--test-dump-dir` (`testDumpDirectory`,
/// `TestHooks`): `sum-round-R.json`, the sum the coordinator decoded, and
/// `SITE-round-R.json`, the contribution a site sent (clipped, before any encoding).
struct TestDumps {
    let directory: String

    /// The coordinator's decoded sum of `round`.
    func sum(round: Int) throws -> SumDump {
        try JSONDecoder().decode(SumDump.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/sum-round-\(round).json")))
    }

    /// The entrywise sum of what `sites` contributed in `round`.
    func contributionSum(of sites: [String], round: Int, length: Int) throws -> [Double] {
        var total = [Double](repeating: 0, count: length)
        for name in sites {
            let contribution = try JSONDecoder().decode(
                [Double].self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/\(name)-round-\(round).json")))
            try #require(contribution.count == length, "\(name)'s contribution in round \(round)")
            for index in total.indices { total[index] += contribution[index] }
        }
        return total
    }

    /// Expects `round`'s sum to be what `sites` contributed, within the error bound the
    /// coordinator stated (quantization; 0 for plain).
    func expectSum(of sites: [String], round: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dumped = try sum(round: round)
        let expected = try contributionSum(of: sites, round: round, length: dumped.sum.count)
        for index in expected.indices {
            #expect(abs(dumped.sum[index] - expected[index]) <= dumped.errorBound, "round \(round) entry \(index)", sourceLocation: sourceLocation)
        }
    }

    /// Distributed DP: expects `round`'s decoded sum to be what `sites` contributed (each
    /// clipped to `clip` in L2) within the rounding bound plus 7 deviations of the summed
    /// noise (`sigma` per site), and the noise to be there (at least 1% of its expected
    /// squared norm).
    func expectNoisySum(of sites: [String], round: Int, clip: Double, sigma: Double, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let dumped = try sum(round: round)
        for name in sites {
            let contribution = try contributionSum(of: [name], round: round, length: dumped.sum.count)
            #expect(contribution.reduce(0) { $0 + $1 * $1 }.squareRoot() <= clip * (1 + 1e-12), "\(name) round \(round)", sourceLocation: sourceLocation)
        }
        let expected = try contributionSum(of: sites, round: round, length: dumped.sum.count)
        let siteCount = Double(sites.count)
        let bound = dumped.errorBound + 7 * siteCount.squareRoot() * sigma
        var squared = 0.0
        for index in expected.indices {
            let difference = dumped.sum[index] - expected[index]
            squared += difference * difference
            #expect(abs(difference) <= bound, "round \(round) entry \(index): \(difference) beyond \(bound)", sourceLocation: sourceLocation)
        }
        #expect(
            squared >= 0.01 * Double(expected.count) * siteCount * sigma * sigma, "round \(round): no noise in the sum (\(squared))",
            sourceLocation: sourceLocation)
    }
}
