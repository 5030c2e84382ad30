import SecureAggregation
import Sodium
import Testing

/// The quantizer refuses NaN and ±∞ by name instead of clipping ±∞ to the bound (issue 13,
/// item 5: no release path passes a non-finite input on).
@Suite("Quantizer refuses non-finite inputs")
struct QuantizerRefusalTests {
    @Test func nonFiniteInputsAreRefusedByIndex() throws {
        let quantizer = try Quantizer(clippingBound: 1, clientCount: 2)
        var generator = ChaChaRandom(seed: 1)
        #expect(throws: SecAggError.invalidParameter(name: "values", reason: "input 1 is NaN")) { try quantizer.quantize([0.5, .nan], using: &generator) }
        #expect(throws: SecAggError.invalidParameter(name: "values", reason: "input 2 is infinite")) { try quantizer.quantize([0.5, 1, .infinity], using: &generator) }
        #expect(throws: SecAggError.invalidParameter(name: "values", reason: "input 0 is infinite")) { try quantizer.quantize([-.infinity], using: &generator) }
        // Finite values beyond the bound are still clipped (that is the quantizer's contract).
        let clipped = try quantizer.quantize([5, -5], using: &generator)
        #expect(try quantizer.dequantizeSum(clipped, contributors: 1) == [1, -1])
    }
}
