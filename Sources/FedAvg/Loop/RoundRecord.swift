import PrivacyAccounting

/// What one round of federated training did and cost.
public struct RoundRecord: Sendable, Codable, Equatable {
    /// Round number, from 1.
    public var round: Int
    /// Test accuracy over all sites' test records after the round.
    public var accuracy: Double
    /// Test accuracy at each site, by site name.
    public var siteAccuracies: [String: Double]
    /// Mean test log-loss over all sites' test records.
    public var loss: Double
    /// ε spent so far (the largest over the run's ledgers); infinite without privacy, written
    /// as null in JSON.
    public var epsilon: Double
    /// Clients whose update was aggregated. In the central mode every client sends (the
    /// unsampled ones zeros), so this is all of them and the sampled count is not published.
    public var participants: Int
    /// Mean bytes a participating client uploaded.
    public var uploadBytes: Double
    /// Mean bytes a participating client downloaded (model broadcast plus protocol messages).
    public var downloadBytes: Double
    /// Mean seconds of cryptography on one client.
    public var clientCryptoSeconds: Double
    /// Seconds of cryptography on the server.
    public var serverCryptoSeconds: Double
    /// Client plus server cryptography seconds (what one round's privacy machinery costs on the critical path).
    public var cryptoSeconds: Double { clientCryptoSeconds + serverCryptoSeconds }
    /// Wall time of the whole round (training, aggregation, evaluation).
    public var wallSeconds: Double
    /// Per-entry bound on the aggregation's error.
    public var aggregationErrorBound: Double
    /// In the distributed mode: the record-level ε after this many rounds of a central
    /// Gaussian with the same total noise as the guaranteed clients' shares (what the
    /// distributed mechanism would give without rounding and discrete noise); nil otherwise.
    public var centralGaussianEpsilon: Double? = nil

    enum CodingKeys: String, CodingKey {
        case round, accuracy, loss, epsilon, participants
        case siteAccuracies = "site_accuracies"
        case uploadBytes = "upload_bytes"
        case downloadBytes = "download_bytes"
        case clientCryptoSeconds = "client_crypto_seconds"
        case serverCryptoSeconds = "server_crypto_seconds"
        case cryptoSeconds = "crypto_seconds"
        case wallSeconds = "wall_seconds"
        case aggregationErrorBound = "aggregation_error_bound"
        case centralGaussianEpsilon = "central_gaussian_epsilon"
    }

    /// Encodes every stored field plus the derived `crypto_seconds`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(round, forKey: .round)
        try container.encode(accuracy, forKey: .accuracy)
        try container.encode(siteAccuracies, forKey: .siteAccuracies)
        try container.encode(loss, forKey: .loss)
        // JSON has no infinity: a non-private round's ε is written as null.
        try container.encodeNullIfUnbounded(epsilon, forKey: .epsilon)
        try container.encode(participants, forKey: .participants)
        try container.encode(uploadBytes, forKey: .uploadBytes)
        try container.encode(downloadBytes, forKey: .downloadBytes)
        try container.encode(clientCryptoSeconds, forKey: .clientCryptoSeconds)
        try container.encode(serverCryptoSeconds, forKey: .serverCryptoSeconds)
        try container.encode(cryptoSeconds, forKey: .cryptoSeconds)
        try container.encode(wallSeconds, forKey: .wallSeconds)
        try container.encode(aggregationErrorBound, forKey: .aggregationErrorBound)
        try container.encodeIfPresent(centralGaussianEpsilon, forKey: .centralGaussianEpsilon)
    }

    /// A record (used by the training loop).
    public init(
        round: Int, accuracy: Double, siteAccuracies: [String: Double], loss: Double, epsilon: Double, participants: Int,
        uploadBytes: Double, downloadBytes: Double, clientCryptoSeconds: Double, serverCryptoSeconds: Double,
        wallSeconds: Double, aggregationErrorBound: Double
    ) {
        self.round = round
        self.accuracy = accuracy
        self.siteAccuracies = siteAccuracies
        self.loss = loss
        self.epsilon = epsilon
        self.participants = participants
        self.uploadBytes = uploadBytes
        self.downloadBytes = downloadBytes
        self.clientCryptoSeconds = clientCryptoSeconds
        self.serverCryptoSeconds = serverCryptoSeconds
        self.wallSeconds = wallSeconds
        self.aggregationErrorBound = aggregationErrorBound
    }

    /// Decodes a record written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        round = try container.decode(Int.self, forKey: .round)
        accuracy = try container.decode(Double.self, forKey: .accuracy)
        siteAccuracies = try container.decode([String: Double].self, forKey: .siteAccuracies)
        loss = try container.decode(Double.self, forKey: .loss)
        epsilon = try container.decodeUnbounded(forKey: .epsilon)
        participants = try container.decode(Int.self, forKey: .participants)
        uploadBytes = try container.decode(Double.self, forKey: .uploadBytes)
        downloadBytes = try container.decode(Double.self, forKey: .downloadBytes)
        clientCryptoSeconds = try container.decode(Double.self, forKey: .clientCryptoSeconds)
        serverCryptoSeconds = try container.decode(Double.self, forKey: .serverCryptoSeconds)
        wallSeconds = try container.decode(Double.self, forKey: .wallSeconds)
        aggregationErrorBound = try container.decode(Double.self, forKey: .aggregationErrorBound)
        centralGaussianEpsilon = try container.decodeIfPresent(Double.self, forKey: .centralGaussianEpsilon)
    }
}
