import Bignum
import Foundation
import Paillier
import ParallelWork
import Sodium

extension Paillier {
    /// Timings of the operations the goals are stated in, on one fresh key
    /// (used by `privagg bench paillier`). Single-core unless the name says otherwise.
    public struct BenchmarkReport: Codable, Sendable, Equatable {
        /// Modulus size.
        public var keyBits: Int
        /// Cores used by the `_all_cores` figures.
        public var cores: Int
        /// Short-exponent length ℓ of the fast mode.
        public var exponentBits: Int
        /// Window width of the fast mode's fixed-base table.
        public var windowBits: Int
        /// Bits per packed value.
        public var valueBits: Int
        /// Addends the packing leaves headroom for.
        public var maxAddends: Int
        /// Packed values per ciphertext.
        public var slotsPerCiphertext: Int
        /// One key generation.
        public var keygenMs: Double
        /// Building the fast-mode table (once per encryptor).
        public var tableMs: Double
        /// Fast-mode encryption, one core.
        public var encryptMsPerCiphertext: Double
        /// Fast-mode encryption spread over all cores (wall time per ciphertext).
        public var encryptMsPerCiphertextAllCores: Double
        /// Standard-mode encryption (`r^n`), one core.
        public var encryptStandardMsPerCiphertext: Double
        /// Key-owner CRT encryption, one core.
        public var encryptKeyOwnerMsPerCiphertext: Double
        /// Online cost with a pre-filled obfuscator pool (one product mod n²).
        public var encryptPooledOnlineMsPerCiphertext: Double
        /// Packed fast-mode encryption per value (one core).
        public var encryptMsPerValuePacked: Double
        /// CRT decryption, one core.
        public var decryptMsPerCiphertext: Double
        /// Decryption plus unpacking per packed value (one core).
        public var decryptMsPerValuePacked: Double
        /// One homomorphic addition (product mod n²), one core.
        public var addUs: Double
        /// Wall time per addition in `Paillier.sum` over all cores.
        public var addUsAllCores: Double

        enum CodingKeys: String, CodingKey {
            case keyBits = "key_bits", cores, exponentBits = "exponent_bits", windowBits = "window_bits"
            case valueBits = "value_bits", maxAddends = "max_addends", slotsPerCiphertext = "slots_per_ciphertext"
            case keygenMs = "keygen_ms", tableMs = "table_ms"
            case encryptMsPerCiphertext = "encrypt_ms_per_ciphertext"
            case encryptMsPerCiphertextAllCores = "encrypt_ms_per_ciphertext_all_cores"
            case encryptStandardMsPerCiphertext = "encrypt_standard_ms_per_ciphertext"
            case encryptKeyOwnerMsPerCiphertext = "encrypt_key_owner_ms_per_ciphertext"
            case encryptPooledOnlineMsPerCiphertext = "encrypt_pooled_online_ms_per_ciphertext"
            case encryptMsPerValuePacked = "encrypt_ms_per_value_packed"
            case decryptMsPerCiphertext = "decrypt_ms_per_ciphertext"
            case decryptMsPerValuePacked = "decrypt_ms_per_value_packed"
            case addUs = "add_us", addUsAllCores = "add_us_all_cores"
        }
    }

    /// Runs the benchmark at `keyBits` with `valueBits`-bit packed values and `maxAddends`
    /// headroom; `scale` multiplies the iteration counts (1 takes a few seconds at 3072 bits).
    public static func benchmark(
        keyBits: Int, valueBits: Int = 16, maxAddends: Int = 1024, scale: Double = 1, allowInsecureForTests: Bool = false
    ) throws(PaillierError) -> BenchmarkReport {
        func count(_ base: Int) -> Int { max(2, Int(Double(base) * scale)) }
        let clock = ContinuousClock()
        func measure(_ body: () throws(PaillierError) -> Void) throws(PaillierError) -> Duration {
            let start = clock.now
            try body()
            return clock.now - start
        }
        func milliseconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) * 1e-15
        }
        var generator = SecureRandom()

        var key: PrivateKey?
        let keygen = try measure { () throws(PaillierError) in
            key = try PrivateKey.generate(bits: keyBits, allowInsecureForTests: allowInsecureForTests)
        }
        guard let privateKey = key else { preconditionFailure("measure returned without running key generation") }
        let publicKey = privateKey.publicKey

        var built: ShortExponentEncryptor?
        let table = try measure { () throws(PaillierError) in built = try ShortExponentEncryptor(publicKey: publicKey) }
        guard let encryptor = built else { preconditionFailure("measure returned without building the table") }

        var plaintexts: [BigInt] = []
        for _ in 0..<count(200) {
            do {
                plaintexts.append(try BigInt.random(below: publicKey.n, using: &generator))
            } catch {
                throw .bignum(error)
            }
        }
        var ciphertexts: [Ciphertext] = []
        ciphertexts.reserveCapacity(plaintexts.count)
        let fast = try measure { () throws(PaillierError) in
            for plaintext in plaintexts { ciphertexts.append(try encryptor.encrypt(plaintext)) }
        }
        let parallel = try measure { () throws(PaillierError) in _ = try encryptor.encrypt(plaintexts) }

        let standardCount = count(keyBits >= 3072 ? 10 : 20)
        let standard = try measure { () throws(PaillierError) in
            for plaintext in plaintexts.prefix(standardCount) { _ = try publicKey.encrypt(plaintext) }
        }
        let owner = try measure { () throws(PaillierError) in
            for plaintext in plaintexts.prefix(standardCount) { _ = try privateKey.encrypt(plaintext) }
        }
        let pool = ObfuscatorPool(source: .fast(encryptor))
        pool.fill(count: plaintexts.count)
        let pooled = try measure { () throws(PaillierError) in
            for plaintext in plaintexts { _ = try pool.encrypt(plaintext) }
        }

        let decryptCount = count(keyBits >= 3072 ? 40 : 100)
        let decrypt = try measure { () throws(PaillierError) in
            for ciphertext in ciphertexts.prefix(decryptCount) { _ = try privateKey.decrypt(ciphertext) }
        }

        let addCount = count(5000)
        var accumulator = ciphertexts[0]
        let add = try measure { () throws(PaillierError) in
            for index in 0..<addCount { try accumulator.add(ciphertexts[index % ciphertexts.count]) }
        }

        let summands = (0..<addCount).map { ciphertexts[$0 % ciphertexts.count] }
        let parallelAdd = try measure { () throws(PaillierError) in _ = try Paillier.sum(summands, publicKey: publicKey) }

        let scheme = try PackingScheme(publicKey: publicKey, valueBits: valueBits, maxAddends: maxAddends)
        let bound = scheme.maxMagnitude
        let packedCiphertexts = count(50)
        let values = (0..<(scheme.slotsPerPlaintext * packedCiphertexts)).map { _ in Int.random(in: -bound...bound, using: &generator) }
        var packedOne: [Ciphertext] = []
        let packedEncrypt = try measure { () throws(PaillierError) in
            for plaintext in try scheme.pack(values) { packedOne.append(try encryptor.encrypt(plaintext)) }
        }
        let packed = PackedCiphertext(scheme: scheme, ciphertexts: packedOne, count: values.count, addends: 1)
        var decoded: [Int] = []
        let packedDecrypt = try measure { () throws(PaillierError) in
            var residues: [BigInt] = []
            for ciphertext in packed.ciphertexts { residues.append(try privateKey.decrypt(ciphertext)) }
            decoded = try scheme.unpack(residues, count: values.count)
        }
        guard decoded == values else { throw .packing("benchmark round trip failed") }

        return BenchmarkReport(
            keyBits: keyBits, cores: Parallel.cores, exponentBits: encryptor.exponentBits,
            windowBits: encryptor.table.windowBits, valueBits: valueBits, maxAddends: maxAddends,
            slotsPerCiphertext: scheme.slotsPerPlaintext,
            keygenMs: milliseconds(keygen), tableMs: milliseconds(table),
            encryptMsPerCiphertext: milliseconds(fast) / Double(plaintexts.count),
            encryptMsPerCiphertextAllCores: milliseconds(parallel) / Double(plaintexts.count),
            encryptStandardMsPerCiphertext: milliseconds(standard) / Double(standardCount),
            encryptKeyOwnerMsPerCiphertext: milliseconds(owner) / Double(standardCount),
            encryptPooledOnlineMsPerCiphertext: milliseconds(pooled) / Double(plaintexts.count),
            encryptMsPerValuePacked: milliseconds(packedEncrypt) / Double(values.count),
            decryptMsPerCiphertext: milliseconds(decrypt) / Double(decryptCount),
            decryptMsPerValuePacked: milliseconds(packedDecrypt) / Double(values.count),
            addUs: milliseconds(add) * 1000 / Double(addCount),
            addUsAllCores: milliseconds(parallelAdd) * 1000 / Double(addCount))
    }
}
