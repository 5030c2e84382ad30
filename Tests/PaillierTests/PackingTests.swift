import Bignum
import Paillier
import Sodium
import Testing

@Suite("Paillier packing")
struct PackingTests {
    @Test func capacityFollowsKeyValueBitsAndAddends() throws {
        let scheme = try Paillier.PackingScheme(publicKey: TestKeys.key2048.publicKey, valueBits: 16, maxAddends: 1024)
        #expect(scheme.slotBits == 26 && scheme.slotsPerPlaintext == 2046 / 26)
        let one = try Paillier.PackingScheme(publicKey: TestKeys.key3072.publicKey, valueBits: 8, maxAddends: 1)
        #expect(one.slotBits == 8 && one.slotsPerPlaintext == 3070 / 8)
        let odd = try Paillier.PackingScheme(publicKey: TestKeys.small.publicKey, valueBits: 12, maxAddends: 1025)
        #expect(odd.slotBits == 23 && odd.maxMagnitude == 2047)
        #expect(thrownCase(PaillierError.self) { try Paillier.PackingScheme(publicKey: TestKeys.small.publicKey, valueBits: 1, maxAddends: 2) } == "packing")
        #expect(thrownCase(PaillierError.self) { try Paillier.PackingScheme(publicKey: TestKeys.small.publicKey, valueBits: 62, maxAddends: 1 << 20) } == "packing")
    }

    @Test func plainPackingRoundTripsNegativesAndExtremes() throws {
        let scheme = try Paillier.PackingScheme(publicKey: TestKeys.small.publicKey, valueBits: 13, maxAddends: 100)
        let bound = scheme.maxMagnitude
        var generator = ChaChaRandom(seed: UInt64(77))
        let values = [bound, -bound, 0, -1, 1] + (0..<200).map { _ in Int.random(in: -bound...bound, using: &generator) }
        let packed = try scheme.pack(values)
        #expect(packed.count == scheme.plaintextCount(forValues: values.count))
        #expect(packed.allSatisfy { $0 < TestKeys.small.publicKey.n })
        #expect(try scheme.unpack(packed, count: values.count) == values)
        #expect(thrownCase(PaillierError.self) { try scheme.pack([bound + 1]) } == "packing")
        #expect(thrownCase(PaillierError.self) { try scheme.unpack(packed, count: values.count + scheme.slotsPerPlaintext) } == "packing")
    }

    @Test func maximumDeclaredAddendsOfExtremeValuesSumExactly() throws {
        let key = TestKeys.small
        let addends = 64
        let scheme = try Paillier.PackingScheme(publicKey: key.publicKey, valueBits: 10, maxAddends: addends)
        let bound = scheme.maxMagnitude
        let count = 2 * scheme.slotsPerPlaintext + 3
        var generator = ChaChaRandom(seed: UInt64(64))
        let vectors: [[Int]] = (0..<addends).map { row in
            (0..<count).map { column in
                switch column % 3 {
                case 0: return bound
                case 1: return -bound
                default: return Int.random(in: -bound...bound, using: &generator) * (row % 2 == 0 ? 1 : -1)
                }
            }
        }
        let encrypted = try vectors.map { try Paillier.PackedCiphertext(encrypting: $0, scheme: scheme, encryptor: TestKeys.shortExponentSmall) }
        let total = try Paillier.PackedCiphertext.sum(encrypted)
        #expect(total.addends == addends)
        let expected = (0..<count).map { column in vectors.reduce(0) { $0 + $1[column] } }
        #expect(try total.decrypt(with: key) == expected)
        #expect(expected[0] == addends * bound && expected[1] == -addends * bound)
        #expect(thrownCase(PaillierError.self) { try Paillier.PackedCiphertext.sum([total, encrypted[0]]) } == "packing")
    }

    @Test func packedVectorsAddAt2048And3072Bits() throws {
        for (key, fast) in [(TestKeys.key2048, TestKeys.shortExponent2048), (TestKeys.key3072, TestKeys.shortExponent3072)] {
            let scheme = try Paillier.PackingScheme(publicKey: key.publicKey, valueBits: 16, maxAddends: 8)
            let a = (0..<300).map { ($0 * 7919) % 65535 - 32767 }, b = (0..<300).map { 32767 - ($0 * 104729) % 65535 }
            let sum = try Paillier.PackedCiphertext.sum([
                Paillier.PackedCiphertext(encrypting: a, scheme: scheme, encryptor: fast),
                Paillier.PackedCiphertext(encrypting: b, scheme: scheme, encryptor: fast),
            ])
            #expect(sum.ciphertexts.count == scheme.plaintextCount(forValues: 300))
            #expect(try sum.decrypt(with: key) == zip(a, b).map(+))
        }
    }

    @Test func corruptedSlotsAreDetectedOnDecode() throws {
        let scheme = try Paillier.PackingScheme(publicKey: TestKeys.small.publicKey, valueBits: 8, maxAddends: 4)
        var packed = try scheme.pack([1, 2, 3])
        // Slot 1 at its maximum for 4 addends plus one: 4·254 + 1 needs no carry but exceeds the bound.
        packed[0] = packed[0] + (BigInt(4 * 254 + 1 - 129) << scheme.slotBits)
        #expect(thrownCase(PaillierError.self) { try scheme.unpack(packed, count: 3, addends: 4) } == "overflow")
        #expect(thrownCase(PaillierError.self) { try scheme.unpack([BigInt(1) << (3 * scheme.slotBits)], count: 3) } == "overflow")
        #expect(thrownCase(PaillierError.self) { try scheme.unpack(packed, count: 3, addends: 5) } == "packing")
    }
}
