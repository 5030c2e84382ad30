import SecureAggregation
import Sodium
import Testing

@Suite("Quantized inputs through the protocol")
struct QuantizedAggregationTests {
    /// Real vectors → quantize → secure aggregation with a dropout → dequantize: the result is
    /// the clipped sum of the survivors within the quantizer's bound.
    @Test func realSumWithinTheQuantizationBound() throws {
        let n = 7, dimension = 40
        let quantizer = try Quantizer(clippingBound: 3, bitWidth: 24, clientCount: n)
        var generator = ChaChaRandom(seed: 2024)
        let ids = (0..<n).map { UInt32($0) }
        let configuration = try SecAggConfiguration(round: 3, threshold: 4, bitWidth: 24, dimension: dimension)
        var server = try SecAggServer(configuration: configuration, graph: .complete(clientIDs: ids))
        var clients: [ProtocolHarness.Slot] = []
        var reals: [[Double]] = []
        for id in ids {
            let values = (0..<dimension).map { _ in Double(Int(generator.next() % 8000)) / 1000 - 4 }
            reals.append(values)
            clients.append(ProtocolHarness.Slot(
                try SecAggClient(id: id, configuration: configuration, input: quantizer.quantize(values, using: &generator), using: &generator)))
        }
        for index in clients.indices { try server.receive(clients[index].client!.advertiseKeys()) }
        for directory in try server.keyDirectories() { try server.receive(clients[Int(directory.recipient)].client!.shareKeys(directory)) }
        for forwarded in try server.forwardedShares() where forwarded.recipient != 2 {
            try server.receive(clients[Int(forwarded.recipient)].client!.maskedInput(forwarded))
        }
        for request in try server.consistencyCheckRequests() { try server.receive(clients[Int(request.recipient)].client!.consistencyCheck(request)) }
        for request in try server.unmaskingRequests() { try server.receive(clients[Int(request.recipient)].client!.unmask(request)) }
        let decoded = try quantizer.dequantizeSum(server.aggregate(), contributors: n - 1)
        let bound = quantizer.errorBound(contributors: n - 1)
        for index in 0..<dimension {
            let exact = ids.filter { $0 != 2 }.reduce(0.0) { $0 + min(max(reals[Int($1)][index], -3), 3) }
            #expect(abs(decoded[index] - exact) <= bound + 1e-9)
        }
    }
}
