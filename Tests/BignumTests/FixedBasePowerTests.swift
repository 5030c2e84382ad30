import Bignum
import Sodium
import Testing

@Suite("Fixed-base exponentiation")
struct FixedBasePowerTests {
    @Test(arguments: [1, 3, 5, 8])
    func agreesWithPowm(windowBits: Int) throws {
        var generator = ChaChaRandom(seed: UInt64(windowBits))
        let modulus = BigInt.random(bits: 1024, using: &generator) | (BigInt(1) << 1023) | 1
        let base = try BigInt.random(below: modulus, using: &generator)
        let table = try FixedBasePower(base: base, modulus: modulus, maxExponentBits: 200, windowBits: windowBits)
        #expect(table.windowCount == (200 + windowBits - 1) / windowBits)
        let exponents = [BigInt(0), 1, 2, (BigInt(1) << 200) - 1, BigInt(1) << 199] + (0..<20).map { _ in BigInt.random(bits: 200, using: &generator) }
        for exponent in exponents {
            #expect(try table.power(exponent) == base.power(exponent, modulo: modulus))
        }
        #expect(throws: BignumError.invalidParameter(name: "exponent", reason: "exponent has 201 bits, table covers 200")) { try table.power(BigInt(1) << 200) }
        #expect(throws: BignumError.invalidParameter(name: "exponent", reason: "fixed-base exponent must be non-negative")) { try table.power(-1) }
    }

    @Test func rejectsBadParametersAndHandlesModulusOne() throws {
        #expect(throws: BignumError.nonPositiveModulus) { try FixedBasePower(base: 2, modulus: 0, maxExponentBits: 8) }
        #expect(throws: BignumError.invalidParameter(name: "windowBits", reason: "window must be 1...12 bits, got 13")) { try FixedBasePower(base: 2, modulus: 7, maxExponentBits: 8, windowBits: 13) }
        #expect(throws: BignumError.invalidParameter(name: "maxExponentBits", reason: "exponent length must be positive, got 0")) { try FixedBasePower(base: 2, modulus: 7, maxExponentBits: 0) }
        let one = try FixedBasePower(base: 5, modulus: 1, maxExponentBits: 8, windowBits: 4)
        #expect(try one.power(0) == 0 && one.power(7) == 0)
    }
}
