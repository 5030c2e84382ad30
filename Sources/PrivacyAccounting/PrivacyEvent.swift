import Foundation

/// A description of a randomized computation whose privacy cost is to be accounted for.
///
/// Plain, immutable data in the spirit of Google dp_accounting's `DpEvent`: mechanisms
/// (in `DifferentialPrivacy`) and training loops (in `FedAvg`) describe what they did
/// with an event, and an accountant (``RDPAccountant``) or a ledger (``PrivacyLedger``)
/// turns events into (ε, δ). Events are never interpreted here beyond validation.
///
/// The JSON form (see `Codable`) is stable and readable, e.g.
/// `{"type":"poisson_sampled","sampling_rate":0.01,"event":{"type":"gaussian","noise_multiplier":1.1}}`.
public indirect enum PrivacyEvent: Hashable, Sendable {
    /// Nothing that touches private data happened; costs nothing.
    case noOp
    /// Private data was released without protection; the privacy loss is unbounded.
    case nonPrivate
    /// The Gaussian mechanism with noise standard deviation `noiseMultiplier` × L2 sensitivity.
    case gaussian(noiseMultiplier: Double)
    /// The Laplace mechanism with noise scale `scale` on a query of L1 sensitivity `sensitivity`
    /// (pure ε-DP with ε = sensitivity / scale).
    case laplace(scale: Double, sensitivity: Double)
    /// The discrete Laplace (two-sided geometric) mechanism on integers, mass ∝ e^{−|k|/scale},
    /// on an integer-valued query whose neighbouring values differ by at most `sensitivity`
    /// (pure ε-DP with ε = ⌈sensitivity⌉ / scale). Its Rényi curve lies above the continuous
    /// Laplace's, so it has its own case.
    case discreteLaplace(scale: Double, sensitivity: Double)
    /// The discrete Gaussian mechanism on integers (Canonne–Kamath–Steinke 2020) with
    /// parameter `sigma` on a query of L2 sensitivity `sensitivity`.
    case discreteGaussian(sigma: Double, sensitivity: Double)
    /// k-ary randomized response as in dp_accounting's `RandomizedResponseDpEvent`:
    /// with probability `noiseParameter` the output is a uniformly random bucket among
    /// `buckets`, otherwise the true bucket.
    case randomizedResponse(noiseParameter: Double, buckets: Int)
    /// The Skellam mechanism (Agarwal, Kairouz, Liu 2021): integer noise Poisson(`mu`) −
    /// Poisson(`mu`) (variance 2μ per coordinate) on an integer vector whose neighbouring
    /// values differ by at most `l1Sensitivity` in ℓ1 and `l2Sensitivity` in ℓ2 norm.
    case skellam(mu: Double, l1Sensitivity: Double, l2Sensitivity: Double)
    /// A mechanism known to satisfy ρ-zero-concentrated DP (Bun–Steinke 2016).
    case zeroConcentrated(rho: Double)
    /// `event` run on a Poisson sample of the data: each record is included
    /// independently with probability `rate`.
    case poissonSampled(rate: Double, event: PrivacyEvent)
    /// `event` run on a uniformly random subset of exactly `sampleSize` records out of
    /// `sourceSize` (sampling without replacement; "replace one" neighbouring relation).
    case sampledWithoutReplacement(sourceSize: Int, sampleSize: Int, event: PrivacyEvent)
    /// The events run one after another (adaptive composition).
    case composed([PrivacyEvent])
    /// `event` run `count` times (adaptive composition).
    case selfComposed(PrivacyEvent, count: Int)
}

extension PrivacyEvent {
    /// The ε-DP randomized response over `buckets` values: the noise parameter `p` for which
    /// the ratio of output probabilities is exactly e^ε, i.e. `p = k / (e^ε + k − 1)`.
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` unless ε > 0 is
    ///   finite and `buckets` ≥ 2.
    public static func randomizedResponse(epsilon: Double, buckets: Int) throws -> PrivacyEvent {
        guard epsilon.isFinite, epsilon > 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "epsilon", reason: "must be finite and > 0, got \(epsilon)")
        }
        guard buckets >= 2 else {
            throw PrivacyAccountingError.invalidParameter(name: "buckets", reason: "must be at least 2, got \(buckets)")
        }
        let k = Double(buckets)
        return .randomizedResponse(noiseParameter: k / (k + expm1(epsilon)), buckets: buckets)
    }

    /// The DP-SGD event: `steps` rounds of the Poisson-subsampled Gaussian mechanism.
    public static func dpSGD(samplingRate: Double, noiseMultiplier: Double, steps: Int) -> PrivacyEvent {
        .selfComposed(.poissonSampled(rate: samplingRate, event: .gaussian(noiseMultiplier: noiseMultiplier)), count: steps)
    }

    /// Checks every parameter of the event and of its sub-events.
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` naming the first
    ///   bad parameter (NaN, out of range, negative counts, sample larger than source).
    public func validate() throws {
        func positive(_ value: Double, _ name: String) throws {
            guard value.isFinite, value > 0 else {
                throw PrivacyAccountingError.invalidParameter(name: name, reason: "must be finite and > 0, got \(value)")
            }
        }
        switch self {
        case .noOp, .nonPrivate:
            return
        case .gaussian(let sigma):
            try positive(sigma, "noise_multiplier")
        case .laplace(let scale, let sensitivity), .discreteLaplace(let scale, let sensitivity):
            try positive(scale, "scale")
            try positive(sensitivity, "sensitivity")
        case .discreteGaussian(let sigma, let sensitivity):
            try positive(sigma, "sigma")
            try positive(sensitivity, "sensitivity")
        case .randomizedResponse(let p, let buckets):
            guard p.isFinite, p >= 0, p <= 1 else {
                throw PrivacyAccountingError.invalidParameter(name: "noise_parameter", reason: "must be in [0, 1], got \(p)")
            }
            guard buckets >= 1 else {
                throw PrivacyAccountingError.invalidParameter(name: "buckets", reason: "must be at least 1, got \(buckets)")
            }
        case .skellam(let mu, let l1, let l2):
            try positive(mu, "mu")
            try positive(l2, "l2_sensitivity")
            guard l1.isFinite, l1 >= l2 else {
                throw PrivacyAccountingError.invalidParameter(
                    name: "l1_sensitivity", reason: "must be finite and >= the l2 sensitivity \(l2), got \(l1)")
            }
        case .zeroConcentrated(let rho):
            guard rho.isFinite, rho >= 0 else {
                throw PrivacyAccountingError.invalidParameter(name: "rho", reason: "must be finite and >= 0, got \(rho)")
            }
        case .poissonSampled(let rate, let event):
            guard rate.isFinite, rate >= 0, rate <= 1 else {
                throw PrivacyAccountingError.invalidParameter(name: "sampling_rate", reason: "must be in [0, 1], got \(rate)")
            }
            try event.validate()
        case .sampledWithoutReplacement(let sourceSize, let sampleSize, let event):
            guard sourceSize >= 1 else {
                throw PrivacyAccountingError.invalidParameter(name: "source_size", reason: "must be at least 1, got \(sourceSize)")
            }
            guard sampleSize >= 0, sampleSize <= sourceSize else {
                throw PrivacyAccountingError.invalidParameter(
                    name: "sample_size", reason: "must be in [0, source_size = \(sourceSize)], got \(sampleSize)")
            }
            try event.validate()
        case .composed(let events):
            for event in events { try event.validate() }
        case .selfComposed(let event, let count):
            guard count >= 0 else {
                throw PrivacyAccountingError.invalidParameter(name: "count", reason: "must be >= 0, got \(count)")
            }
            try event.validate()
        }
    }
}
