/// How a site trains on its own records in one round: `steps` SGD steps, each on a Poisson
/// sample of the training set at rate `samplingRate` (so `steps × samplingRate` epochs).
public struct LocalTraining: Sendable, Equatable, Codable {
    /// SGD steps per round.
    public var steps: Int
    /// Probability that a record joins a step's batch.
    public var samplingRate: Double
    /// Step size.
    public var learningRate: Double
    /// Record-level DP-SGD (per-example clipping and Gaussian noise); nil for plain SGD.
    public var dpSGD: DPSGD?

    /// DP-SGD's two knobs (Abadi et al. 2016).
    public struct DPSGD: Sendable, Equatable, Codable {
        /// Per-example L2 clipping norm C.
        public var clipNorm: Double
        /// Noise multiplier σ: the noise on the clipped sum has standard deviation σ·C.
        public var noiseMultiplier: Double

        /// DP-SGD parameters.
        public init(clipNorm: Double, noiseMultiplier: Double) {
            self.clipNorm = clipNorm
            self.noiseMultiplier = noiseMultiplier
        }
    }

    /// Validated local-training parameters.
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for out-of-range values.
    public init(steps: Int, samplingRate: Double, learningRate: Double, dpSGD: DPSGD? = nil) throws {
        guard steps >= 1 else { throw FedAvgError.invalidParameter(name: "steps", reason: "must be at least 1, got \(steps)") }
        guard samplingRate > 0, samplingRate <= 1 else {
            throw FedAvgError.invalidParameter(name: "samplingRate", reason: "must be in (0, 1], got \(samplingRate)")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw FedAvgError.invalidParameter(name: "learningRate", reason: "must be finite and > 0, got \(learningRate)")
        }
        if let dpSGD {
            guard dpSGD.clipNorm.isFinite, dpSGD.clipNorm > 0 else {
                throw FedAvgError.invalidParameter(name: "clipNorm", reason: "must be finite and > 0, got \(dpSGD.clipNorm)")
            }
            guard dpSGD.noiseMultiplier.isFinite, dpSGD.noiseMultiplier > 0 else {
                throw FedAvgError.invalidParameter(name: "noiseMultiplier", reason: "must be finite and > 0, got \(dpSGD.noiseMultiplier)")
            }
        }
        self.steps = steps
        self.samplingRate = samplingRate
        self.learningRate = learningRate
        self.dpSGD = dpSGD
    }
}
