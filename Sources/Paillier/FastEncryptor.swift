import Bignum
internal import ParallelWork
import Sodium

extension Paillier {
    /// Short-exponent encryption after Damgård, Jurik and Nielsen (2010, §4.2 "short exponents"):
    /// obfuscators are `h_s^a mod n²` with `h_s = h^n mod n²` for a fixed random
    /// `h = −x² mod n` and a fresh short exponent `a` of `exponentBits` bits, computed
    /// from a fixed-base window table (`FixedBasePower`) with no squarings.
    ///
    /// Assumption: besides decisional composite residuosity, that `h_s^a` with `a`
    /// uniform in `[0, 2^ℓ)` is computationally indistinguishable from `h_s^a` with `a`
    /// uniform modulo the order of `h_s` — a short-exponent discrete-logarithm
    /// assumption (Koshiba–Kurosawa 2004) in the group of n-th residues. Generic attacks
    /// on an ℓ-bit exponent cost about `2^(ℓ/2)`, so we take ℓ = 4λ (448 bits at
    /// 2048-bit n, 512 at 3072), twice the generic requirement, capped at ⌈k/2⌉ bits
    /// (DJN's original choice) for tiny test keys. The encryptor picks `x` itself and
    /// never publishes it.
    public struct ShortExponentEncryptor: Sendable {
        /// The key encrypted to.
        public let publicKey: PublicKey
        /// ℓ, the length of the random exponent `a`.
        public let exponentBits: Int
        /// The table of powers of `h_s`.
        public let table: FixedBasePower

        /// The default exponent length ℓ = min(4λ, ⌈k/2⌉) for a k-bit modulus.
        public static func defaultExponentBits(keyBits: Int) -> Int {
            min(4 * Paillier.securityLevel(keyBits: keyBits), (keyBits + 1) / 2)
        }

        /// Draws `h`, computes `h_s` and its window table (about `ℓ/w · 2^w` products mod n²).
        ///
        /// - Parameters:
        ///   - publicKey: the key encrypted to.
        ///   - exponentBits: ℓ; nil for `defaultExponentBits(keyBits:)`. Must be at least 2λ.
        ///   - windowBits: table window `w` (memory `ℓ/w · (2^w − 1)` residues of 2k bits).
        public init(publicKey: PublicKey, exponentBits: Int? = nil, windowBits: Int = 8) throws(PaillierError) {
            var generator = SecureRandom()
            try self.init(publicKey: publicKey, exponentBits: exponentBits, windowBits: windowBits, using: &generator)
        }

        /// As `init(publicKey:exponentBits:windowBits:)` with `h` drawn from `generator`.
        public init<R: RandomNumberGenerator>(
            publicKey: PublicKey, exponentBits: Int? = nil, windowBits: Int = 8, using generator: inout R
        ) throws(PaillierError) {
            let bits = exponentBits ?? Self.defaultExponentBits(keyBits: publicKey.bitWidth)
            let floor = min(2 * Paillier.securityLevel(keyBits: publicKey.bitWidth), (publicKey.bitWidth + 1) / 2)
            guard bits >= floor else {
                throw .invalidParameter(name: "exponentBits", reason: "short exponent of \(bits) bits is below the \(floor)-bit floor")
            }
            guard (1...12).contains(windowBits) else { throw .invalidParameter(name: "windowBits", reason: "window must be 1...12 bits, got \(windowBits)") }
            self.publicKey = publicKey
            self.exponentBits = bits
            let x = publicKey.randomUnit(using: &generator)
            var h = BigInt()
            h.formProduct(x, x, modulo: publicKey.n)
            h = publicKey.n - h
            var hs = BigInt()
            hs.formPower(h, publicKey.n, modulo: publicKey.nSquared)
            do {
                table = try FixedBasePower(base: hs, modulus: publicKey.nSquared, maxExponentBits: bits, windowBits: windowBits)
            } catch {
                throw .bignum(error)
            }
        }

        /// A fresh obfuscator `h_s^a mod n²` with `a` uniform in `[0, 2^ℓ)`.
        public func obfuscator<R: RandomNumberGenerator>(using generator: inout R) -> BigInt {
            var result = BigInt()
            formObfuscator(into: &result, using: &generator)
            return result
        }

        /// Writes a fresh obfuscator into `result`, reusing its limbs.
        public func formObfuscator<R: RandomNumberGenerator>(into result: inout BigInt, using generator: inout R) {
            let a = BigInt.random(bits: exponentBits, using: &generator)
            // `a` has at most `exponentBits` bits and is non-negative, which is all the table
            // requires; were the table to refuse it anyway, `result` would not be an
            // obfuscator, and encrypting with it would expose the plaintext: stop.
            do {
                try table.formPower(a, into: &result)
            } catch {
                preconditionFailure("fixed-base table refused an exponent within its bounds: \(error)")
            }
        }

        /// Encrypts `plaintext ∈ [0, n)` with a fresh short-exponent obfuscator.
        public func encrypt(_ plaintext: BigInt) throws(PaillierError) -> Ciphertext {
            var generator = SecureRandom()
            return try encrypt(plaintext, using: &generator)
        }

        /// Encrypts `plaintext ∈ [0, n)` with a short-exponent obfuscator drawn from `generator`.
        ///
        /// - Parameters:
        ///   - plaintext: a value in `[0, n)`.
        ///   - generator: the source of the short exponent.
        /// - Throws: `PaillierError.plaintextOutOfRange` outside `[0, n)`.
        public func encrypt<R: RandomNumberGenerator>(_ plaintext: BigInt, using generator: inout R) throws(PaillierError) -> Ciphertext {
            try publicKey.encrypt(plaintext, obfuscator: obfuscator(using: &generator))
        }

        /// Encrypts many plaintexts on all cores.
        public func encrypt(_ plaintexts: [BigInt]) throws(PaillierError) -> [Ciphertext] {
            try Parallel.map(count: plaintexts.count) { (index) throws(PaillierError) in try encrypt(plaintexts[index]) }
        }

        /// Re-randomizes `ciphertext` (multiplies by a fresh obfuscator) so it cannot be
        /// linked to the ciphertexts it was computed from.
        public func rerandomize(_ ciphertext: Ciphertext) throws(PaillierError) -> Ciphertext {
            var generator = SecureRandom()
            return try rerandomize(ciphertext, using: &generator)
        }

        /// Re-randomizes `ciphertext` with a short-exponent obfuscator drawn from `generator`.
        ///
        /// - Parameters:
        ///   - ciphertext: a ciphertext under ``publicKey``.
        ///   - generator: the source of the short exponent.
        /// - Throws: `PaillierError.keyMismatch` for a ciphertext under another key.
        public func rerandomize<R: RandomNumberGenerator>(_ ciphertext: Ciphertext, using generator: inout R) throws(PaillierError) -> Ciphertext {
            guard ciphertext.publicKey == publicKey else { throw .keyMismatch }
            var result = ciphertext
            result.value.multiply(by: obfuscator(using: &generator), modulo: publicKey.nSquared)
            return result
        }
    }
}
