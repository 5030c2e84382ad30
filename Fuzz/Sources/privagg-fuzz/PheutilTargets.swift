import Bignum
import Foundation
import FuzzHarness
import Paillier
import Sodium

/// python-paillier (pheutil) key and ciphertext files. Oracles: reading either succeeds or
/// throws `PaillierError` (typed throws guarantee the type; the target checks what was read);
/// what was read writes back to a file that reads equal; a ciphertext decrypts (or fails with a
/// typed error) and its rewritten form decrypts to the same value.
enum PheutilTargets {
    /// A fixed 512-bit key (deterministic, so the committed ciphertext seeds belong to it): small
    /// keys keep decryption cheap, so the fuzzer spends its time in the parsers.
    static let key: Paillier.PrivateKey = {
        var generator = ChaChaRandom(seed: UInt64(0xF022))
        do {
            return try Paillier.PrivateKey.generate(bits: 512, allowInsecureForTests: true, using: &generator)
        } catch {
            fatalError("cannot generate the fuzzing key: \(error)")
        }
    }()

    static func runPublicKey(_ bytes: [UInt8]) {
        let data = Data(bytes)
        for insecure in [false, true] {
            let key: Paillier.PublicKey
            do { key = try Paillier.Pheutil.readPublicKey(data, allowInsecureForTests: insecure) } catch { continue }
            guard key.n.signum > 0, key.n.isOdd, key.n.bitWidth >= (insecure ? 128 : 2048) else {
                violated("accepted public modulus \(key.n) (insecure keys allowed: \(insecure))")
            }
            do {
                let again = try Paillier.Pheutil.readPublicKey(try Paillier.Pheutil.write(key), allowInsecureForTests: insecure)
                guard again.n == key.n else { violated("public key round trip changed n") }
            } catch {
                violated("a public key that was read cannot be written and read back: \(error)")
            }
        }
    }

    static func runPrivateKey(_ bytes: [UInt8]) {
        let data = Data(bytes)
        for insecure in [false, true] {
            let key: Paillier.PrivateKey
            do { key = try Paillier.Pheutil.readPrivateKey(data, allowInsecureForTests: insecure) } catch { continue }
            guard key.p * key.q == key.publicKey.n else { violated("accepted a private key with p·q ≠ n") }
            do {
                let again = try Paillier.Pheutil.readPrivateKey(try Paillier.Pheutil.write(key), allowInsecureForTests: insecure)
                guard again.p * again.q == key.publicKey.n, again.publicKey.n == key.publicKey.n else {
                    violated("private key round trip changed the key")
                }
                // The key must work: a round trip of a small value.
                let number = try Paillier.EncryptedNumber(encrypting: Paillier.EncodedNumber(BigInt(12345), publicKey: key.publicKey))
                guard try number.decrypt(with: key).mantissa() == BigInt(12345) else { violated("an accepted private key decrypts wrongly") }
            } catch {
                violated("a private key that was read does not write, read back and decrypt: \(error)")
            }
        }
    }

    static func runCiphertext(_ bytes: [UInt8]) {
        let publicKey = key.publicKey
        let number: Paillier.EncryptedNumber
        do { number = try Paillier.Pheutil.readEncryptedNumber(Data(bytes), publicKey: publicKey) } catch { return }
        let first = decrypted(number)
        let rewritten: Paillier.EncryptedNumber
        do {
            rewritten = try Paillier.Pheutil.readEncryptedNumber(try Paillier.Pheutil.write(number), publicKey: publicKey)
        } catch {
            // Writing lowers the exponent to at most −32 (as pheutil does); a file that was
            // read must still write to one that reads.
            violated("a ciphertext that was read (e = \(number.exponent)) cannot be written and read back: \(error)")
        }
        guard rewritten.exponent == min(number.exponent, -32) else {
            violated("rewritten exponent \(rewritten.exponent) for exponent \(number.exponent)")
        }
        if number.exponent <= -32, rewritten != number { violated("ciphertext round trip changed the ciphertext") }
        // The same number: m·16^e with the mantissa scaled by exactly 16^(e − e′).
        if case let .success(original) = first, case let .success(again) = decrypted(rewritten),
           original.mantissa << (4 * (original.exponent - again.exponent)) != again.mantissa {
            violated("ciphertext decrypts to \(original), its rewritten form to \(again)")
        }
    }

    /// The decrypted mantissa and exponent; the text and Double forms are computed too (they
    /// may refuse with a typed error, never trap) and a Double is never NaN.
    private static func decrypted(_ number: Paillier.EncryptedNumber) -> Result<(mantissa: BigInt, exponent: Int), PaillierError> {
        do {
            let encoded = try number.decrypt(with: key)
            let mantissa = try encoded.mantissa()
            _ = try? encoded.decimalText()  // an overflow beyond Double's range is a valid refusal
            if let value = try? encoded.doubleValue(), value.isNaN { violated("decrypted to NaN") }
            return .success((mantissa, encoded.exponent))
        } catch {
            return .failure(error)
        }
    }
}
