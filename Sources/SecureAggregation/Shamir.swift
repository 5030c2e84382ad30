import Sodium

/// Shamir t-of-n secret sharing of 32-byte secrets over GF(2^61 − 1).
///
/// The secret is cut into five chunks of at most 7 bytes (56 bits), each shared with its
/// own random polynomial of degree t − 1 over the Mersenne-prime field p = 2^61 − 1.
/// Participant `id` holds the evaluations at x = id + 1, so every 32-bit id (over four
/// billion participants) has its own non-zero point. Any t shares give the secret back by
/// Lagrange interpolation at 0; any t − 1 shares are uniformly distributed whatever the
/// secret (each chunk is information-theoretically hidden), and `combine` refuses to run
/// with fewer than t.
public enum Shamir {
    /// Length of the shared secrets in bytes.
    public static let secretByteCount = 32
    /// Number of field elements a share holds (one per chunk).
    public static let chunkCount = 5
    /// Bytes of secret per chunk (the last chunk carries the remaining 4).
    static let chunkByteCount = 7
    /// The field modulus 2^61 − 1.
    public static let fieldModulus = PrimeField61.modulus

    /// One participant's share: the evaluation of each chunk polynomial at `participant + 1`.
    public struct Share: Sendable, Hashable {
        /// The participant holding this share.
        public let participant: UInt32
        /// One field element per chunk, each below `Shamir.fieldModulus`.
        public let values: [UInt64]

        /// Validates the number of values and that each is a field element.
        public init(participant: UInt32, values: [UInt64]) throws(SecAggError) {
            guard values.count == Shamir.chunkCount else {
                throw .invalidShare("a share holds \(Shamir.chunkCount) field elements, got \(values.count)")
            }
            guard values.allSatisfy({ $0 < PrimeField61.modulus }) else {
                throw .invalidShare("share value is not below 2^61 − 1")
            }
            self.participant = participant
            self.values = values
        }

        /// The evaluation point x = participant + 1 (never 0, the secret's point).
        var point: UInt64 { UInt64(participant) + 1 }
    }

    /// Splits a 32-byte secret into shares for `participants`, any `threshold` of which recover it.
    public static func split<R: RandomNumberGenerator>(
        _ secret: SecretBytes, threshold: Int, participants: [UInt32], using generator: inout R
    ) throws(SecAggError) -> [Share] {
        guard secret.count == secretByteCount else {
            throw .invalidParameter(name: "secret", reason: "Shamir secrets are \(secretByteCount) bytes, got \(secret.count)")
        }
        guard threshold >= 1, threshold <= participants.count else {
            throw .invalidParameter(name: "threshold", reason: "threshold \(threshold) must be in 1...\(participants.count)")
        }
        guard Set(participants).count == participants.count else {
            throw .invalidParameter(name: "participants", reason: "participants must be distinct")
        }
        // coefficients[chunk * threshold + degree]; degree 0 holds the secret chunk.
        var coefficients = [UInt64](repeating: 0, count: chunkCount * threshold)
        defer { SecureMemory.wipe(&coefficients) }
        secret.withUnsafeBytes { bytes in
            for chunk in 0..<chunkCount {
                var value: UInt64 = 0
                let start = chunk * chunkByteCount
                for offset in (start..<min(start + chunkByteCount, secretByteCount)).reversed() {
                    value = value << 8 | UInt64(bytes[offset])
                }
                coefficients[chunk * threshold] = value
            }
        }
        for chunk in 0..<chunkCount {
            for degree in 1..<threshold {
                coefficients[chunk * threshold + degree] = PrimeField61.random(using: &generator)
            }
        }
        return try participants.map { participant throws(SecAggError) in
            let x = UInt64(participant) + 1
            var values = [UInt64](repeating: 0, count: chunkCount)
            for chunk in 0..<chunkCount {
                // Horner's rule from the highest degree down.
                var y: UInt64 = 0
                for degree in stride(from: threshold - 1, through: 0, by: -1) {
                    y = PrimeField61.add(PrimeField61.multiply(y, x), coefficients[chunk * threshold + degree])
                }
                values[chunk] = y
            }
            return try Share(participant: participant, values: values)
        }
    }

    /// Recovers the secret from at least `threshold` shares (the first `threshold` are used).
    public static func combine(_ shares: [Share], threshold: Int) throws(SecAggError) -> SecretBytes {
        var cache = LagrangeCache()
        return try combine(shares, threshold: threshold, cache: &cache)
    }

    /// `combine`, reusing Lagrange coefficients across secrets shared among the same participants.
    static func combine(_ shares: [Share], threshold: Int, cache: inout LagrangeCache) throws(SecAggError) -> SecretBytes {
        guard threshold >= 1 else { throw .invalidParameter(name: "threshold", reason: "threshold must be at least 1") }
        guard shares.count >= threshold else {
            throw .notEnoughShares(owner: nil, available: shares.count, threshold: threshold)
        }
        let used = Array(shares.prefix(threshold))
        let participants = used.map(\.participant)
        guard Set(participants).count == participants.count else {
            throw .invalidShare("two shares come from the same participant")
        }
        let lambdas = cache.coefficients(for: participants)
        var bytes = [UInt8](repeating: 0, count: secretByteCount)
        defer { SecureMemory.wipe(&bytes) }
        for chunk in 0..<chunkCount {
            var value: UInt64 = 0
            for (index, share) in used.enumerated() {
                value = PrimeField61.add(value, PrimeField61.multiply(lambdas[index], share.values[chunk]))
            }
            let start = chunk * chunkByteCount
            let length = min(chunkByteCount, secretByteCount - start)
            guard value >> (8 * UInt64(length)) == 0 else {
                throw .invalidShare("the shares do not lie on one polynomial of degree \(threshold - 1)")
            }
            for offset in 0..<length { bytes[start + offset] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(offset))) }
        }
        return SecretBytes(bytes)
    }
}

/// Lagrange coefficients at x = 0, remembered per set of participants.
struct LagrangeCache {
    private var table: [[UInt32]: [UInt64]] = [:]

    /// λ_i = Π_{j≠i} x_j / (x_j − x_i), with one field inversion for the whole set.
    mutating func coefficients(for participants: [UInt32]) -> [UInt64] {
        if let known = table[participants] { return known }
        let points = participants.map { UInt64($0) + 1 }
        var numerator: UInt64 = 1
        for x in points { numerator = PrimeField61.multiply(numerator, x) }
        var denominators = [UInt64](repeating: 1, count: points.count)
        for i in points.indices {
            var d = points[i]
            for j in points.indices where j != i {
                d = PrimeField61.multiply(d, PrimeField61.subtract(points[j], points[i]))
            }
            denominators[i] = d
        }
        // Montgomery's trick: invert the product once, then peel off each factor.
        var prefix = [UInt64](repeating: 1, count: points.count + 1)
        for i in points.indices { prefix[i + 1] = PrimeField61.multiply(prefix[i], denominators[i]) }
        var inverse = PrimeField61.inverse(prefix[points.count])
        var lambdas = [UInt64](repeating: 0, count: points.count)
        for i in points.indices.reversed() {
            lambdas[i] = PrimeField61.multiply(numerator, PrimeField61.multiply(inverse, prefix[i]))
            inverse = PrimeField61.multiply(inverse, denominators[i])
        }
        table[participants] = lambdas
        return lambdas
    }
}
