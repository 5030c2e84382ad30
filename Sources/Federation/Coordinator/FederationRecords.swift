/// What happened in one round of a federated run, as the coordinator measured it.
public struct FederationRoundRecord: Sendable, Codable, Equatable {
    /// The round (0: the standardization statistics).
    public var round: Int
    /// Sites the round started with.
    public var participants: [String]
    /// Sites whose contribution the aggregate holds.
    public var included: [String]
    /// Sites dropped from the round, with the logged reason.
    public var dropouts: [String: String]
    /// Whether the round was abandoned (the model is unchanged).
    public var abandoned: Bool
    /// Why it was abandoned.
    public var abandonReason: String?
    /// Test accuracy of the new model over the sites that reported (nil if none did).
    public var accuracy: Double?
    /// Mean test loss over the sites that reported.
    public var loss: Double?
    /// Seconds each stage took at the coordinator (from sending its first message to
    /// closing it), in protocol order.
    public var stageSeconds: [StageTime]
    /// gRPC message bytes each site sent in the round (protobuf encoding + 5-byte prefix).
    public var bytesUp: [String: Int]
    /// gRPC message bytes each site received in the round (model broadcast included).
    public var bytesDown: [String: Int]
    /// A bound on |aggregate − exact sum| per entry (0 for plain).
    public var errorBound: Double
    /// Wall-clock seconds of the whole round.
    public var wallSeconds: Double

    /// One stage's duration.
    public struct StageTime: Sendable, Codable, Equatable {
        /// The stage's name.
        public var stage: String
        /// Seconds.
        public var seconds: Double
    }
}

/// The outcome of a federated run.
public struct FederationRun: Sendable, Codable, Equatable {
    /// The expected sites, in protocol order.
    public var sites: [String]
    /// `plain`, `secagg` or `secagg+`.
    public var aggregator: String
    /// The privacy mode's name.
    public var privacy: String
    /// Rounds asked for.
    public var rounds: Int
    /// Every round run (including abandoned ones), and round 0 for standardization if any.
    public var records: [FederationRoundRecord]
    /// The final global model's parameters.
    public var finalModel: [Double]
    /// The model's architecture name.
    public var model: String
    /// Why the run ended early, if it did.
    public var stopReason: String?
    /// The round the run started from (1, or later after --resume).
    public var firstRound: Int
    /// Central mode: the client-level ε spent on the coordinator's ledger (all runs on it).
    public var coordinatorEpsilon: Double? = nil
    /// Central mode: the coordinator's ledger file.
    public var coordinatorLedgerPath: String? = nil
    /// Whether SecAgg ran in authenticated mode: every site's Ed25519 key bound to its
    /// certificate and checked by the coordinator and by every peer (false for plain, Paillier
    /// and `--insecure` runs; nil in reports written before the field existed).
    public var secaggAuthenticated: Bool? = nil
}
