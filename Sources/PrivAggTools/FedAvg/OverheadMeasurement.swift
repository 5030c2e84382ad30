import FedAvg
import Sodium

/// The cost of one aggregation round for one aggregator.
public struct OverheadRow: Sendable, Codable, Equatable {
    /// The aggregator's name.
    public var aggregator: String
    /// Wall seconds of one aggregation round (all clients' and the server's work, run here).
    public var secondsPerRound: Double
    /// Mean seconds of one client's cryptography per round.
    public var clientSecondsPerRound: Double
    /// Seconds of the server's cryptography per round.
    public var serverSecondsPerRound: Double
    /// Mean bytes one client uploads per round.
    public var uploadBytesPerClient: Double
    /// Mean bytes one client downloads per round (protocol messages only).
    public var downloadBytesPerClient: Double
    /// Per-entry bound on the sum's error.
    public var errorBound: Double

    enum CodingKeys: String, CodingKey {
        case aggregator
        case secondsPerRound = "seconds_per_round"
        case clientSecondsPerRound = "client_seconds_per_round"
        case serverSecondsPerRound = "server_seconds_per_round"
        case uploadBytesPerClient = "upload_bytes_per_client"
        case downloadBytesPerClient = "download_bytes_per_client"
        case errorBound = "error_bound"
    }
}

/// Times aggregators on random vectors of a given shape.
public enum OverheadMeasurement {
    /// Runs `rounds` aggregations of `clients` random vectors of `dimension` entries in
    /// [−1, 1] through each aggregator and reports the mean cost per round.
    ///
    /// - Parameters:
    ///   - aggregators: the aggregators timed, in order.
    ///   - clients: number of clients.
    ///   - dimension: entries per vector.
    ///   - rounds: timed rounds per aggregator.
    ///   - seed: seed of the random vectors.
    ///   - progress: called before each timed round with the aggregator's name and
    ///     the round number, so long runs can show where they are.
    /// - Throws: ``FedAvgError`` for bad shapes or failed aggregations.
    public static func measure(
        aggregators: [any Aggregator], clients: Int, dimension: Int, rounds: Int = 1, seed: UInt64 = 1,
        progress: ((_ aggregator: String, _ round: Int) -> Void)? = nil
    ) throws -> [OverheadRow] {
        guard clients >= 2 else { throw FedAvgError.invalidParameter(name: "clients", reason: "must be at least 2, got \(clients)") }
        guard dimension >= 1 else { throw FedAvgError.invalidParameter(name: "dimension", reason: "must be at least 1, got \(dimension)") }
        guard rounds >= 1 else { throw FedAvgError.invalidParameter(name: "rounds", reason: "must be at least 1, got \(rounds)") }
        var generator = ChaChaRandom(seed: seed)
        let contributions = (0..<clients).map { _ in (0..<dimension).map { _ in 2 * unitInterval(&generator) - 1 } }
        let clock = ContinuousClock()
        return try aggregators.map { aggregator in
            var wall = Duration.zero, client = 0.0, server = 0.0, up = 0.0, down = 0.0, error = 0.0
            for round in 1...rounds {
                progress?(aggregator.name, round)
                let start = clock.now
                let outcome = try aggregator.sum(contributions, bound: 1, round: UInt64(round))
                wall += clock.now - start
                client += outcome.clientCryptoSeconds
                server += outcome.serverCryptoSeconds
                up += outcome.uploadBytesPerClient
                down += outcome.downloadBytesPerClient
                error = max(error, outcome.errorBound)
            }
            let r = Double(rounds)
            return OverheadRow(
                aggregator: aggregator.name, secondsPerRound: wall.seconds / r, clientSecondsPerRound: client / r,
                serverSecondsPerRound: server / r, uploadBytesPerClient: up / r, downloadBytesPerClient: down / r, errorBound: error)
        }
    }
}
