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
    /// adds Gaussian noise σ·S to the sum; one ledger for the server.
    case central(clipNorm: Double, noiseMultiplier: Double, clientSamplingRate: Double)
    /// Client-level local DP: each client clips its update to L2 norm S and adds Gaussian
    /// noise σ·2S itself before it leaves (any two clipped updates lie up to 2S apart, the
    /// sensitivity of a local release), and sends it unweighted, since its record count is
    /// its own data too; each site's spend is kept in its own ledger.
    case local(clipNorm: Double, noiseMultiplier: Double)

    /// A short name (`none`, `dp-sgd`, `central`, `local`).
    public var name: String {
        switch self {
        case .none: return "none"
        case .dpSGD: return "dp-sgd"
        case .central: return "central"
        case .local: return "local"
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

    /// The event one round costs each ledger, given the local training schedule.
    func roundEvent(localTraining: LocalTraining) -> PrivacyEvent {
        switch self {
        case .none: return .noOp
        case .dpSGD(_, let sigma):
            return .dpSGD(samplingRate: localTraining.samplingRate, noiseMultiplier: sigma, steps: localTraining.steps)
        case .central(_, let sigma, let rate): return .poissonSampled(rate: rate, event: .gaussian(noiseMultiplier: sigma))
        case .local(_, let sigma): return .gaussian(noiseMultiplier: sigma)
        }
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
        case .central(let clip, let sigma, let rate):
            try check(clip, sigma)
            guard rate > 0, rate <= 1 else {
                throw FedAvgError.invalidParameter(name: "clientSamplingRate", reason: "must be in (0, 1], got \(rate)")
            }
        }
    }
}
