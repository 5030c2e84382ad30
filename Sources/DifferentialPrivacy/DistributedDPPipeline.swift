import Foundation
import PrivacyAccounting
import Sodium

/// Errors of the distributed DP client and server pipeline.
public enum DistributedDPPipelineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The update holds NaN or ±∞ at `index`; nothing is encoded.
    case nonFiniteValue(index: Int)
    /// The update's length is not the pipeline's dimension.
    case dimensionMismatch(expected: Int, got: Int)
    /// Conditional stochastic rounding drew `attempts` roundings, none within the inflated
    /// norm bound; nothing is released (fail closed).
    case roundingRetriesExhausted(attempts: Int, bound: Double)
    /// A scaled, rounded and noised coordinate does not fit the modular range.
    case valueOutOfRange(index: Int)
    /// A parameter is out of range.
    case invalidParameter(name: String, reason: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .nonFiniteValue(let index): "update coordinate \(index) is NaN or infinite"
        case .dimensionMismatch(let expected, let got): "update has \(got) coordinates, the pipeline \(expected)"
        case .roundingRetriesExhausted(let attempts, let bound):
            "conditional stochastic rounding: \(attempts) attempts, none with L2 norm within \(bound); nothing released"
        case .valueOutOfRange(let index): "coordinate \(index) is beyond ±2^62 after scaling and noise"
        case .invalidParameter(let name, let reason): "invalid \(name): \(reason)"
        }
    }
}

/// The randomized Hadamard rotation: pad to a power of two d, flip signs by a ±1 diagonal D
/// drawn from a seed the round shares (ChaCha20 keystream), apply the fast Walsh–Hadamard
/// transform H and divide by √d. (H/√d)·D is orthogonal; its inverse is D·(H/√d).
/// It spreads a vector's norm evenly over the coordinates (flatness ρ ≈ 1), so that
/// coordinate-wise rounding and modular clipping treat all directions alike.
public enum RandomizedHadamard {
    /// The smallest power of two ≥ `count` (and ≥ 1).
    public static func paddedCount(_ count: Int) -> Int {
        count <= 1 ? 1 : 1 << (Int.bitWidth - (count - 1).leadingZeroBitCount)
    }

    /// The ±1 signs for `count` coordinates from a 32-byte seed: one keystream bit each.
    static func signs(seed: [UInt8], count: Int) throws -> [Double] {
        var rng: ChaChaRandom
        do { rng = try ChaChaRandom(seed: seed, stream: 0x4844_5f52_4f54) } catch {
            throw DistributedDPPipelineError.invalidParameter(name: "rotation_seed", reason: "must be 32 bytes, got \(seed.count)")
        }
        var result = [Double](repeating: 1, count: count)
        var word: UInt64 = 0
        for i in 0..<count {
            if i % 64 == 0 { word = rng.next() }
            if (word >> UInt64(i % 64)) & 1 == 1 { result[i] = -1 }
        }
        return result
    }

    /// In-place fast Walsh–Hadamard transform (unnormalized; `values.count` a power of two).
    static func walshHadamard(_ values: inout [Double]) {
        let n = values.count
        var h = 1
        values.withUnsafeMutableBufferPointer { v in
            while h < n {
                var i = 0
                while i < n {
                    for j in i..<(i + h) {
                        let a = v[j], b = v[j + h]
                        v[j] = a + b
                        v[j + h] = a - b
                    }
                    i += 2 * h
                }
                h *= 2
            }
        }
    }

    /// (H/√d)·D·pad(x).
    ///
    /// - Throws: ``DistributedDPPipelineError/invalidParameter(name:reason:)`` for a seed not of 32 bytes.
    public static func rotate(_ x: [Double], seed: [UInt8]) throws -> [Double] {
        let d = paddedCount(x.count)
        let s = try signs(seed: seed, count: d)
        var v = [Double](repeating: 0, count: d)
        for i in x.indices { v[i] = x[i] * s[i] }
        walshHadamard(&v)
        let norm = 1 / Double(d).squareRoot()
        for i in v.indices { v[i] *= norm }
        return v
    }

    /// D·(H/√d)·y, truncated to the first `dimension` coordinates (the inverse of ``rotate(_:seed:)``).
    ///
    /// - Throws: ``DistributedDPPipelineError/invalidParameter(name:reason:)`` for a bad seed
    ///   or a `y` whose length is not a power of two ≥ `dimension`.
    public static func unrotate(_ y: [Double], seed: [UInt8], dimension: Int) throws -> [Double] {
        guard y.count == paddedCount(y.count), dimension <= y.count else {
            throw DistributedDPPipelineError.invalidParameter(
                name: "dimension", reason: "rotated length \(y.count) must be a power of two ≥ \(dimension)")
        }
        var v = y
        walshHadamard(&v)
        let s = try signs(seed: seed, count: y.count)
        let norm = 1 / Double(y.count).squareRoot()
        return (0..<dimension).map { v[$0] * norm * s[$0] }
    }
}

/// Distributed DP over secure aggregation (as TFF's DistributedDpSumFactory): clients
/// encode their updates into Z_{2^bits}, secure aggregation sums them, the server decodes.
///
/// Client: rotate (``RandomizedHadamard``), clip to L2 norm `clip`, multiply by `scale`,
/// round by conditional stochastic rounding (each coordinate up with probability its
/// fractional part; the whole rounding redrawn until its L2 norm is within
/// `DistributedDP.roundedL2Bound(l2Bound:beta:dimension:)` (PrivacyAccounting), at most
/// ``maximumRoundingAttempts`` times, else nothing is released), add the local noise with
/// the exact samplers (discrete Gaussian or Skellam), reduce modulo 2^bits.
/// Server: map the modular sum to signed values in [−2^{b−1}, 2^{b−1}), divide by `scale`,
/// rotate back.
public struct DistributedDPPipeline: Sendable {
    /// The retry cap of conditional stochastic rounding. With β the probability that one
    /// unconditional rounding exceeds the bound is at most β (Kairouz et al. 2021 Prop. 22),
    /// so 1000 attempts all fail with probability ≤ β^1000 (< 1e-200 at β = e^{−1/2}).
    public static let maximumRoundingAttempts = 1000

    /// The mechanism.
    public let mechanism: DistributedMechanism
    /// Bits of the modular sum.
    public let bits: Int
    /// The update's length before padding.
    public let dimension: Int
    /// The L2 clipping norm c.
    public let clip: Double
    /// The scale 1/γ.
    public let scale: Double
    /// The conditional rounding constant β.
    public let beta: Double
    /// The L2 bound enforced after rounding (grid units).
    public let roundedBound: Double
    private let gaussian: DiscreteGaussianSampler?
    private let skellam: SkellamSampler?

    /// A pipeline.
    ///
    /// - Parameters:
    ///   - mechanism: Discrete Gaussian or Skellam noise.
    ///   - bits: Bits of the modular sum (1…62).
    ///   - dimension: The update's length.
    ///   - clip: L2 clipping norm c (> 0).
    ///   - scale: 1/γ (> 0).
    ///   - beta: Conditional rounding constant in [0, 1).
    ///   - localNoise: Each client's noise in grid units: the discrete Gaussian's σ, or the
    ///     Skellam's μ (noise Poisson(μ) − Poisson(μ)).
    /// - Throws: ``DistributedDPPipelineError/invalidParameter(name:reason:)``.
    public init(mechanism: DistributedMechanism, bits: Int, dimension: Int, clip: Double, scale: Double, beta: Double, localNoise: Double) throws {
        guard (1...62).contains(bits) else { throw DistributedDPPipelineError.invalidParameter(name: "bits", reason: "must be in 1…62, got \(bits)") }
        guard dimension >= 1 else { throw DistributedDPPipelineError.invalidParameter(name: "dimension", reason: "must be at least 1, got \(dimension)") }
        guard clip.isFinite, clip > 0, scale.isFinite, scale > 0 else {
            throw DistributedDPPipelineError.invalidParameter(name: "clip/scale", reason: "must be finite and > 0, got \(clip), \(scale)")
        }
        self.mechanism = mechanism
        self.bits = bits
        self.dimension = dimension
        self.clip = clip
        self.scale = scale
        self.beta = beta
        do {
            roundedBound = try DistributedDP.roundedL2Bound(l2Bound: clip * scale, beta: beta, dimension: RandomizedHadamard.paddedCount(dimension))
            switch mechanism {
            case .discreteGaussian:
                gaussian = try DiscreteGaussianSampler(sigma: localNoise)
                skellam = nil
            case .skellam:
                skellam = try SkellamSampler(mu: localNoise)
                gaussian = nil
            }
        } catch let error as PrivacyAccountingError {
            throw DistributedDPPipelineError.invalidParameter(name: "beta", reason: error.description)
        } catch {
            throw DistributedDPPipelineError.invalidParameter(name: "local_noise", reason: "\(error)")
        }
    }

    /// The padded dimension (the length of encoded vectors).
    public var paddedDimension: Int { RandomizedHadamard.paddedCount(dimension) }

    /// The modulus 2^bits.
    public var modulus: UInt64 { 1 << UInt64(bits) }

    /// The noise each client actually adds, in grid units (the samplers round σ and μ to
    /// multiples of 1/1024): σ for the discrete Gaussian, μ for Skellam.
    public var localNoise: Double { gaussian?.sigma ?? (skellam!.variance / 2) }

    /// The one-round event for a sum guaranteed to carry `minimumClients` clients' noise,
    /// from the noise actually sampled.
    ///
    /// - Throws: `PrivacyAccountingError` for `minimumClients` < 1.
    public func roundEvent(minimumClients: Int) throws -> PrivacyEvent {
        switch mechanism {
        case .discreteGaussian:
            try .distributedDiscreteGaussian(l2Clip: clip, scale: scale, beta: beta, dimension: paddedDimension,
                                             localSigma: localNoise, minimumClients: minimumClients)
        case .skellam:
            try .distributedSkellam(l2Clip: clip, scale: scale, beta: beta, dimension: paddedDimension,
                                    localMu: localNoise, minimumClients: minimumClients)
        }
    }

    /// One client's encoding, with its parts kept for tests and audits.
    public struct Encoding: Sendable {
        /// The rotated, clipped, scaled and rounded update (grid units, signed).
        public var rounded: [Int64]
        /// The noise added (grid units).
        public var noise: [Int64]
        /// (rounded + noise) mod 2^bits: what the client hands to secure aggregation.
        public var wrapped: [UInt64]
        /// How many roundings were drawn.
        public var roundingAttempts: Int
    }

    /// Encodes one client's update.
    ///
    /// - Parameters:
    ///   - update: The update, `dimension` finite values.
    ///   - rotationSeed: The round's shared 32-byte rotation seed.
    ///   - rng: Randomness for rounding and noise (`SecureRandom` in deployment).
    /// - Throws: ``DistributedDPPipelineError`` for a wrong length, NaN/∞, an exhausted
    ///   rounding, or a value beyond ±2^62; nothing is released then.
    public func encode<G: RandomNumberGenerator>(_ update: [Double], rotationSeed: [UInt8], using rng: inout G) throws -> Encoding {
        guard update.count == dimension else { throw DistributedDPPipelineError.dimensionMismatch(expected: dimension, got: update.count) }
        if let bad = update.firstIndex(where: { !$0.isFinite }) { throw DistributedDPPipelineError.nonFiniteValue(index: bad) }
        var x = try RandomizedHadamard.rotate(update, seed: rotationSeed)
        let norm = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let factor = scale * (norm > clip ? clip / norm : 1)
        for i in x.indices { x[i] *= factor }
        let limit = Double(1 << 61)
        if let bad = x.firstIndex(where: { abs($0) >= limit }) { throw DistributedDPPipelineError.valueOutOfRange(index: bad) }
        var rounded = [Int64](repeating: 0, count: x.count)
        var attempts = 0
        while true {
            guard attempts < Self.maximumRoundingAttempts else {
                throw DistributedDPPipelineError.roundingRetriesExhausted(attempts: attempts, bound: roundedBound)
            }
            attempts += 1
            var squared = 0.0
            for i in x.indices {
                let floor = x[i].rounded(.down)
                // Up with probability equal to the fractional part: unbiased.
                let u = Double(rng.next() >> 11) * 0x1p-53
                let value = floor + (u < x[i] - floor ? 1 : 0)
                rounded[i] = Int64(value)
                squared += value * value
            }
            if squared.squareRoot() <= roundedBound { break }
        }
        var noise = [Int64](repeating: 0, count: x.count)
        noise.withUnsafeMutableBufferPointer { buffer in
            if let gaussian { gaussian.fill(buffer, using: &rng) } else { skellam!.fill(buffer, using: &rng) }
        }
        let mask = modulus - 1
        var wrapped = [UInt64](repeating: 0, count: x.count)
        for i in x.indices {
            let (sum, overflow) = rounded[i].addingReportingOverflow(noise[i])
            guard !overflow, abs(sum) < 1 << 62 else { throw DistributedDPPipelineError.valueOutOfRange(index: i) }
            wrapped[i] = UInt64(bitPattern: sum) & mask
        }
        return Encoding(rounded: rounded, noise: noise, wrapped: wrapped, roundingAttempts: attempts)
    }

    /// The coordinate-wise sum modulo 2^bits of encoded vectors (what secure aggregation reveals).
    public func modularSum(_ vectors: [[UInt64]]) -> [UInt64] {
        let mask = modulus - 1
        var sum = [UInt64](repeating: 0, count: paddedDimension)
        for v in vectors { for i in sum.indices { sum[i] = (sum[i] &+ v[i]) & mask } }
        return sum
    }

    /// The modular sum as signed integers in [−2^{b−1}, 2^{b−1}).
    public func signed(_ sum: [UInt64]) -> [Int64] {
        let half = modulus >> 1
        return sum.map { $0 >= half ? Int64(bitPattern: $0) - Int64(bitPattern: modulus) : Int64($0) }
    }

    /// Decodes the modular sum: signed, divided by the scale, rotated back, `dimension` values.
    ///
    /// - Throws: ``DistributedDPPipelineError/dimensionMismatch(expected:got:)`` for a sum of
    ///   the wrong length; a bad seed as in ``RandomizedHadamard/unrotate(_:seed:dimension:)``.
    public func decode(_ sum: [UInt64], rotationSeed: [UInt8]) throws -> [Double] {
        guard sum.count == paddedDimension else { throw DistributedDPPipelineError.dimensionMismatch(expected: paddedDimension, got: sum.count) }
        let values = signed(sum).map { Double($0) / scale }
        return try RandomizedHadamard.unrotate(values, seed: rotationSeed, dimension: dimension)
    }
}
