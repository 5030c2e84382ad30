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
        let sizes = try SecAggMessageSizes(
            clientCount: clients, degree: degree, dimension: 257, bitWidth: bitWidth, authenticated: authenticated, dropoutFraction: 0)
        #expect(report.sumVerified)
        #expect(report.uploadBytesPerClient == Double(sizes.upload))
        #expect(report.downloadBytesPerClient == Double(sizes.download))
    }
}
