import Foundation
import Testing
@testable import FedAvg

@Suite("Federated standardization")
struct FederatedStandardizationTests {
    /// Means and population deviations of the pooled training records (observed values only).
    private func pooled(seed: UInt64) throws -> (means: [Double], deviations: [Double]) {
        let sites = try HeartDisease.preparedSites(sites: HeartDiseaseSite.allCases, seed: seed, testFraction: 0.2, directory: nil, preprocessing: .siteImputation)
        let dimension = sites[0].training.dimension
        var means: [Double] = [], deviations: [Double] = []
        for column in 0..<dimension {
            var values: [Double] = []
            for site in sites {
                for row in 0..<site.training.count {
                    let value = site.training.features[row * dimension + column]
                    if !value.isNaN { values.append(value) }
                }
            }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            means.append(mean)
            deviations.append(variance > 1e-12 ? variance.squareRoot() : 1)
        }
        return (means, deviations)
    }

    @Test func summedStatisticsEqualPooledStatistics() throws {
        let reference = try pooled(seed: 9)
        var clients = try HeartDisease.clients(seed: 9, preprocessing: .siteImputation)
        let (standardization, _) = try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        for column in reference.means.indices {
            #expect(abs(standardization.means[column] - reference.means[column]) <= 1e-9 * max(1, abs(reference.means[column])))
            #expect(abs(standardization.standardDeviations[column] - reference.deviations[column]) <= 1e-7 * max(1, reference.deviations[column]))
        }
    }

    @Test func secureAggregationGivesTheSameStandardization() throws {
        let reference = try pooled(seed: 9)
        var clients = try HeartDisease.clients(seed: 9, preprocessing: .siteImputation)
        let (standardization, outcome) = try FederatedStandardization.standardize(
            &clients, aggregator: SecureAggregator(variant: .complete, seed: 4))
        #expect(outcome.errorBound < 1e-3)
        for column in reference.means.indices {
            #expect(abs(standardization.means[column] - reference.means[column]) <= 1e-5 * max(1, abs(reference.means[column])))
            #expect(abs(standardization.standardDeviations[column] - reference.deviations[column]) <= 1e-4 * max(1, reference.deviations[column]))
        }
    }

    @Test func badStatisticsLayoutIsATypedError() {
        #expect(thrownError(FedAvgError.self) { try Standardization(summedStatistics: [1, 2]) }?.parameterName == "statistics")
    }
}
