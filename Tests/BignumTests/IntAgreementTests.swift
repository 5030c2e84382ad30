import Bignum
import Sodium
import Testing

@Suite("BigInt agrees with Int")
struct IntAgreementTests {
    /// Random small operands, including negatives, checked against Int's own semantics.
    @Test func arithmeticMatchesInt() throws {
        var generator = ChaChaRandom(seed: UInt64(42))
        for _ in 0..<5000 {
            let a = Int.random(in: -1_000_000...1_000_000, using: &generator)
            var b = Int.random(in: -1_000...1_000, using: &generator)
            if b == 0 { b = 7 }
            let x = BigInt(a), y = BigInt(b)
            #expect(x + y == BigInt(a + b))
            #expect(x - y == BigInt(a - b))
            #expect(x * y == BigInt(a * b))
            #expect(x / y == BigInt(a / b))
            #expect(x % y == BigInt(a % b))
            let (q, r) = try x.quotientAndRemainder(dividingBy: y)
            #expect(q == BigInt(a / b) && r == BigInt(a % b))
            #expect(try x.modulo(y) == BigInt(((a % b) + abs(b)) % abs(b)))
            #expect(try x.floorDivided(by: y) == BigInt(Int((Double(a) / Double(b)).rounded(.down))))
            #expect((x < y) == (a < b))
            #expect(x.signum == a.signum())
            #expect((x >> 3) == BigInt(a >> 3))
            #expect((x << 5) == BigInt(a << 5))
            #expect(x.intValue == a)
        }
    }

    @Test func divisionByZeroIsATypedError() {
        #expect(throws: BignumError.divisionByZero) { try BigInt(5).quotientAndRemainder(dividingBy: 0) }
        #expect(throws: BignumError.divisionByZero) { try BigInt(5).modulo(0) }
        #expect(throws: BignumError.divisionByZero) { try BigInt(5).floorDivided(by: 0) }
    }

    @Test func copyOnWriteKeepsValueSemantics() {
        let original = BigInt(1) << 200
        var copy = original
        copy += 1
        #expect(original == BigInt(1) << 200)
        #expect(copy == (BigInt(1) << 200) + 1)
        var product = BigInt(3)
        let alias = product
        product.formProduct(product, product, modulo: 5)
        #expect(product == 4 && alias == 3)
    }

    @Test func inPlaceFormsMatchOperators() throws {
        var generator = ChaChaRandom(seed: UInt64(7))
        let modulus = try BigInt.randomPrime(bits: 256, using: &generator)
        var accumulator = BigInt(1)
        var reference = BigInt(1)
        for _ in 0..<100 {
            let factor = try BigInt.random(below: modulus, using: &generator)
            accumulator.multiply(by: factor, modulo: modulus)
            reference = try (reference * factor).modulo(modulus)
        }
        #expect(accumulator == reference)
        var power = BigInt()
        power.formPower(BigInt(3), BigInt(1000), modulo: modulus)
        #expect(power == (try BigInt(3).power(BigInt(1000), modulo: modulus)))
        var sum = BigInt()
        sum.formSum(BigInt(2), BigInt(3))
        sum.addProduct(BigInt(4), BigInt(5))
        #expect(sum == 25)
    }

    @Test func hashingFollowsEquality() {
        let a = (BigInt(1) << 100) + 5, b = (BigInt(1) << 100) + 5
        #expect(Set([a, b, BigInt(-5), BigInt(5)]).count == 3)
    }
}
