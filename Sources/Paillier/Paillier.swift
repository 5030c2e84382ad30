import Bignum

/// Paillier's additively homomorphic public-key encryption (Eurocrypt 1999) with
/// g = n + 1, CRT decryption, Damgård–Jurik–Nielsen fast randomness, BatchCrypt-style
/// packing and python-paillier (`phe`/`pheutil`) compatible encodings and files.
///
/// A ciphertext of `m` is `(1 + m·n) · r^n mod n²`; multiplying ciphertexts adds
/// plaintexts modulo `n`.
public enum Paillier {
    /// The default modulus size: 3072 bits, 128-bit security (NIST SP 800-57 Part 1, Table 2).
    public static let defaultKeyBits = 3072

    /// The smallest modulus accepted without the insecure-for-tests option.
    public static let minimumSecureKeyBits = 2048

    /// The smallest modulus accepted at all, even for tests (GMP and the encodings
    /// need some room; this size is trivially factorable).
    public static let minimumTestKeyBits = 128

    /// The largest modulus accepted (256-bit security needs 15360): beyond it key generation
    /// takes hours and a hostile key file could stall every operation.
    public static let maximumKeyBits = 16384

    /// The symmetric-equivalent security level of an `n` of `keyBits` bits, after NIST
    /// SP 800-57 Part 1 Table 2 (factoring-based keys); 80 below 2048 bits.
    public static func securityLevel(keyBits: Int) -> Int {
        switch keyBits {
        case ..<2048: return 80
        case ..<3072: return 112
        case ..<7680: return 128
        case ..<15360: return 192
        default: return 256
        }
    }

    /// Checks a modulus size against the policy: at least 2048 bits unless
    /// `allowInsecureForTests`, never below `minimumTestKeyBits` nor above `maximumKeyBits`.
    package static func checkKeyBits(_ bits: Int, allowInsecureForTests: Bool) throws(PaillierError) {
        guard bits >= minimumTestKeyBits else { throw .keyTooSmall(bits: bits, minimum: minimumTestKeyBits) }
        guard bits <= maximumKeyBits else { throw .invalidParameter(name: "bits", reason: "\(bits) bits is above the maximum of \(maximumKeyBits)") }
        if !allowInsecureForTests, bits < minimumSecureKeyBits {
            throw .keyTooSmall(bits: bits, minimum: minimumSecureKeyBits)
        }
    }
}
