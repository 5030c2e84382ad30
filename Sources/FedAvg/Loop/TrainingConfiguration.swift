import PrivacyAccounting

/// Everything a federated training run needs besides its clients and aggregator.
public struct TrainingConfiguration: Sendable {
    /// Rounds to run (fewer if the privacy budget runs out).
    public var rounds: Int
    /// Each site's local training per round.
    public var localTraining: LocalTraining
    /// The privacy mode.
    public var privacy: PrivacyMode
    /// The (ε, δ) budget of every ledger; required unless `privacy` is `.none`.
    public var budget: PrivacyLedger.Budget?
    /// Folder for the ledger files (created if needed; nil: a fresh temporary folder). A
    /// ledger already there is reopened and its earlier spends count against the budget,
    /// which must then be the same.
    public var ledgerDirectory: String?
    /// Whether a ledger already in `ledgerDirectory` is reopened (the default: a budget spans
    /// runs). When false the run only creates ledgers and fails with the creation's `EEXIST`
    /// error if one exists, before training, removing the ledgers it did create: what a
    /// self-contained simulation such as the demo needs, so it never spends from a ledger
    /// another run started.
    public var reopensExistingLedgers = true
    /// The accountant that governs the budget of every ledger the run creates (recorded in
    /// their headers): each round's ε and the check that stops training before a round would
    /// exceed the budget go through it. A reopened ledger must have been created with the
    /// same accountant. Default RDP.
    public var accountant: AccountantKind = .rdp
    /// The model trained (logistic regression unless asked otherwise).
    public var model: ModelArchitecture
    /// L2 penalty of the model's weights.
    public var l2Penalty: Double
    /// Public bound on each coordinate of a model update; updates are clipped to it before
    /// aggregation (it sizes the quantization grid of secure aggregators).
    public var updateBound: Double
    /// Public bound on a client's number of training records (its weight).
    public var maximumClientRecords: Int
    /// Seed of the run's sampling, noise and initialization, for reproducible simulations
    /// (predictable to whoever knows it); nil gives every stream a fresh key from libsodium's
    /// CSPRNG (what a deployment should do).
    public var seed: UInt64?
    /// A checkpoint to continue from (its model and rounds; the ledgers are reopened as
    /// usual), or nil to start afresh.
    public var resumeFrom: TrainingCheckpoint? = nil
    /// The settings description stored in every checkpoint (compared on resume).
    public var checkpointSettings = ""
    /// Called after every round with the run's state, to save it (e.g. atomically to a file).
    public var saveCheckpoint: (@Sendable (TrainingCheckpoint) throws -> Void)? = nil
    /// Asked after every round; true stops the run there (e.g. after Ctrl-C), with a stop reason.
    public var shouldStop: (@Sendable () -> Bool)? = nil

    /// A configuration.
    public init(
        rounds: Int, localTraining: LocalTraining, privacy: PrivacyMode = .none, budget: PrivacyLedger.Budget? = nil,
        ledgerDirectory: String? = nil, model: ModelArchitecture = .logisticRegression, l2Penalty: Double = 1e-3, updateBound: Double = 10,
        maximumClientRecords: Int = 100_000, seed: UInt64?
    ) {
        self.rounds = rounds
        self.localTraining = localTraining
        self.privacy = privacy
        self.budget = budget
        self.ledgerDirectory = ledgerDirectory
        self.model = model
        self.l2Penalty = l2Penalty
        self.updateBound = updateBound
        self.maximumClientRecords = maximumClientRecords
        self.seed = seed
    }
}
