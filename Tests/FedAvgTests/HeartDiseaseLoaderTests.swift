import Foundation
import Testing
@testable import FedAvg

@Suite("Heart-disease loader")
struct HeartDiseaseLoaderTests {
    @Test func everySiteKeepsAllItsRecordsSplit80To20() throws {
        let clients = try HeartDisease.clients(seed: 11)
        #expect(clients.map(\.name) == ["cleveland", "hungarian", "switzerland", "va"])
        #expect(clients.map { $0.trainingCount + $0.testCount } == [303, 294, 123, 200])
        #expect(clients.map(\.testCount) == [61, 59, 25, 40])
        #expect(clients.allSatisfy { $0.featureCount == 23 })
        #expect(HeartDisease.featureNames.count == 23)
    }

    @Test func splitIsStratifiedByLabel() throws {
        // Positive labels (num > 0) per site: 139, 106, 115, 149.
        let positives = [139.0, 106, 115, 149], totals = [303.0, 294, 123, 200]
        for (index, client) in try HeartDisease.clients(seed: 5).enumerated() {
            let testPositives = client.testPositiveRate * Double(client.testCount)
            #expect(abs(testPositives - (0.2 * positives[index]).rounded()) < 0.5, "\(client.name)")
            #expect(abs(client.trainingPositiveRate - positives[index] / totals[index]) < 0.01, "\(client.name)")
        }
    }

    @Test func splitDependsOnTheSeed() throws {
        let a = try HeartDisease.preparedSites(sites: [.cleveland], seed: 1, testFraction: 0.2, directory: nil, preprocessing: .siteImputation)
        let b = try HeartDisease.preparedSites(sites: [.cleveland], seed: 1, testFraction: 0.2, directory: nil, preprocessing: .siteImputation)
        let c = try HeartDisease.preparedSites(sites: [.cleveland], seed: 2, testFraction: 0.2, directory: nil, preprocessing: .siteImputation)
        #expect(a[0].test.features.elementsEqual(b[0].test.features) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(!a[0].test.features.elementsEqual(c[0].test.features) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    /// The default features are a public function of each record alone: in [−1, 1], missing
    /// values at 0 with their indicator set, and a record's features unchanged when the other
    /// records of its site are dropped (what DP-SGD's record-level guarantee needs).
    @Test func publicRangeFeaturesDependOnTheirOwnRecordOnly() throws {
        let sites = try HeartDisease.preparedSites(sites: [.switzerland], seed: 4, testFraction: 0.2, directory: nil, preprocessing: .publicRanges)
        let training = sites[0].training
        #expect(training.features.allSatisfy { !$0.isNaN && (-1...1).contains($0) })
        let raw = try HeartDiseaseFile.load(.switzerland)
        let alone = HeartDisease.scaledToPublicRanges(raw.subset([0]))
        let together = HeartDisease.scaledToPublicRanges(raw)
        #expect(alone.features.elementsEqual(together.features.prefix(13)) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // Switzerland never measured cholesterol: 0 with the indicator set, for every record.
        let cholesterolIndicator = 13 + HeartDiseaseFile.optionalAttributes.firstIndex(of: 4)!
        for row in 0..<training.count {
            #expect(training.features[row * 23 + 4] == 0 && training.features[row * 23 + cholesterolIndicator] == 1)
        }
    }

    @Test func imputationUsesTheTrainingMedianAndAddsIndicators() {
        let nan = Double.nan
        let training = LocalDataset(features: [1, 10, nan, 20, 3, nan, 5, 40], labels: [0, 1, 0, 1], dimension: 2)
        let imputation = Imputation(training: training, indicatorColumns: [1])
        #expect(imputation.fillValues == [3, 20])
        let test = LocalDataset(features: [nan, nan, 7, 8], labels: [1, 0], dimension: 2)
        let filled = imputation.apply(to: test)
        #expect(filled.dimension == 3)
        #expect(filled.features == [3, 20, 1, 7, 8, 0])
    }

    @Test func anAttributeASiteNeverObservedBecomesTheFederatedMean() throws {
        // Switzerland records no cholesterol (all zeros in the file, read as missing).
        var clients = try HeartDisease.clients(sites: [.cleveland, .switzerland], seed: 3, preprocessing: .siteImputation)
        let sites = try HeartDisease.preparedSites(sites: [.switzerland], seed: 3, testFraction: 0.2, directory: nil, preprocessing: .siteImputation)
        #expect(sites[0].training.features.enumerated().allSatisfy { $0.offset % 23 != 4 || $0.element.isNaN })
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let statistics = clients[1].statisticsContribution()
        #expect(statistics[4] == 0 && statistics[23 + 4] == 0)
        #expect(statistics.allSatisfy { !$0.isNaN })
    }

    @Test func malformedLinesAreTypedErrors() {
        #expect(thrownError(FedAvgError.self) { try HeartDiseaseFile.parse("1,2,3\n", file: "bad") }?.malformedDataLocation == "bad:1")
        #expect(thrownError(FedAvgError.self) { try HeartDiseaseFile.parse("63,1,x,145,233,1,2,150,0,2.3,3,0,6,0\n", file: "bad") }?.malformedDataLocation == "bad:1")
    }
}
