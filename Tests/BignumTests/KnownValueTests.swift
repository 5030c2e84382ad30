import Bignum
import Testing

@Suite("BigInt known values")
struct KnownValueTests {
    /// 2^4423 − 1 is the 20th Mersenne prime; 2^4421 − 1 is composite.
    @Test func mersennePrimes() {
        #expect(((BigInt(1) << 4423) - 1).isProbablePrime())
        #expect(!((BigInt(1) << 4421) - 1).isProbablePrime())
        #expect(((BigInt(1) << 521) - 1).isProbablePrime())
    }

    @Test func powersAndFactorials() throws {
        #expect(try BigInt(2).power(100).description == "1267650600228229401496703205376")
        var factorial = BigInt(1)
        for value in 1...30 { factorial *= BigInt(value) }
        #expect(factorial.description == "265252859812191058636308480000000")
        #expect(try BigInt(7).power(0) == 1)
        #expect(throws: BignumError.invalidParameter(name: "exponent", reason: "must be non-negative, got -1")) { try BigInt(7).power(-1) }
    }

    @Test func modularExponentiation() throws {
        // Fermat's little theorem for the prime 2^127 − 1.
        let p = (BigInt(1) << 127) - 1
        #expect(try BigInt(5).power(p - 1, modulo: p) == 1)
        #expect(try BigInt(4).power(BigInt(13), modulo: 497) == 445)
        // Negative exponents use the inverse: 3^-1 mod 7 = 5.
        #expect(try BigInt(3).power(BigInt(-1), modulo: 7) == 5)
        #expect(try BigInt(12345).power(BigInt(678), modulo: 1) == 0)
        #expect(throws: BignumError.nonPositiveModulus) { try BigInt(2).power(BigInt(3), modulo: 0) }
        #expect(throws: BignumError.notInvertible) { try BigInt(2).power(BigInt(-1), modulo: 4) }
    }

    @Test func inverses() throws {
        #expect(try BigInt(3).inverse(modulo: 11) == 4)
        #expect(try BigInt(-3).inverse(modulo: 11) == 7)
        #expect(try BigInt(10).inverse(modulo: 1) == 0)
        #expect(throws: BignumError.notInvertible) { try BigInt(6).inverse(modulo: 9) }
        #expect(throws: BignumError.nonPositiveModulus) { try BigInt(6).inverse(modulo: -9) }
        let p = (BigInt(1) << 521) - 1
        let a = BigInt(123_456_789) << 300
        #expect(try (a * a.inverse(modulo: p)).modulo(p) == 1)
    }

    @Test func gcdLcmAndRoots() throws {
        #expect(BigInt(462).gcd(1071) == 21)
        #expect(BigInt(-4).gcd(6) == 2)
        #expect(BigInt(4).lcm(6) == 12)
        #expect(BigInt(0).gcd(0) == 0)
        #expect(try BigInt(1_000_001).squareRoot() == 1000)
        #expect(throws: BignumError.invalidParameter(name: "self", reason: "square root of a negative value")) { try BigInt(-1).squareRoot() }
    }

    @Test func bitWidthAndBits() {
        #expect(BigInt(0).bitWidth == 0)
        #expect(BigInt(1).bitWidth == 1)
        #expect(BigInt(255).bitWidth == 8)
        #expect(BigInt(-256).bitWidth == 9)
        #expect((BigInt(1) << 4096).bitWidth == 4097)
        #expect(BigInt(5).testBit(2) && !BigInt(5).testBit(1))
        #expect(BigInt(0b1011_0110).lowBits(4) == 0b0110)
        #expect(BigInt(-1).lowBits(8) == 255)
    }
}

@Suite("BigInt bitwise operations")
struct BitwiseTests {
    @Test func matchIntOnSmallValues() {
        for (a, b) in [(12, 10), (-12, 10), (255, -256), (0, 7)] {
            #expect(BigInt(a) | BigInt(b) == BigInt(a | b))
            #expect(BigInt(a) & BigInt(b) == BigInt(a & b))
            #expect(BigInt(a) ^ BigInt(b) == BigInt(a ^ b))
        }
        var value = BigInt(0)
        value.setBit(100)
        #expect(value == BigInt(1) << 100)
    }
}
