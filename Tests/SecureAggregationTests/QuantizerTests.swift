import SecureAggregation
import Sodium
import Testing

@Suite("Quantization")
struct QuantizerTests {
    @Test func headroomIsCeilLog2() {
        #expect(Quantizer.headroomBits(for: 1) == 0)
        #expect(Quantizer.headroomBits(for: 2) == 1)
        #expect(Quantizer.headroomBits(for: 3) == 2)
        #expect(Quantizer.headroomBits(for: 1024) == 10)
        #expect(Quantizer.headroomBits(for: 1025) == 11)
    }

    /// The dequantized sum is within 2c·k/L of the clipped sum, for every coordinate and seed.
    @Test(arguments: [(8, 16), (32, 100), (20, 1000), (64, 7)])
    func sumErrorWithinTheBound(bitWidth: Int, clients: Int) throws {
        let quantizer = try Quantizer(clippingBound: 2.5, bitWidth: bitWidth, clientCount: clients)
        var generator = ChaChaRandom(seed: UInt64(bitWidth * clients))
        let dimension = 50
        var sum = try ModularVector(zeros: dimension, bitWidth: bitWidth)
        var exact = [Double](repeating: 0, count: dimension)
        for _ in 0..<clients {
            let values = (0..<dimension).map { _ in Double(generator.next() % 10_000) / 1000 - 5 }  // some outside [−c, c]
            try sum.add(quantizer.quantize(values, using: &generator))
            for index in values.indices { exact[index] += min(max(values[index], -2.5), 2.5) }
        }
        let decoded = try quantizer.dequantizeSum(sum, contributors: clients)
        let bound = quantizer.errorBound(contributors: clients)
        for index in 0..<dimension { #expect(abs(decoded[index] - exact[index]) <= bound + 1e-9) }
    }

    @Test func extremesDoNotWrap() throws {
        let quantizer = try Quantizer(clippingBound: 1, bitWidth: 12, clientCount: 16)
        var generator = ChaChaRandom(seed: 3)
        var sum = try ModularVector(zeros: 2, bitWidth: 12)
        for _ in 0..<16 { try sum.add(quantizer.quantize([1e9, -1e9], using: &generator)) }
        let decoded = try quantizer.dequantizeSum(sum, contributors: 16)
        #expect(abs(decoded[0] - 16) < 1e-9)
        #expect(abs(decoded[1] + 16) < 1e-9)
    }

    /// Stochastic rounding is unbiased: the mean of 20,000 quantizations of 0.3 on a 2-level
    /// grid is 0.3 ± 6σ (σ = sqrt(p(1−p)/N) ≈ 0.0032), a false failure below 1e-8.
    @Test func roundingIsUnbiased() throws {
        let quantizer = try Quantizer(clippingBound: 0.5, bitWidth: 1, clientCount: 1)
        var generator = ChaChaRandom(seed: 4)
        let trials = 20_000
        var total = 0.0
        for _ in 0..<trials { total += try quantizer.dequantizeSum(quantizer.quantize([-0.2], using: &generator), contributors: 1)[0] }
        let mean = total / Double(trials)
        #expect(abs(mean - -0.2) < 6 * 0.0033)
    }

    @Test func invalidParametersAreTyped() {
        #expect(thrownCase(SecAggError.self) { try Quantizer(clippingBound: 0, clientCount: 2) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try Quantizer(clippingBound: .infinity, clientCount: 2) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try Quantizer(clippingBound: 1, bitWidth: 4, clientCount: 16) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try Quantizer(clippingBound: 1, clientCount: 0) } == "invalidParameter")
        var generator = ChaChaRandom(seed: 1)
        #expect(thrownCase(SecAggError.self) { try Quantizer(clippingBound: 1, clientCount: 2).quantize([.nan], using: &generator) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) {
            try Quantizer(clippingBound: 1, clientCount: 2).dequantizeSum(ModularVector(zeros: 1), contributors: 3)
        } == "invalidParameter")
    }
}
