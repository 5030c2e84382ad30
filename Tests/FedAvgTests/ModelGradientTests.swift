import Testing
@testable import FedAvg

@Suite("Logistic regression")
struct ModelGradientTests {
    @Test func gradientMatchesFiniteDifferences() throws {
        var clients = try HeartDisease.clients(sites: [.cleveland], seed: 3)
        try FederatedStandardization.standardize(&clients, aggregator: PlainAggregator())
        let client = try #require(clients.first)
        var model = try LogisticRegression(dimension: client.featureCount, l2Penalty: 0.05)
        for index in model.parameters.indices { model.parameters[index] = 0.1 * Double(index % 7) - 0.3 }
        expectGradientMatchesFiniteDifferences(of: model, on: client)
    }
}
