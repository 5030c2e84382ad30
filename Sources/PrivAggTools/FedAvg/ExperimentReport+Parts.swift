import FedAvg
import PrivacyAccounting

extension ExperimentReport {
    /// A report assembled from its parts, for runs whose rounds were not run by
    /// ``FederatedTraining`` in this process (the distributed demo: the rounds come from the
    /// coordinator's records, ε from the sites' ledgers).
    ///
    /// - Parameters:
    ///   - finalAccuracy: Test accuracy of the final model over all sites.
    ///   - baseline: The non-private baseline run, if any.
    ///   - epsilon: Record-level ε spent (largest over the sites' ledgers); infinite without privacy.
    ///   - budget: The ε budget and δ, nil without privacy.
    ///   - accountant: `rdp` or `pld`, nil without privacy.
    ///   - aggregator: The aggregator's name.
    ///   - privacy: The privacy mode's name.
    ///   - stopReason: Why the run ended early, if it did.
    ///   - settings: The run's settings.
    ///   - sites: Per-site sizes and accuracies.
    ///   - rounds: Per-round records.
    ///   - accuracyGoal: The goal, if any; `goalMet` is derived from it, the accuracy, ε and the budget.
    ///   - ledgers: The ledger files of the run.
    public init(
        finalAccuracy: Double, baseline: TrainingRun?, epsilon: Double, budget: PrivacyLedger.Budget?, accountant: String?,
        aggregator: String, privacy: String, stopReason: String?, settings: Settings, sites: [Site], rounds: [RoundRecord],
        accuracyGoal: Double?, ledgers: [String]
    ) {
        self.finalAccuracy = finalAccuracy
        baselineAccuracy = baseline?.accuracy
        self.epsilon = epsilon
        clientLevelEpsilon = nil
        delta = budget?.delta
        epsilonBudget = budget?.epsilon
        self.accountant = accountant
        self.aggregator = aggregator
        self.privacy = privacy
        self.stopReason = stopReason
        self.settings = settings
        self.sites = sites
        self.rounds = rounds
        baselineRounds = baseline?.rounds
        overhead = []
        self.accuracyGoal = accuracyGoal
        self.ledgers = ledgers
        goalMet = accuracyGoal.map { finalAccuracy >= $0 && epsilon <= (budget?.epsilon ?? .infinity) }
    }
}
