import DifferentialPrivacy
import PrivacyAccounting
import SecureAggregation
import Sodium

/// Distributed differential privacy over secure aggregation: each client encodes its update
/// with `DistributedDPPipeline` (DifferentialPrivacy) (rotation, clipping, scaling, conditional stochastic
/// rounding, discrete Gaussian or Skellam noise, reduction into Z_{2^b}), SecAgg or SecAgg+
/// (``SecureAggregator``) sums the encodings over Z_{2^b}, and the server decodes the noisy
/// sum. The server never sees a single client's noise share, only the sum of them.
///
/// **Accounting.** ``roundEvent(clients:)`` is the event of one round with the noise of
/// the protocol's threshold t clients only (``SecureAggregator/threshold(clients:)``): the
/// unmasked sum always holds at least t inputs, so that is the noise it is guaranteed to carry
/// whatever drops out. Charging it is the caller's job, before the updates leave.
///
/// **Error.** ``AggregationOutcome/errorBound`` is the rounding error alone, n·√d/scale per
/// entry (each client's rounding moves its rotated vector by at most √d grid steps in L2);
/// the noise is the privacy, not an error, and is not in it.
public struct DistributedDPAggregator: Aggregator {
    /// The secure aggregation protocol (its bit width is the pipeline's).
    public let secure: SecureAggregator
    /// The clients' encoding.
    public let pipeline: DistributedDPPipeline

    /// `ddg+secagg`, `skellam+secagg+`, ….
    public var name: String { "\(pipeline.mechanism.rawValue)+\(secure.name)" }

    /// An aggregator.
    ///
    /// - Parameters:
    ///   - variant: SecAgg (complete graph) or SecAgg+.
    ///   - pipeline: The encoding; its bits (8…62) are the protocol's ring.
    ///   - seed: Seed of keys, rotation, rounding and noise for reproducible experiments;
    ///     nil draws them from libsodium's CSPRNG (what a deployment must do).
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for bits below 8.
    public init(variant: SecureAggregator.Variant = .complete, pipeline: DistributedDPPipeline, seed: UInt64? = nil) throws {
        secure = try SecureAggregator(variant: variant, bitWidth: pipeline.bits, seed: seed)
        self.pipeline = pipeline
    }

    /// The event of one round among `clients` clients: the pipeline's noise, counted for the
    /// protocol's threshold t of them.
    ///
    /// - Throws: `PrivacyAccountingError` for a bad client count.
    public func roundEvent(clients: Int) throws -> PrivacyEvent {
        try pipeline.roundEvent(minimumClients: secure.threshold(clients: clients))
    }

    /// Encodes every contribution, sums the encodings with secure aggregation and decodes.
    /// `bound` is not used: the pipeline clips in L2 to its own norm.
    ///
    /// - Throws: ``FedAvgError/aggregationFailed(reason:)`` for a length other than the
    ///   pipeline's, a refused encoding or a failed protocol; nothing is released then.
    public func sum(_ contributions: [[Double]], bound: Double, round: UInt64) throws -> AggregationOutcome {
        let dimension = try validate(contributions, bound: bound)
        guard dimension == pipeline.dimension else {
            throw FedAvgError.aggregationFailed(reason: "contributions have \(dimension) entries, the pipeline \(pipeline.dimension)")
        }
        let n = contributions.count
        guard n >= 2 else { throw FedAvgError.aggregationFailed(reason: "secure aggregation needs at least 2 clients, got \(n)") }
        let rotationSeed = Self.rotationSeed(seed: secure.seed, round: round)
        do {
            let run = try secure.protocolRun(clients: n, dimension: pipeline.paddedDimension, round: round) { index, generator in
                try encodeClient(contributions[index], rotationSeed: rotationSeed, using: &generator)
            }
            let sum = try decodeSum(run.total, rotationSeed: rotationSeed)
            return AggregationOutcome(
                sum: sum, errorBound: errorBound(contributors: n),
                uploadBytesPerClient: Double(run.uploaded) / Double(n), downloadBytesPerClient: Double(run.downloaded) / Double(n),
                clientCryptoSeconds: run.clientTime.seconds / Double(n), serverCryptoSeconds: run.serverTime.seconds)
        } catch let error as SecAggError {
            throw FedAvgError.aggregationFailed(reason: error.description)
        } catch let error as DistributedDPPipelineError {
            throw FedAvgError.aggregationFailed(reason: error.description)
        }
    }

    // MARK: The two sides, for transports that run clients and server apart

    /// The round's public rotation seed (every client and the server use it): derived from
    /// `seed` and the round when a seed was asked for, else 32 bytes from libsodium's CSPRNG
    /// (the server draws it and sends it with the round's parameters).
    ///
    /// - Parameters:
    ///   - seed: the run's seed, or nil.
    ///   - round: the round number.
    public static func rotationSeed(seed: UInt64?, round: UInt64) -> [UInt8] {
        // A separate stream from the protocol's keys.
        var seedSource = seed.map { ChaChaRandom(seed: $0 ^ 0x5EED_0F_0A_7A_7E &+ round) } ?? .freshlyKeyed()
        var rotationSeed = [UInt8](repeating: 0, count: 32)
        rotationSeed.withUnsafeMutableBytes { seedSource.fillBytes($0) }
        return rotationSeed
    }

    /// One client's side: its clipped update encoded by the pipeline (rotation, scaling,
    /// conditional rounding, its share of the noise) as the element of Z_{2^bits} it feeds
    /// secure aggregation. The in-process ``sum(_:bound:round:)`` and a federation's site
    /// node both call this.
    ///
    /// - Parameters:
    ///   - contribution: the client's update, `pipeline.dimension` entries.
    ///   - rotationSeed: the round's public seed (``rotationSeed(seed:round:)``).
    ///   - generator: the client's randomness for rounding and noise.
    /// - Returns: `pipeline.paddedDimension` entries.
    /// - Throws: `DistributedDPPipelineError` for a wrong length or a refused encoding;
    ///   `SecAggError` if the encoding does not fit the ring.
    public func encodeClient(_ contribution: [Double], rotationSeed: [UInt8], using generator: inout ChaChaRandom) throws -> ModularVector {
        let encoding = try pipeline.encode(contribution, rotationSeed: rotationSeed, using: &generator)
        return try ModularVector(encoding.wrapped, bitWidth: pipeline.bits)
    }

    /// The server's side: the noisy sum of the clients' updates from the unmasked sum of their
    /// encodings.
    ///
    /// - Throws: `DistributedDPPipelineError` for a sum of another length.
    public func decodeSum(_ total: ModularVector, rotationSeed: [UInt8]) throws -> [Double] {
        try pipeline.decode(total.values, rotationSeed: rotationSeed)
    }

    /// The rounding error bound of a sum of `contributors` encodings, per entry:
    /// n·√d/scale (the noise is the privacy, not an error, and is not in it).
    public func errorBound(contributors: Int) -> Double {
        Double(contributors) * Double(pipeline.paddedDimension).squareRoot() / pipeline.scale
    }
}
