import PrivacyAccounting

/// Which privacy guarantee a training run gives, and to whom.
public enum PrivacyMode: Sendable, Equatable {
    /// No differential privacy (the baseline).
    case none
    /// Record-level DP at every site: DP-SGD with per-example clipping norm C and noise
    /// multiplier σ; each site's spend is kept in its own ledger.
    case dpSGD(clipNorm: Double, noiseMultiplier: Double)
    /// Client-level central DP (DP-FedAvg, McMahan et al. 2018): clients are sampled with
    /// probability `clientSamplingRate`, each update is clipped to L2 norm S, and the server
    /// adds Gaussian noise σ·Δ to the sum (Δ = S plus the aggregator's quantization). The
    /// server's ledger keeps the client-level guarantee; each sampled site's own ledger is
    /// charged the record-level event of `siteEvent(localTraining:)` (σ/2), which is what
    /// its records' budget, shared with every other mode, pays.
    case central(clipNorm: Double, noiseMultiplier: Double, clientSamplingRate: Double)
    /// Local DP: each client clips its update to L2 norm S and adds Gaussian noise σ·2S
    /// itself before it leaves (any two clipped updates lie up to 2S apart, the sensitivity
    /// of a local release, for a whole client or one of its records alike), and sends it
    /// unweighted, since its record count is its own data too; each site's spend is kept in
    /// its own ledger.
    case local(clipNorm: Double, noiseMultiplier: Double)
    /// Distributed DP under secure aggregation (Kairouz et al. 2021; Agarwal et al. 2021):
    /// every client clips its update to L2 norm S, encodes it with a
    /// `DistributedDPPipeline` (rotation, scaling, conditional stochastic rounding, its
    /// share of discrete Gaussian or Skellam noise, reduction into Z_{2^bits}), and SecAgg or
    /// SecAgg+ reveals only the sum. `noiseMultiplier` z is the central-equivalent multiplier
    /// of the noise the sum is guaranteed to carry: each client adds σ = z·S/√t, t the
    /// protocol's threshold, so the t guaranteed clients' noise adds up to z·S. The grid step
    /// is TFF's heuristic for `bits` (k standard deviations of the sum fill the modular range).
    /// Every site takes part in every round; each site's ledger is charged the record-level
    /// event before its update leaves it (see `FederatedTraining`).
    case distributed(mechanism: DistributedMechanism, bits: Int, clipNorm: Double, noiseMultiplier: Double)

    /// A short name (`none`, `dp-sgd`, `central`, `local`).
    public var name: String {
        switch self {
        case .none: return "none"
        case .dpSGD: return "dp-sgd"
        case .central: return "central"
        case .local: return "local"
        case .distributed(let mechanism, let bits, _, _):
            return "distributed-\(mechanism == .discreteGaussian ? "ddg" : "skellam")-\(bits)bit"
        }
    }

    /// The noise a client adds in the local mode: σ times the sensitivity 2S of a release
    /// that must hide the whole clipped update.
    static func localNoise(clipNorm: Double, noiseMultiplier: Double, dimension: Int) throws -> GaussianNoise {
        try GaussianNoise(noiseMultiplier: noiseMultiplier, clipNorm: 2 * clipNorm, dimension: dimension)
    }

    /// Whether this is the central (DP-FedAvg) mode.
    var isCentral: Bool {
        if case .central = self { return true }
        return false
    }

    /// The record-level event one round costs a site's ledger when the site's update leaves
    /// it (every round in the DP-SGD and local modes; in the central mode only the rounds in
    /// which the site is sampled): a bound on what the round reveals about one of its records.
    ///
    /// - Distributed: not from here (it depends on the model's dimension and the protocol's
    ///   threshold); `FederatedTraining.distributedSetup` builds it. This returns `.noOp`.
    /// - DP-SGD: `steps` Poisson-subsampled Gaussian steps (rate q, multiplier σ).
    /// - Local: a Gaussian with multiplier σ. The client adds noise σ·2S to its update
    ///   clipped to S; one record more, less or changed moves that update by at most 2S.
    /// - Central: a Gaussian with multiplier σ/2, charged only in rounds where the site is
    ///   sampled. Derivation: let u, u′ be the site's clipped updates on two data sets that
    ///   differ in one record (added, removed or replaced); ‖u‖, ‖u′‖ ≤ S, so
    ///   ‖u − u′‖ ≤ 2S. The aggregator's stochastic rounding moves each of the d entries by
    ///   less than one grid step e (every draw, whatever the data), so the two quantized
    ///   contributions differ by at most 2S + 2e·√d = 2Δ, where Δ = S + e·√d is the
    ///   client-level sensitivity the server's noise is sized for
    ///   (`FederatedTraining.centralSensitivity`). That noise is the grid Gaussian of
    ///   ``GaussianNoise``: deviation σₐ on a grid of step g with σₐ/(Δ + g·√d) ≥ σ. For
    ///   sensitivity 2Δ the same mechanism guarantees σₐ/(2Δ + g·√d) ≥ σₐ/(2(Δ + g·√d)) ≥ σ/2.
    ///   The other sites' contributions do not depend on this site's records, and the model
    ///   broadcast is post-processing of earlier rounds (adaptive composition). The rounding
    ///   draws are data-independent, and Rényi divergence is jointly quasi-convex, so the
    ///   bound holds for the mixture over them. A round in which the site is not sampled sends
    ///   zeros, a function of nothing in its records, and costs nothing. Client sampling is
    ///   independent of the data, so conditioning on the realized pattern, the run is an
    ///   adaptive composition of the charged rounds, for every pattern. No amplification is
    ///   claimed at the record level: the sampling picks sites, not records, and the site
    ///   knows whether it was picked.
    func siteEvent(localTraining: LocalTraining) -> PrivacyEvent {
        switch self {
        case .none: return .noOp
        case .dpSGD(_, let sigma):
            return .dpSGD(samplingRate: localTraining.samplingRate, noiseMultiplier: sigma, steps: localTraining.steps)
        case .central(_, let sigma, _): return .gaussian(noiseMultiplier: sigma / 2)
        case .local(_, let sigma): return .gaussian(noiseMultiplier: sigma)
        case .distributed: return .noOp
        }
    }

    /// The client-level event one round costs the server's ledger (central mode only): the
    /// Poisson-subsampled Gaussian of DP-FedAvg, for reporting the guarantee of a whole
    /// client's data (a user-level unit) next to the record-level one of the sites.
    var serverEvent: PrivacyEvent? {
        if case .central(_, let sigma, let rate) = self { return .poissonSampled(rate: rate, event: .gaussian(noiseMultiplier: sigma)) }
        return nil
    }

    /// Checks every parameter.
    func validate() throws {
        func check(_ clip: Double, _ sigma: Double) throws {
            guard clip.isFinite, clip > 0 else { throw FedAvgError.invalidParameter(name: "clipNorm", reason: "must be finite and > 0, got \(clip)") }
            guard sigma.isFinite, sigma > 0 else {
                throw FedAvgError.invalidParameter(name: "noiseMultiplier", reason: "must be finite and > 0, got \(sigma)")
            }
        }
        switch self {
        case .none: return
        case .dpSGD(let clip, let sigma), .local(let clip, let sigma): try check(clip, sigma)
        case .distributed(_, let bits, let clip, let sigma):
            try check(clip, sigma)
            // 8 bits is the least secure aggregation takes; 62 the most the pipeline does.
            guard (8...62).contains(bits) else { throw FedAvgError.invalidParameter(name: "bits", reason: "must be in 8…62, got \(bits)") }
        case .central(let clip, let sigma, let rate):
            try check(clip, sigma)
            guard rate > 0, rate <= 1 else {
                throw FedAvgError.invalidParameter(name: "clientSamplingRate", reason: "must be in (0, 1], got \(rate)")
            }
        }
    }
}
