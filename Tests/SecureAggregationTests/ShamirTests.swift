@testable import SecureAggregation
import Sodium
import Testing

@Suite("Shamir over GF(2^61 − 1)")
struct ShamirTests {
    static func secret(_ seed: UInt64) -> SecretBytes {
        var generator = ChaChaRandom(seed: seed)
        return SecretBytes(randomBytes(32, using: &generator))
    }

    @Test func fieldInverseAndReduction() {
        var generator = ChaChaRandom(seed: 61)
        for _ in 0..<1000 {
            let a = PrimeField61.random(using: &generator)
            guard a != 0 else { continue }
            #expect(PrimeField61.multiply(a, PrimeField61.inverse(a)) == 1)
        }
        let top = PrimeField61.modulus - 1
        #expect(PrimeField61.multiply(top, top) == 1)  // (−1)² = 1
        #expect(PrimeField61.add(top, 1) == 0)
        #expect(PrimeField61.subtract(0, 1) == top)
    }

    @Test(arguments: [(1, 1), (2, 3), (3, 5), (7, 10), (20, 20)])
    func anyThresholdSubsetRecoversTheSecret(threshold: Int, participants: Int) throws {
        var generator = ChaChaRandom(seed: UInt64(threshold * 100 + participants))
        let secret = Self.secret(UInt64(participants))
        let ids = (0..<participants).map { UInt32($0 * 7 + 3) }
        let shares = try Shamir.split(secret, threshold: threshold, participants: ids, using: &generator)
        for _ in 0..<10 {
            let subset = Array(shares.shuffled(using: &generator).prefix(threshold))
            #expect(try Shamir.combine(subset, threshold: threshold) == secret)
        }
    }

    @Test func tenThousandParticipants() throws {
        var generator = ChaChaRandom(seed: 10_000)
        let secret = Self.secret(4)
        let ids = (0..<10_000).map { UInt32($0) }
        let shares = try Shamir.split(secret, threshold: 40, participants: ids, using: &generator)
        #expect(shares.count == 10_000)
        #expect(try Shamir.combine(Array(shares.suffix(40)), threshold: 40) == secret)
        #expect(try Shamir.combine(Array(shares.shuffled(using: &generator).prefix(40)), threshold: 40) == secret)
    }

    @Test func fewerThanThresholdRefuses() throws {
        var generator = ChaChaRandom(seed: 5)
        let shares = try Shamir.split(Self.secret(5), threshold: 4, participants: [1, 2, 3, 4, 5], using: &generator)
        #expect(throws: SecAggError.notEnoughShares(owner: nil, available: 3, threshold: 4)) {
            try Shamir.combine(Array(shares.prefix(3)), threshold: 4)
        }
    }

    /// t − 1 shares are consistent with every secret: for any other secret s′ there is a
    /// polynomial of degree t − 1 through the same t − 1 shares with constant term s′
    /// (f + (s′ − s)·L with L(0) = 1 and L = 0 at the shares' points), so the shares carry no
    /// information about the secret.
    @Test func fewerThanThresholdSharesFitEverySecret() throws {
        var generator = ChaChaRandom(seed: 6)
        let threshold = 4
        let shares = try Shamir.split(Self.secret(6), threshold: threshold, participants: [10, 11, 12, 13, 14], using: &generator)
        let known = Array(shares.prefix(threshold - 1))
        let other = Self.secret(7)
        // The t-th point at x = 0 with the other secret's chunks, plus the t − 1 known shares,
        // determines a polynomial of degree t − 1; evaluate it at the known points.
        let otherChunks = try Shamir.split(other, threshold: 1, participants: [0], using: &generator)[0].values
        let points = known.map(\.point) + [0]
        for chunk in 0..<Shamir.chunkCount {
            let values = known.map { $0.values[chunk] } + [otherChunks[chunk]]
            for (index, x) in points.dropLast().enumerated() {
                #expect(interpolate(points: points, values: values, at: x) == values[index])
            }
            #expect(interpolate(points: points, values: values, at: 0) == otherChunks[chunk])
        }
        // And the combination with the fake point reconstructs the other secret, not ours.
        var cache = LagrangeCache()
        let fakeShare = try Shamir.Share(participant: UInt32.max, values: (0..<Shamir.chunkCount).map { chunk in
            interpolate(points: points, values: known.map { $0.values[chunk] } + [otherChunks[chunk]], at: UInt64(UInt32.max) + 1)
        })
        #expect(try Shamir.combine(known + [fakeShare], threshold: threshold, cache: &cache) == other)
    }

    @Test func inconsistentOrDuplicateSharesAreRejected() throws {
        var generator = ChaChaRandom(seed: 8)
        let shares = try Shamir.split(Self.secret(8), threshold: 3, participants: [1, 2, 3], using: &generator)
        #expect(throws: SecAggError.invalidShare("two shares come from the same participant")) {
            try Shamir.combine([shares[0], shares[0], shares[1]], threshold: 3)
        }
        #expect(throws: SecAggError.invalidShare("a share holds \(Shamir.chunkCount) field elements, got 2")) {
            try Shamir.Share(participant: 1, values: [1, 2])
        }
        #expect(throws: SecAggError.invalidShare("share value is not below 2^61 − 1")) {
            try Shamir.Share(participant: 1, values: [UInt64](repeating: UInt64.max, count: Shamir.chunkCount))
        }
        var tampered = shares[2].values
        tampered[4] = PrimeField61.add(tampered[4], 1 << 40)
        let bad = try Shamir.Share(participant: 3, values: tampered)
        // The 4-byte chunk moves by λ·2^40 (λ = 3 for points 2, 3, 4), which leaves 32 bits.
        #expect(throws: SecAggError.invalidShare("the shares do not lie on one polynomial of degree 2")) {
            try Shamir.combine([shares[0], shares[1], bad], threshold: 3)
        }
    }

    @Test func splitValidatesItsArguments() {
        var generator = ChaChaRandom(seed: 9)
        #expect(throws: SecAggError.invalidParameter(name: "secret", reason: "Shamir secrets are \(Shamir.secretByteCount) bytes, got 3")) {
            try Shamir.split(SecretBytes([1, 2, 3]), threshold: 1, participants: [1], using: &generator)
        }
        #expect(throws: SecAggError.invalidParameter(name: "threshold", reason: "threshold 3 must be in 1...2")) {
            try Shamir.split(Self.secret(9), threshold: 3, participants: [1, 2], using: &generator)
        }
        #expect(throws: SecAggError.invalidParameter(name: "participants", reason: "participants must be distinct")) {
            try Shamir.split(Self.secret(9), threshold: 2, participants: [1, 1], using: &generator)
        }
    }
}

/// Lagrange interpolation through (points, values), evaluated at x (reference, O(t²) per call).
func interpolate(points: [UInt64], values: [UInt64], at x: UInt64) -> UInt64 {
    var result: UInt64 = 0
    for i in points.indices {
        var term = values[i]
        for j in points.indices where j != i {
            let numerator = PrimeField61.subtract(x, points[j])
            let denominator = PrimeField61.subtract(points[i], points[j])
            term = PrimeField61.multiply(term, PrimeField61.multiply(numerator, PrimeField61.inverse(denominator)))
        }
        result = PrimeField61.add(result, term)
    }
    return result
}
