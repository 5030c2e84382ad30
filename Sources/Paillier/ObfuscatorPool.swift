import Bignum
import Foundation
internal import ParallelWork
import Sodium

extension Paillier {
    /// Obfuscators (n-th residues) computed ahead of time on all cores, so that online
    /// encryption costs one multiplication modulo n² per ciphertext.
    ///
    /// Each obfuscator is handed out once and then forgotten: reusing one would let anyone
    /// divide two ciphertexts and learn the difference of their plaintexts. That is why the
    /// pool is a class (a copy of a value type would hand out the same obfuscators twice);
    /// it is safe to share between tasks.
    public final class ObfuscatorPool: @unchecked Sendable {
        /// How obfuscators are made.
        public enum Source: Sendable {
            /// `r^n` with `r` uniform in Z*_n (no extra assumption).
            case standard(PublicKey)
            /// `h_s^a` with a short exponent (see `ShortExponentEncryptor`).
            case fast(ShortExponentEncryptor)
            /// `r^n` through the CRT, for the key owner.
            case keyOwner(PrivateKey)

            var publicKey: PublicKey {
                switch self {
                case let .standard(key): return key
                case let .fast(encryptor): return encryptor.publicKey
                case let .keyOwner(key): return key.publicKey
                }
            }

            func make() -> BigInt {
                var generator = SecureRandom()
                switch self {
                case let .standard(key): return key.standardObfuscator(using: &generator)
                case let .fast(encryptor): return encryptor.obfuscator(using: &generator)
                case let .keyOwner(key): return key.crtObfuscator(using: &generator)
                }
            }
        }

        /// Where obfuscators come from.
        public let source: Source
        private var obfuscators: [BigInt] = []
        private let lock = NSLock()

        /// An empty pool drawing from `source`.
        public init(source: Source) {
            self.source = source
        }

        /// The key the obfuscators are for.
        public var publicKey: PublicKey { source.publicKey }

        /// How many obfuscators are ready.
        public var count: Int { lock.withLock { obfuscators.count } }

        /// Computes `count` more obfuscators on all cores.
        public func fill(count: Int) {
            guard count > 0 else { return }
            let source = self.source
            // `make()` cannot throw, and `Parallel.map` is generic over the closure's error, so
            // this map cannot fail (no short pool is possible).
            let fresh = Parallel.map(count: count) { _ in source.make() }
            lock.withLock { obfuscators.append(contentsOf: fresh) }
        }

        /// Removes and returns one obfuscator, computing one on the spot when the pool is empty.
        public func next() -> BigInt {
            lock.withLock { obfuscators.popLast() } ?? source.make()
        }

        /// Encrypts `plaintext ∈ [0, n)` with the next obfuscator.
        public func encrypt(_ plaintext: BigInt) throws(PaillierError) -> Ciphertext {
            try publicKey.encrypt(plaintext, obfuscator: next())
        }

        /// Encrypts many plaintexts with pooled obfuscators (topped up first on all cores),
        /// the multiplications themselves also spread over all cores.
        public func encrypt(_ plaintexts: [BigInt]) throws(PaillierError) -> [Ciphertext] {
            let missing = plaintexts.count - count
            if missing > 0 { fill(count: missing) }
            // Another task may have drained the pool meanwhile; make up any shortfall on the spot.
            var drawn: [BigInt] = lock.withLock {
                let available = min(plaintexts.count, obfuscators.count)
                defer { obfuscators.removeLast(available) }
                return Array(obfuscators.suffix(available))
            }
            while drawn.count < plaintexts.count { drawn.append(source.make()) }
            let taken = drawn
            let key = publicKey
            return try Parallel.map(count: plaintexts.count) { (index) throws(PaillierError) in
                try key.encrypt(plaintexts[index], obfuscator: taken[index])
            }
        }
    }
}
