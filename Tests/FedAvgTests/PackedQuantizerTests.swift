import Bignum
import Sodium
import Testing
@testable import FedAvg

@Suite("Packed quantization")
struct PackedQuantizerTests {
    @Test func sumOfPackingsUnpacksToTheSumWithinTheBound() throws {
        let clients = 9, dimension = 200
        let packer = try PackedQuantizer(bound: 5, valueBits: 32, clientCount: clients, dimension: dimension, plaintextBits: 2046)
        #expect(packer.slotBits == 36 && packer.slotsPerInteger == 56 && packer.integerCount == 4)
        var generator = ChaChaRandom(seed: 12)
        var exact = [Double](repeating: 0, count: dimension)
        var packedSum = [BigInt](repeating: BigInt(0), count: packer.integerCount)
        for _ in 0..<clients {
            let values = (0..<dimension).map { _ in 10 * unitInterval(&generator) - 5 }
            for index in values.indices { exact[index] += values[index] }
            for (index, integer) in try packer.pack(values, using: &generator).enumerated() { packedSum[index] += integer }
        }
        let sum = try packer.unpackSum(packedSum, contributors: clients)
        for index in exact.indices { #expect(abs(sum[index] - exact[index]) <= packer.errorBound(contributors: clients)) }
        #expect(packedSum.allSatisfy { $0.bitWidth <= 2046 })
    }

    @Test func valuesBeyondTheBoundAreClipped() throws {
        let packer = try PackedQuantizer(bound: 1, clientCount: 2, dimension: 3, plaintextBits: 200)
        var generator = ChaChaRandom(seed: 1)
        let sum = try packer.unpackSum(try packer.pack([-7, 0.5, 9], using: &generator), contributors: 1)
        #expect(abs(sum[0] + 1) < 1e-8 && abs(sum[1] - 0.5) < 1e-8 && abs(sum[2] - 1) < 1e-8)
    }

    @Test func slotsThatCannotFitAreRejected() {
        #expect(throws: FedAvgError.self) { try PackedQuantizer(bound: 1, valueBits: 40, clientCount: 1 << 30, dimension: 3, plaintextBits: 2048) }
        #expect(throws: FedAvgError.self) { try PackedQuantizer(bound: 1, clientCount: 4, dimension: 3, plaintextBits: 20) }
    }
}
