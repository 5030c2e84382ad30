import Bignum

/// Safe primes `p = 2p' + 1` (p' prime) for threshold keys, found quickly by sieving.
///
/// A random odd `p'` is prime with probability about 2/ln p', and `2p' + 1` is then prime
/// with about the same probability, so a naive search runs about (ln p)²/4 ≈ 125,000
/// primality tests at 1024 bits. Sieving both numbers by every small prime r below
/// ``sieveBound`` first (p' ≢ 0 and 2p' + 1 ≢ 0 mod r) removes all but a few thousandth of
/// the candidates with a few word operations each, so only survivors reach a base-2
/// Fermat test on p', then on p, and only a pair passing both reaches the full
/// Baillie–PSW + Miller–Rabin test. Once p' is prime, `2^(p−1) ≡ 1 mod p` proves p prime
/// (Pocklington with the factor p' > √p), so the final test of p is belt and braces.
package enum SafePrime {
    /// Small primes below this bound sieve the candidates.
    static let sieveBound = 1 << 16
    /// Consecutive odd candidates `p'` examined per random starting point.
    static let windowSize = 1 << 14

    /// The odd primes below ``sieveBound`` (Eratosthenes, computed once).
    static let smallPrimes: [Int] = {
        var composite = [Bool](repeating: false, count: sieveBound)
        var primes: [Int] = []
        for candidate in 3..<sieveBound where !composite[candidate] {
            if candidate % 2 == 1 { primes.append(candidate) }
            var multiple = candidate * candidate
            while multiple < sieveBound {
                composite[multiple] = true
                multiple += candidate
            }
        }
        return primes
    }()

    /// A safe prime p of exactly `bits` bits whose two top bits are set (so the product of
    /// two has exactly `2·bits` bits), with `(p − 1)/2` prime.
    ///
    /// - Parameters:
    ///   - bits: the size of p, at least 32.
    ///   - generator: the randomness (a CSPRNG in production).
    package static func generate<R: RandomNumberGenerator>(bits: Int, using generator: inout R) -> BigInt {
        precondition(bits >= 32, "safe primes below 32 bits are not supported")
        let two = BigInt(2)
        let one = BigInt(1)
        while true {
            // p' has bits − 1 bits with its two top bits set, and is odd.
            var base = BigInt.random(bits: bits - 1, using: &generator)
            base = base | (BigInt(3) << (bits - 3)) | one
            var survivors = [Bool](repeating: true, count: windowSize)
            for prime in smallPrimes {
                // base mod r, then the offsets k (candidate base + 2k) where r divides
                // p' = base + 2k or p = 2·base + 1 + 4k.
                let residue = Self.residue(base, modulo: prime)
                let inverseOfTwo = (prime + 1) / 2
                let inverseOfFour = (inverseOfTwo * inverseOfTwo) % prime
                let killsPrime = ((prime - residue) % prime * inverseOfTwo) % prime
                let killsSafe = ((prime - (2 * residue + 1) % prime) % prime * inverseOfFour) % prime
                for start in [killsPrime, killsSafe] {
                    var offset = start
                    while offset < windowSize {
                        survivors[offset] = false
                        offset += prime
                    }
                }
            }
            for offset in 0..<windowSize where survivors[offset] {
                let candidate = base + BigInt(2 * offset)
                guard candidate.bitWidth == bits - 1 else { break }
                // Fermat base 2 on p' first: most survivors fail here, at the cost of one
                // half-size exponentiation. Like GMP's own primality test (and every prime
                // generator), this uses the variable-time power on the candidate: timing
                // during key generation on the dealer's machine, not on a decryption oracle.
                guard passesFermatBaseTwo(candidate) else { continue }
                let safe = candidate * two + one
                guard passesFermatBaseTwo(safe) else { continue }
                guard candidate.isProbablePrime(rounds: 32), safe.isProbablePrime(rounds: 32) else { continue }
                return safe
            }
        }
    }

    /// Whether 2^(n−1) ≡ 1 (mod n), for an odd n > 2 (a candidate, never a secret input).
    static func passesFermatBaseTwo(_ n: BigInt) -> Bool {
        // A positive exponent and a modulus above 2: `power` has nothing to refuse, so a throw
        // here is a broken invariant, never a reason to skip (or accept) a candidate.
        do { return try BigInt(2).power(n - 1, modulo: n) == 1 } catch {
            preconditionFailure("2^(n−1) mod n cannot fail for n > 2: \(error)")
        }
    }

    /// `value mod modulus` for a small positive modulus.
    static func residue(_ value: BigInt, modulo modulus: Int) -> Int {
        // A positive modulus below 2^16: the residue exists and fits an Int.
        do {
            guard let residue = try value.modulo(BigInt(modulus)).intValue else {
                preconditionFailure("a residue modulo \(modulus) fits an Int")
            }
            return residue
        } catch {
            preconditionFailure("a residue modulo the positive \(modulus) cannot fail: \(error)")
        }
    }

    /// Whether `p` is a safe prime: p and (p − 1)/2 both probably prime.
    static func isSafePrime(_ p: BigInt) -> Bool {
        guard p > 5, p.isOdd else { return false }
        return (p >> 1).isProbablePrime(rounds: 32) && p.isProbablePrime(rounds: 32)
    }
}
