import Bignum
import Foundation
import Paillier
import Sodium
import Testing

/// Decryption exponentiates by the secret p − 1 and q − 1 through `mpz_powm_sec` (issue 13,
/// item 9). These tests hold it against a textbook CRT decryption on the variable-time
/// `mpz_powm`, and (with PRIVAGG_TIMING=1) time both in the same process.
@Suite("Paillier constant-time decryption")
struct ConstantTimeDecryptionTests {
    /// CRT decryption on the variable-time `formPower`: the reference for agreement, and
    /// the "before" of the timing comparison.
    struct VariableTimeDecryptor {
        let p: BigInt, q: BigInt, pSquared: BigInt, qSquared: BigInt, hp: BigInt, hq: BigInt, pInverse: BigInt

        init(_ key: Paillier.PrivateKey) throws {
            p = key.p
            q = key.q
            pSquared = p * p
            qSquared = q * q
            let g = key.publicKey.n + 1
            hp = try ((try g.power(p - 1, modulo: pSquared) - 1) / p).inverse(modulo: p)
            hq = try ((try g.power(q - 1, modulo: qSquared) - 1) / q).inverse(modulo: q)
            pInverse = try p.inverse(modulo: q)
        }

        func half(_ value: BigInt, _ prime: BigInt, _ square: BigInt, _ h: BigInt) -> BigInt {
            var x = value
            x.formResidue(modulo: square)
            x.formPower(x, prime - 1, modulo: square)
            x -= 1
            x /= prime
            x.multiply(by: h, modulo: prime)
            return x
        }

        func decrypt(_ ciphertext: Paillier.Ciphertext) -> BigInt {
            let mp = half(ciphertext.value, p, pSquared, hp)
            let mq = half(ciphertext.value, q, qSquared, hq)
            var difference = mq - mp
            difference.multiply(by: pInverse, modulo: q)
            return difference * p + mp
        }
    }

    @Test("decryption and key-owner encryption agree with the variable-time reference")
    func agreesWithTheVariableTimeReference() throws {
        var generator = ChaChaRandom(seed: UInt64(4242))
        for key in [TestKeys.small, TestKeys.key2048] {
            let reference = try VariableTimeDecryptor(key)
            for _ in 0..<8 {
                let plaintext = try BigInt.random(below: key.publicKey.n, using: &generator)
                let standard = try key.publicKey.encrypt(plaintext, using: &generator)
                #expect(try key.decrypt(standard) == plaintext)
                #expect(reference.decrypt(standard) == plaintext)
                // crtObfuscator exponentiates by n mod p(p−1) in constant time.
                let owner = try key.encrypt(plaintext)
                #expect(try key.decrypt(owner) == plaintext)
                #expect(reference.decrypt(owner) == plaintext)
            }
        }
    }

    /// Prints the time of one decryption, variable-time against constant-time, interleaved
    /// in one process. `PRIVAGG_TIMING=1 swift test --filter decryptionTiming`.
    @Test("decryption timing, mpz_powm against mpz_powm_sec",
          .enabled(if: ProcessInfo.processInfo.environment["PRIVAGG_TIMING"] != nil))
    func decryptionTiming() throws {
        var generator = ChaChaRandom(seed: UInt64(77))
        for (bits, key) in [(2048, TestKeys.key2048), (3072, TestKeys.key3072)] {
            let reference = try VariableTimeDecryptor(key)
            let ciphertexts = try (0..<50).map { _ in
                try key.publicKey.encrypt(try BigInt.random(below: key.publicKey.n, using: &generator), using: &generator)
            }
            var variable: [Double] = [], constant: [Double] = []
            let clock = ContinuousClock()
            for round in 0..<10 {
                // Alternate the order so neither side always runs on a warmer cache.
                for side in (round % 2 == 0 ? [0, 1] : [1, 0]) {
                    var plaintexts: [BigInt] = []
                    let elapsed = try clock.measure {
                        if side == 0 {
                            plaintexts = ciphertexts.map(reference.decrypt)
                        } else {
                            plaintexts = try ciphertexts.map { try key.decrypt($0) }
                        }
                    }
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                    if side == 0 { variable.append(seconds / 50) } else { constant.append(seconds / 50) }
                    #expect(plaintexts.count == 50)
                }
            }
            // Median and best of 10: the best is the least disturbed by other load.
            let medianVariable = variable.sorted()[5], medianConstant = constant.sorted()[5]
            let bestVariable = variable.min() ?? 0, bestConstant = constant.min() ?? 0
            print(String(format: "decrypt %d-bit: median mpz_powm %.3f ms, mpz_powm_sec %.3f ms, ratio %.3f; best %.3f / %.3f ms, ratio %.3f",
                         bits, medianVariable * 1e3, medianConstant * 1e3, medianConstant / medianVariable,
                         bestVariable * 1e3, bestConstant * 1e3, bestConstant / bestVariable))
            #expect(medianConstant > 0 && medianVariable > 0)
        }
    }
}
