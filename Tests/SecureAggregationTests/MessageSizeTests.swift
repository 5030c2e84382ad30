import SecureAggregation
import Testing

@Suite("Size-only mode agrees with the real traffic")
struct MessageSizeTests {
    /// Without dropouts every count in the size model is exact, so the bytes must match the run.
    @Test(arguments: [(9, 8, false, 32), (16, 6, true, 26), (12, 4, false, 64)])
    func sizesMatchTheSimulation(clients: Int, degree: Int, authenticated: Bool, bitWidth: Int) throws {
        var parameters = SecAggSimulation.Parameters(clientCount: clients, degree: degree, threshold: 3, dimension: 257, bitWidth: bitWidth)
        parameters.authenticated = authenticated
        parameters.seed = UInt64(clients)
        let report = try SecAggSimulation.run(parameters)
        let sizes = try SecAggBenchmark.messageSizes(
            clientCount: clients, degree: degree, dimension: 257, bitWidth: bitWidth, authenticated: authenticated, dropoutFraction: 0)
        #expect(report.sumVerified)
        #expect(report.uploadBytesPerClient == Double(sizes.upload))
        #expect(report.downloadBytesPerClient == Double(sizes.download))
    }

    @Test func benchmarkRunReportsAVerifiedSum() throws {
        var request = SecAggBenchmark.Request(clients: 10, neighbors: 4, dimension: 64, dropout: 0.2)
        request.seed = 3
        request.threshold = 3
        let result = try SecAggBenchmark.run(request)
        #expect(result.simulation?.sumVerified == true)
        #expect(result.droppedClients == 2)
        #expect(result.simulation?.includedClients.count == 8)
        #expect((result.keystreamSeconds ?? 0) > 0)
        #expect(result.expansion > 1)
    }
}
