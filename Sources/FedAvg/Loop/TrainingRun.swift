import PrivacyAccounting

/// The outcome of a federated training run.
public struct TrainingRun: Sendable {
    /// One record per completed round.
    public var rounds: [RoundRecord]
    /// The final global model.
    public var model: FederatedModel
    /// Each site's evaluation of the final model.
    public var siteEvaluations: [SiteEvaluation]
    /// Why training stopped before the configured number of rounds, if it did.
    public var stopReason: String?
    /// Record-level ε spent at the end (the largest over the sites' ledgers, including what
    /// earlier runs spent from them), at the budget's δ; infinite for a run without
    /// differential privacy.
    public var epsilon: Double
    /// The privacy mode.
    public var privacy: PrivacyMode
    /// The budget, if any.
    public var budget: PrivacyLedger.Budget?
    /// The aggregator's name.
    public var aggregator: String
    /// The ledger files written (the sites', then the server's in the central mode).
    public var ledgerPaths: [String]
    /// Client-level ε of the central mode (the server's ledger); nil in the other modes.
    public var clientLevelEpsilon: Double? = nil
    /// The accountant that governs the run's ledgers (nil for a run without privacy).
    public var accountant: AccountantKind? = nil

    /// Whether the budget stopped the run before its first round: nothing was trained.
    public var trainedNothing: Bool { rounds.isEmpty && stopReason != nil }

    /// Test accuracy of the final model over all sites.
    public var accuracy: Double {
        let correct = siteEvaluations.reduce(0) { $0 + $1.correct }, count = siteEvaluations.reduce(0) { $0 + $1.count }
        return count == 0 ? 0 : Double(correct) / Double(count)
    }
}
