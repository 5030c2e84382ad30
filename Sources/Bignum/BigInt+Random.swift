internal import CGMP
import Sodium

extension BigInt {
    /// A uniform value in `[0, 2^bits)` drawn from `generator`.
    public static func random<R: RandomNumberGenerator>(bits: Int, using generator: inout R) -> BigInt {
        guard bits > 0 else { return BigInt() }
        let wordCount = (bits + 63) / 64
        var words = [UInt64](repeating: 0, count: wordCount)
        for index in 0..<wordCount { words[index] = generator.next() }
        let excess = wordCount * 64 - bits
        if excess > 0 { words[wordCount - 1] &= UInt64.max >> UInt64(excess) }
        let result = BigInt()
        words.withUnsafeMutableBytes { raw in
            __gmpz_import(result.storage.pointer, wordCount, -1, 8, 0, 0, raw.baseAddress)
            raw.initializeMemory(as: UInt8.self, repeating: 0)
        }
        return result
    }

    /// A uniform value in `[0, 2^bits)` from libsodium's CSPRNG.
    public static func random(bits: Int) -> BigInt {
        var generator = SecureRandom()
        return random(bits: bits, using: &generator)
    }

    /// A uniform value in `[0, bound)` drawn from `generator`, by rejection (no modulo bias).
    ///
    /// Each draw succeeds with probability above 1/2, so the expected number of draws is
    /// below 2.
    public static func random<R: RandomNumberGenerator>(below bound: BigInt, using generator: inout R) throws(BignumError) -> BigInt {
        guard bound.signum > 0 else { throw .invalidParameter(name: "bound", reason: "random(below:) needs a positive bound") }
        let bits = bound.bitWidth
        while true {
            let candidate = random(bits: bits, using: &generator)
            if candidate < bound { return candidate }
        }
    }

    /// A uniform value in `[0, bound)` from libsodium's CSPRNG.
    public static func random(below bound: BigInt) throws(BignumError) -> BigInt {
        var generator = SecureRandom()
        return try random(below: bound, using: &generator)
    }

    /// A random prime of exactly `bits` bits whose two top bits are set, so the product
    /// of two such primes has exactly `2·bits` bits.
    ///
    /// A uniform odd starting point is moved to the next probable prime (GMP's sieve,
    /// then Baillie–PSW and Miller–Rabin), then confirmed with `isProbablePrime(rounds: 32)`.
    /// Primes after long gaps are slightly more likely than others, a bias with no known
    /// use against factoring.
    public static func randomPrime<R: RandomNumberGenerator>(bits: Int, using generator: inout R) throws(BignumError) -> BigInt {
        guard bits >= 8 else { throw .invalidParameter(name: "bits", reason: "prime size must be at least 8 bits, got \(bits)") }
        while true {
            let candidate = random(bits: bits, using: &generator)
            __gmpz_setbit(candidate.storage.pointer, mp_bitcnt_t(bits - 1))
            __gmpz_setbit(candidate.storage.pointer, mp_bitcnt_t(bits - 2))
            __gmpz_nextprime(candidate.storage.pointer, candidate.storage.pointer)
            if candidate.bitWidth == bits, candidate.isProbablePrime(rounds: 32) { return candidate }
        }
    }

    /// A random `bits`-bit prime from libsodium's CSPRNG.
    public static func randomPrime(bits: Int) throws(BignumError) -> BigInt {
        var generator = SecureRandom()
        return try randomPrime(bits: bits, using: &generator)
    }
}
