import Foundation

/// The two distributed DP mechanisms.
public enum DistributedMechanism: String, Sendable, Hashable, Codable, CaseIterable {
    /// The distributed discrete Gaussian (Kairouz, Liu, Steinke 2021).
    case discreteGaussian = "ddg"
    /// The distributed Skellam mechanism (Agarwal, Kairouz, Liu 2021).
    case skellam
}

/// Why distributed DP parameters cannot be chosen.
public enum DistributedDPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Even with an arbitrarily coarse grid, `k` standard deviations of the sum of `clients`
    /// rounding errors (variance 1/4 each) do not fit in 2^`bits`: 2^{2b} < n k².
    case tooFewBits(bits: Int, clients: Int, k: Double)
    /// No scale keeps `k` standard deviations of the noisy, quantized sum within 2^`bits`
    /// at the noise the target ε needs: the modular sum would wrap too often.
    case sumWouldWrap(bits: Int, k: Double, reason: String)
    /// A parameter is out of range.
    case invalidParameter(name: String, reason: String)

    /// A one-line explanation for the command line.
    public var description: String {
        switch self {
        case .tooFewBits(let bits, let clients, let k):
            return "\(bits) bits cannot hold \(formatted(k)) standard deviations of the rounding error of a sum of \(clients) clients "
                + "(needs 2^(2b) ≥ n·k²); use more bits, fewer clients or a smaller k"
        case .sumWouldWrap(let bits, let k, let reason):
            return "the modular sum would wrap too often at \(bits) bits (k = \(formatted(k)) standard deviations): \(reason)"
        case .invalidParameter(let name, let reason):
            return "invalid \(name): \(reason)"
        }
    }

    private func formatted(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// The setting distributed DP parameters are chosen for (as google-research/federated's
/// `ddgauss_params` / `skellam_params`).
public struct DistributedDPSetting: Sendable, Hashable, Codable {
    /// The mechanism.
    public var mechanism: DistributedMechanism
    /// Bits per coordinate of the modular sum (the secure aggregation field is Z_{2^bits}).
    public var bits: Int
    /// Clients per round n (their updates are summed).
    public var clients: Int
    /// The number of clients whose noise the sum is guaranteed to carry (the secure
    /// aggregation threshold t ≤ n); the accounting uses it (see ``DistributedDP``).
    public var minimumClients: Int
    /// The model dimension; the rotation pads it to ``paddedDimension``.
    public var dimension: Int
    /// The clients' L2 clipping norm c.
    public var clip: Double
    /// δ.
    public var delta: Double
    /// Rounds T.
    public var rounds: Int
    /// Poisson client sampling rate q in (0, 1].
    public var clientRate: Double
    /// The conditional rounding constant β in [0, 1) (TFF's default e^{−1/2}).
    public var beta: Double
    /// Standard deviations of the sum kept inside the modular range (TFF: 4 for DDG, 3 for Skellam).
    public var k: Double
    /// The rotation's flatness ρ (1 for the randomized Hadamard transform, as TFF assumes).
    public var rho: Double

    /// A setting with TFF's defaults for β, k and ρ.
    ///
    /// - Parameters: as the properties; `minimumClients` defaults to `clients` (no dropouts
    ///   tolerated by the accounting), `k` to 4 for DDG and 3 for Skellam.
    public init(
        mechanism: DistributedMechanism, bits: Int, clients: Int, minimumClients: Int? = nil, dimension: Int, clip: Double,
        delta: Double, rounds: Int, clientRate: Double, beta: Double = exp(-0.5), k: Double? = nil, rho: Double = 1
    ) {
        self.mechanism = mechanism
        self.bits = bits
        self.clients = clients
        self.minimumClients = minimumClients ?? clients
        self.dimension = dimension
        self.clip = clip
        self.delta = delta
        self.rounds = rounds
        self.clientRate = clientRate
        self.beta = beta
        self.k = k ?? (mechanism == .discreteGaussian ? 4 : 3)
        self.rho = rho
    }

    /// The dimension padded to a power of two for the Hadamard rotation.
    public var paddedDimension: Int {
        dimension <= 1 ? 1 : 1 << (Int.bitWidth - (dimension - 1).leadingZeroBitCount)
    }

    /// Checks every parameter.
    ///
    /// - Throws: ``DistributedDPError/invalidParameter(name:reason:)`` naming the first bad one.
    public func validate() throws {
        func fail(_ name: String, _ reason: String) -> DistributedDPError { .invalidParameter(name: name, reason: reason) }
        guard (1...62).contains(bits) else { throw fail("bits", "must be in 1…62, got \(bits)") }
        guard clients >= 1 else { throw fail("clients", "must be at least 1, got \(clients)") }
        guard (1...clients).contains(minimumClients) else {
            throw fail("minimum_clients", "must be in 1…\(clients) (the clients per round), got \(minimumClients)")
        }
        guard dimension >= 1, dimension <= 1 << 40 else { throw fail("dimension", "must be in 1…2^40, got \(dimension)") }
        guard clip.isFinite, clip > 0 else { throw fail("clip", "must be finite and > 0, got \(clip)") }
        guard delta.isFinite, delta > 0, delta < 1 else { throw fail("delta", "must be in (0, 1), got \(delta)") }
        guard rounds >= 1 else { throw fail("rounds", "must be at least 1, got \(rounds)") }
        guard clientRate.isFinite, clientRate > 0, clientRate <= 1 else {
            throw fail("client_rate", "must be in (0, 1], got \(clientRate)")
        }
        guard beta.isFinite, beta >= 0, beta < 1 else { throw fail("beta", "must be in [0, 1), got \(beta)") }
        guard k.isFinite, k >= 1 else { throw fail("k", "must be finite and >= 1, got \(k)") }
        guard rho.isFinite, rho > 0 else { throw fail("rho", "must be finite and > 0, got \(rho)") }
    }
}

/// Chosen distributed DP parameters and what they guarantee.
public struct DistributedDPParameters: Sendable, Hashable, Codable {
    /// The setting they were chosen for.
    public var setting: DistributedDPSetting
    /// The grid step γ (the scale is 1/γ).
    public var gamma: Double
    /// Each client's noise standard deviation before scaling (σ; the discrete Gaussian's
    /// parameter, or the Skellam's standard deviation √(2μ)/scale).
    public var localStddev: Double
    /// The one-round event in grid units (the one a ledger is charged with).
    public var roundEvent: PrivacyEvent
    /// ε after ``DistributedDPSetting/rounds`` rounds at δ (RDP accountant, default orders).
    public var epsilon: Double
    /// The Rényi order that achieved ``epsilon``.
    public var optimalOrder: Double?
    /// The central Gaussian's noise multiplier with the same total noise: √t·σ / c.
    public var centralNoiseMultiplier: Double
    /// ε of the central Poisson-sampled Gaussian with that noise multiplier, same rounds and δ.
    public var centralGaussianEpsilon: Double

    /// The scale 1/γ.
    public var scale: Double { 1 / gamma }
    /// Each client's noise in grid units: the discrete Gaussian's σ·scale, or the Skellam's μ.
    public var localNoiseInGridUnits: Double {
        let sigma = localStddev * scale
        return setting.mechanism == .discreteGaussian ? sigma : sigma * sigma / 2
    }
    /// A bound on the probability that one coordinate of the sum falls outside the modular
    /// range (k sub-Gaussian standard deviations fit): 2·e^{−k²/2}.
    public var wrapProbabilityPerCoordinate: Double { 2 * exp(-setting.k * setting.k / 2) }
}

extension DistributedDP {
    /// The one-round event for a grid step γ and local noise σ (before scaling).
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad values.
    public static func roundEvent(setting: DistributedDPSetting, gamma: Double, localStddev: Double) throws -> PrivacyEvent {
        let scale = 1 / gamma
        let sigma = localStddev * scale
        switch setting.mechanism {
        case .discreteGaussian:
            return try .distributedDiscreteGaussian(
                l2Clip: setting.clip, scale: scale, beta: setting.beta, dimension: setting.paddedDimension,
                localSigma: sigma, minimumClients: setting.minimumClients)
        case .skellam:
            return try .distributedSkellam(
                l2Clip: setting.clip, scale: scale, beta: setting.beta, dimension: setting.paddedDimension,
                localMu: sigma * sigma / 2, minimumClients: setting.minimumClients)
        }
    }

    /// ε after the setting's rounds, each Poisson-sampled at the client rate.
    ///
    /// - Throws: ``PrivacyAccountingError`` for bad values.
    public static func epsilon(setting: DistributedDPSetting, gamma: Double, localStddev: Double) throws -> PrivacyGuarantee {
        let round = try roundEvent(setting: setting, gamma: gamma, localStddev: localStddev)
        let event: PrivacyEvent = setting.clientRate < 1 ? .poissonSampled(rate: setting.clientRate, event: round) : round
        return try RDPAccountant().composing(event, count: setting.rounds).epsilon(delta: setting.delta)
    }

    /// The smallest local noise σ (before scaling) whose ε is at most `targetEpsilon`, by
    /// bisection in log σ to 0.01% relative (ε falls as σ grows).
    ///
    /// - Throws: ``PrivacyAccountingError/calibrationFailed(reason:)`` if no σ up to 10^6·c does it.
    public static func localStddev(setting: DistributedDPSetting, gamma: Double, targetEpsilon: Double) throws -> Double {
        func eps(_ sigma: Double) throws -> Double { try epsilon(setting: setting, gamma: gamma, localStddev: sigma).epsilon }
        var hi = setting.clip / Double(setting.minimumClients).squareRoot()
        var lo = hi
        while try eps(hi) > targetEpsilon {
            lo = hi
            hi *= 2
            guard hi <= 1e6 * setting.clip else {
                throw PrivacyAccountingError.calibrationFailed(reason: "no local noise up to 10^6·c reaches ε = \(targetEpsilon)")
            }
        }
        if lo == hi {
            while lo > 1e-9 * setting.clip, try eps(lo) <= targetEpsilon { lo /= 2 }
        }
        while hi / lo > 1.0001 {
            let mid = (lo * hi).squareRoot()
            if try eps(mid) <= targetEpsilon { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// The modular range the noisy quantized sum needs at grid step γ and local noise σ:
    /// 2k·√(ρ c² n²/d + n(γ²/4 + σ²))/γ (Kairouz et al. 2021 Eq. 61, as `ddgauss_params`:
    /// the signal's norm bounded by n·c and spread flat by the rotation, the rounding errors
    /// of variance ≤ γ²/4 and the noise, k standard deviations either side).
    public static func requiredRange(setting: DistributedDPSetting, gamma: Double, localStddev: Double) -> Double {
        let n = Double(setting.clients)
        let signal = setting.rho / Double(setting.paddedDimension) * setting.clip * setting.clip * n * n
        return 2 * setting.k * (signal + n * (gamma * gamma / 4 + localStddev * localStddev)).squareRoot() / gamma
    }

    /// Chooses the grid step γ and local noise for a target ε, as google-research/federated's
    /// `ddgauss_params` / `skellam_params`: the finest grid (smallest γ) at which k standard
    /// deviations of the sum still fit in 2^bits, with the local noise calibrated to the
    /// target at that γ (rounding inflates the sensitivity, so the noise depends on γ).
    ///
    /// - Parameters:
    ///   - setting: Bits, clients, dimension, clip, δ, rounds, client rate, β, k, ρ.
    ///   - targetEpsilon: ε to reach after all rounds (> 0).
    /// - Throws: ``DistributedDPError/invalidParameter(name:reason:)`` for bad inputs,
    ///   ``DistributedDPError/tooFewBits(bits:clients:k:)`` when 2^{2b} < n·k²,
    ///   ``DistributedDPError/sumWouldWrap(bits:k:reason:)`` when no γ fits the sum in the
    ///   modular range, ``PrivacyAccountingError/calibrationFailed(reason:)`` when no noise
    ///   reaches the target.
    public static func parameters(setting: DistributedDPSetting, targetEpsilon: Double) throws -> DistributedDPParameters {
        try setting.validate()
        guard targetEpsilon.isFinite, targetEpsilon > 0 else {
            throw DistributedDPError.invalidParameter(name: "target_epsilon", reason: "must be finite and > 0, got \(targetEpsilon)")
        }
        let range = pow(2, Double(setting.bits))
        guard range * range >= Double(setting.clients) * setting.k * setting.k else {
            throw DistributedDPError.tooFewBits(bits: setting.bits, clients: setting.clients, k: setting.k)
        }
        func fits(_ gamma: Double) throws -> (Bool, Double) {
            let sigma = try localStddev(setting: setting, gamma: gamma, targetEpsilon: targetEpsilon)
            return (requiredRange(setting: setting, gamma: gamma, localStddev: sigma) <= range, sigma)
        }
        // Below γ₀ = 2k√(ρ/d)·c·n / 2^b the signal alone overflows; scan upwards by 2^{1/4}
        // for the first γ that fits (the range needed falls with γ until rounding inflation
        // makes the noise grow with it), then bisect that bracket.
        let n = Double(setting.clients)
        let gamma0 = 2 * setting.k * (setting.rho / Double(setting.paddedDimension)).squareRoot() * setting.clip * n / range
        var lo = gamma0, hi = gamma0
        var found: Double? = nil
        var stopped = ""
        scan: for _ in 0..<160 {
            hi = lo * pow(2, 0.25)
            do {
                let (ok, sigma) = try fits(hi)
                if ok { found = sigma; break }
            } catch PrivacyAccountingError.calibrationFailed(let reason) {
                // So coarse a grid leaves the noise below a grid step (τ grows): coarser only worsens it.
                stopped = " (at γ = \(hi): \(reason))"
                break scan
            }
            lo = hi
        }
        guard var sigma = found else {
            throw DistributedDPError.sumWouldWrap(
                bits: setting.bits, k: setting.k,
                reason: "no grid step from \(gamma0) to 2^40 times it keeps the noise ε = \(targetEpsilon) needs within 2^\(setting.bits)\(stopped)")
        }
        while hi / lo > 1.001 {
            let mid = (lo * hi).squareRoot()
            let (ok, s) = try fits(mid)
            if ok { hi = mid; sigma = s } else { lo = mid }
        }
        let guarantee = try epsilon(setting: setting, gamma: hi, localStddev: sigma)
        let z = Double(setting.minimumClients).squareRoot() * sigma / setting.clip
        let central = try RDPAccountant()
            .composing(setting.clientRate < 1 ? .poissonSampled(rate: setting.clientRate, event: .gaussian(noiseMultiplier: z))
                                             : .gaussian(noiseMultiplier: z), count: setting.rounds)
            .epsilon(delta: setting.delta)
        return DistributedDPParameters(
            setting: setting, gamma: hi, localStddev: sigma,
            roundEvent: try roundEvent(setting: setting, gamma: hi, localStddev: sigma),
            epsilon: guarantee.epsilon, optimalOrder: guarantee.optimalOrder,
            centralNoiseMultiplier: z, centralGaussianEpsilon: central.epsilon)
    }
}

/// One row of the bits-versus-privacy trade-off (Kairouz et al. 2021 Fig. 2 / Agarwal et al.
/// 2021): at a fixed total noise, what ε each distributed mechanism reaches at b bits.
public struct DistributedDPTradeoffRow: Sendable, Hashable, Codable {
    /// Bits per coordinate.
    public var bits: Int
    /// ε of the distributed discrete Gaussian (nil: the bits cannot hold k = 4 deviations).
    public var discreteGaussianEpsilon: Double?
    /// Its grid step γ.
    public var discreteGaussianGamma: Double?
    /// ε of distributed Skellam (nil: the bits cannot hold k = 3 deviations).
    public var skellamEpsilon: Double?
    /// Its grid step γ.
    public var skellamGamma: Double?

    private enum CodingKeys: String, CodingKey {
        case bits
        case discreteGaussianEpsilon = "discrete_gaussian_epsilon"
        case discreteGaussianGamma = "discrete_gaussian_gamma"
        case skellamEpsilon = "skellam_epsilon"
        case skellamGamma = "skellam_gamma"
    }
}

extension DistributedDP {
    /// The grid step for a fixed local noise σ (before scaling): the γ at which exactly k
    /// standard deviations of the sum fill 2^bits, as TFF's `heuristic_scale_factor`:
    /// 1/γ = √(2^{2b} − n k²) / (2k √(ρ c² n²/d + n σ²)).
    ///
    /// - Throws: ``DistributedDPError/tooFewBits(bits:clients:k:)`` when 2^{2b} ≤ n k².
    public static func gamma(setting: DistributedDPSetting, localStddev: Double) throws -> Double {
        let n = Double(setting.clients)
        let range = pow(2, Double(setting.bits))
        let free = range * range - n * setting.k * setting.k
        guard free > 0 else { throw DistributedDPError.tooFewBits(bits: setting.bits, clients: setting.clients, k: setting.k) }
        let spread = setting.rho / Double(setting.paddedDimension) * setting.clip * setting.clip * n * n + n * localStddev * localStddev
        return 2 * setting.k * spread.squareRoot() / free.squareRoot()
    }

    /// The bits-versus-privacy trade-off at the noise where the central Poisson-sampled
    /// Gaussian reaches `centralEpsilon`: each client adds σ = z·c/√n (z the central noise
    /// multiplier), the grid step is chosen per bit width (``gamma(setting:localStddev:)``,
    /// k = 4 for DDG and 3 for Skellam as TFF), and ε is what rounding and the discrete noise
    /// leave of the central guarantee.
    ///
    /// - Parameters:
    ///   - setting: Clients, dimension, clip, δ, rounds, client rate (mechanism, bits and k are
    ///     set per row).
    ///   - centralEpsilon: The central Gaussian's ε (> 0).
    ///   - bits: The bit widths.
    /// - Returns: The central noise multiplier and one row per bit width.
    /// - Throws: ``PrivacyAccountingError`` when the central calibration fails.
    public static func tradeoff(setting: DistributedDPSetting, centralEpsilon: Double, bits: [Int]) throws
        -> (noiseMultiplier: Double, rows: [DistributedDPTradeoffRow])
    {
        try setting.validate()
        let central = try Calibration.noiseMultiplier(
            targetEpsilon: centralEpsilon, delta: setting.delta, samplingRate: setting.clientRate, steps: setting.rounds)
        let sigma = central.value * setting.clip / Double(setting.minimumClients).squareRoot()
        var rows: [DistributedDPTradeoffRow] = []
        for b in bits {
            var row = DistributedDPTradeoffRow(bits: b)
            for mechanism in DistributedMechanism.allCases {
                var s = setting
                s.mechanism = mechanism
                s.bits = b
                s.k = mechanism == .discreteGaussian ? 4 : 3
                // Too few bits for this mechanism at this width leaves its cell empty (the table
                // shows where each mechanism starts to fit); any other refusal is an error.
                let gamma: Double
                do { gamma = try Self.gamma(setting: s, localStddev: sigma) } catch DistributedDPError.tooFewBits { continue }
                let eps = try epsilon(setting: s, gamma: gamma, localStddev: sigma).epsilon
                if mechanism == .discreteGaussian {
                    row.discreteGaussianEpsilon = eps
                    row.discreteGaussianGamma = gamma
                } else {
                    row.skellamEpsilon = eps
                    row.skellamGamma = gamma
                }
            }
            rows.append(row)
        }
        return (central.value, rows)
    }
}
