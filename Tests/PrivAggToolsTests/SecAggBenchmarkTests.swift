import PrivAggTools
import Testing

@Suite("SecAgg benchmark")
struct SecAggBenchmarkTests {
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
