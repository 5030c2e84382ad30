@testable import SecureAggregation
import Sodium
import Testing

@Suite("Z_2^b vectors")
struct ModularVectorTests {
    @Test func packingRoundTripsAtEveryWidth() throws {
        var generator = ChaChaRandom(seed: 32)
        for bitWidth in 1...64 {
            for count in [0, 1, 7, 33] {
                let values = (0..<count).map { _ in generator.next() & ModularVector.mask(bitWidth) }
                let vector = try ModularVector(values, bitWidth: bitWidth)
                let packed = vector.packed()
                #expect(packed.count == (count * bitWidth + 7) / 8)
                let decoded = try ModularVector(packed: packed[...], count: count, bitWidth: bitWidth)
                #expect(decoded == vector)
                #expect(decoded.values == values)
            }
        }
    }

    @Test func valuesOutsideTheRingAreRejected() {
        #expect(throws: SecAggError.valueOutOfRange(index: 1, bitWidth: 4)) { try ModularVector([3, 16], bitWidth: 4) }
        #expect(thrownCase(SecAggError.self) { try ModularVector(zeros: 3, bitWidth: 0) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try ModularVector(zeros: 3, bitWidth: 65) } == "invalidParameter")
        #expect(thrownCase(SecAggError.self) { try ModularVector(words: [1], bitWidth: 40) } == "invalidParameter")
    }

    @Test func paddingBitsMustBeZero() {
        #expect(thrownCase(SecAggError.self) { try ModularVector(packed: [0xFF][...], count: 1, bitWidth: 4) } == "malformedMessage")
        #expect(thrownCase(SecAggError.self) { try ModularVector(packed: [0x0F, 0][...], count: 1, bitWidth: 4) } == "malformedMessage")
    }

    @Test func arithmeticWrapsModuloTwoToTheB() throws {
        var a = try ModularVector([250, 3], bitWidth: 8)
        try a.add(ModularVector([10, 4], bitWidth: 8))
        #expect(a.values == [4, 7])
        try a.subtract(ModularVector([5, 8], bitWidth: 8))
        #expect(a.values == [255, 255])
        #expect(thrownCase(SecAggError.self) { try a.add(ModularVector([1, 2], bitWidth: 9)) } == "shapeMismatch")
        #expect(thrownCase(SecAggError.self) { try a.add(ModularVector([1], bitWidth: 8)) } == "shapeMismatch")
    }

    @Test(arguments: [12, 32, 48, 64])
    func masksCancelInTheRing(bitWidth: Int) throws {
        var input = try ModularVector((0..<100).map { UInt64($0) }, bitWidth: bitWidth)
        let original = input
        var add = ChaChaRandom(seed: 1), remove = ChaChaRandom(seed: 1)
        input.applyMask(from: &add, subtracting: false)
        #expect(input != original)
        input.applyMask(from: &remove, subtracting: true)
        #expect(input == original)
    }
}
