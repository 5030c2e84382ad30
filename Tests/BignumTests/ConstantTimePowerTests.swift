import Bignum
import Sodium
import Testing

/// The constant-time power (`mpz_powm_sec`) used for secret exponents (issue 13, item 9).
@Suite("BigInt constant-time power")
struct ConstantTimePowerTests {
    @Test("agrees with power(_:modulo:) on random odd moduli, bases and exponents")
    func agreesWithVariableTimePower() throws {
        var generator = ChaChaRandom(seed: UInt64(909))
        for bits in [2, 63, 64, 65, 512, 1024, 1536, 3072] {
            for _ in 0..<6 {
                let modulus = BigInt.random(bits: bits, using: &generator) | (BigInt(1) << (bits - 1)) | 1
                // Bases below, at and above the modulus, and negative ones: all are reduced.
                let bases = [
                    try BigInt.random(below: modulus, using: &generator), modulus - 1, modulus + 5,
                    -(try BigInt.random(below: modulus, using: &generator)), BigInt(0), BigInt(1),
                ]
                for base in bases {
                    let exponent = BigInt.random(bits: bits, using: &generator) + 1
                    let expected = try base.power(exponent, modulo: modulus)
                    #expect(try base.constantTimePower(exponent, modulo: modulus) == expected)
                    var inPlace = BigInt(17)
                    inPlace.formConstantTimePower(base, exponent, modulo: modulus)
                    #expect(inPlace == expected)
                }
            }
        }
    }

    @Test("the exponent zero and the modulus one, which mpz_powm_sec itself does not take")
    func edgeExponentsAndModuli() throws {
        #expect(try BigInt(12345).constantTimePower(BigInt(0), modulo: 97) == 1)
        #expect(try BigInt(0).constantTimePower(BigInt(0), modulo: 97) == 1)
        #expect(try BigInt(12345).constantTimePower(BigInt(0), modulo: 1) == 0)
        #expect(try BigInt(12345).constantTimePower(BigInt(678), modulo: 1) == 0)
        // Fermat for the prime 2^127 − 1, as for power(_:modulo:).
        let p = (BigInt(1) << 127) - 1
        #expect(try BigInt(5).constantTimePower(p - 1, modulo: p) == 1)
    }

    @Test("an even or non-positive modulus and a negative exponent are typed errors")
    func refusesWhatPowmSecCannotDo() {
        #expect(throws: BignumError.evenModulus) { try BigInt(3).constantTimePower(BigInt(5), modulo: 10) }
        #expect(throws: BignumError.evenModulus) { try BigInt(3).constantTimePower(BigInt(5), modulo: BigInt(1) << 100) }
        #expect(throws: BignumError.nonPositiveModulus) { try BigInt(3).constantTimePower(BigInt(5), modulo: 0) }
        #expect(throws: BignumError.nonPositiveModulus) { try BigInt(3).constantTimePower(BigInt(5), modulo: -7) }
        #expect(throws: BignumError.negativeExponent) { try BigInt(3).constantTimePower(BigInt(-1), modulo: 7) }
    }
}
