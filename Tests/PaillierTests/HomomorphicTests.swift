import Bignum
import Paillier
import Sodium
import Testing

@Suite("Paillier homomorphic operations")
struct HomomorphicTests {
    let key = TestKeys.small
    var publicKey: Paillier.PublicKey { key.publicKey }
    var n: BigInt { publicKey.n }

    @Test func additionAndPlaintextAdditionWrapModuloN() throws {
        let a = try TestKeys.shortExponentSmall.encrypt(n - 5), b = try publicKey.encrypt(12)
        #expect(try key.decrypt(a.adding(b)) == 7)
        var c = b
        try c.add(b)
        #expect(try key.decrypt(c) == 24)
        #expect(try key.decrypt(b.adding(plaintext: 30)) == 42)
        #expect(thrownCase(PaillierError.self) { try b.adding(plaintext: n) } == "plaintextOutOfRange")
    }

    @Test func scalarMultiplicationNegationAndRerandomization() throws {
        let a = try publicKey.encrypt(1234)
        #expect(try key.decrypt(a.multiplied(by: 1000)) == 1_234_000)
        #expect(try key.decrypt(a.multiplied(by: -3)) == n - 3702)
        #expect(try key.decrypt(a.multiplied(by: 0)) == 0)
        #expect(try key.decrypt(a.negated()) == n - 1234)
        #expect(try key.decrypt(a.adding(a.negated())) == 0)
        let fresh = a.rerandomized()
        #expect(fresh.value != a.value)
        #expect(try key.decrypt(fresh) == 1234)
        let fastFresh = try TestKeys.shortExponentSmall.rerandomize(a)
        #expect(try fastFresh.value != a.value && key.decrypt(fastFresh) == 1234)
    }

    @Test func sumsOverBothCoresMatchPlainSums() throws {
        let values = (1...150).map { BigInt($0 * $0) }
        let ciphertexts = try TestKeys.shortExponentSmall.encrypt(values)
        let total = try Paillier.sum(ciphertexts, publicKey: publicKey)
        #expect(try key.decrypt(total) == values.reduce(0, +))
        #expect(try key.decrypt(Paillier.sum([], publicKey: publicKey)) == 0)
        #expect(try key.decrypt(Paillier.sum(Array(ciphertexts.prefix(3)), publicKey: publicKey)) == 14)

        let vectors = try (0..<5).map { row in try TestKeys.shortExponentSmall.encrypt((0..<20).map { BigInt(row * 100 + $0) }) }
        let summed = try Paillier.sum(vectors: vectors, publicKey: publicKey)
        #expect(try key.decrypt(summed) == (0..<20).map { BigInt(1000 + 5 * $0) })
    }

    @Test func mixingKeysOrLengthsIsRejected() throws {
        let mine = try publicKey.encrypt(1), theirs = try TestKeys.otherSmall.publicKey.encrypt(1)
        #expect(throws: PaillierError.keyMismatch) { try mine.adding(theirs) }
        #expect(throws: PaillierError.keyMismatch) { try Paillier.sum([mine, theirs], publicKey: publicKey) }
        #expect(thrownCase(PaillierError.self) { try Paillier.sum(vectors: [[mine], [mine, mine]], publicKey: publicKey) } == "invalidCiphertext")
    }
}
