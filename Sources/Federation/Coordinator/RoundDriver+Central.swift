import FedAvg
import Foundation
import PrivacyAccounting
import Sodium
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the coordinator keeps its ledger in the central mode (`serve --ledger-dir DIR
/// --epsilon-budget E --delta D`).
public struct CentralLedgerSettings: Sendable {
    /// The ledger's folder; the file is `DIR/server.ledger`.
    public var directory: String
    /// The budget (a ledger already there must have the same).
    public var budget: PrivacyLedger.Budget
    /// The accountant of a ledger this run creates (one already there must use the same).
    public var accountant: AccountantKind

    /// Settings.
    public init(directory: String, budget: PrivacyLedger.Budget, accountant: AccountantKind = .rdp) {
        self.directory = directory
        self.budget = budget
        self.accountant = accountant
    }
}

/// The central mode (DP-FedAvg) at the coordinator: the client sampling, the ledger, the noise.
///
/// The coordinator samples the sites of each round from the run's seed exactly as the
/// in-process loop does; the unsampled sites send zeros (through the same aggregator), so the
/// aggregate's shape does not depend on the sample. Before a round starts, the coordinator's
/// own ledger (`server.ledger`) is charged the round's client-level event (the
/// Poisson-subsampled Gaussian); a round the budget refuses is not run, and the run stops
/// with the reason. The noise is added to the sum before the model is broadcast
/// (``FederatedRound/centralMean(sum:dimension:configuration:errorBound:contributors:clientCount:round:)``).
/// The sites keep no ledger in this mode: what leaves a site is its clipped update, and the
/// guarantee is the coordinator's noise (trusted curator; with secagg the coordinator learns
/// only the sum, and adds the noise to it).
struct CentralRounds {
    let ledger: PrivacyLedger
    let event: PrivacyEvent
    var sampler: ChaChaRandom
    let rate: Double
    let siteCount: Int

    /// Opens (or creates) the ledger and positions the sampler at `firstRound` (a resumed run
    /// replays the draws of the completed rounds, so it samples what an uninterrupted run would).
    init(privacy: PrivacyMode, settings: CentralLedgerSettings?, seed: UInt64?, siteCount: Int, firstRound: Int) throws {
        guard case .central(_, let sigma, let rate) = privacy else {
            throw FederationError.invalidParameter(name: "privacy", reason: "not the central mode")
        }
        guard let settings else {
            throw FederationError.invalidParameter(
                name: "ledger", reason: "the central mode needs the coordinator's ledger (--ledger-dir, --epsilon-budget, --delta): the coordinator adds the noise and accounts for it")
        }
        try FileManager.default.createDirectory(atPath: settings.directory, withIntermediateDirectories: true)
        let path = (settings.directory as NSString).appendingPathComponent("server.ledger")
        do {
            ledger = try PrivacyLedger.openOrCreate(at: path, budget: settings.budget, accountant: settings.accountant).ledger
        } catch let error as PrivacyAccountingError {
            guard case .ledgerSettingsMismatch = error else { throw error }
            throw FederationError.invalidParameter(name: "ledger", reason: error.description)
        }
        event = .poissonSampled(rate: rate, event: .gaussian(noiseMultiplier: sigma))
        self.rate = rate
        self.siteCount = siteCount
        sampler = FederatedRound.clientSampler(seed: seed)
        for _ in 1..<max(firstRound, 1) { _ = FederatedRound.sampleClients(count: siteCount, rate: rate, using: &sampler) }
    }

    /// Charges round `round` to the ledger, or returns why the budget refuses it (nothing charged).
    func charge(round: Int) async throws -> String? {
        let projected = try await ledger.projected(event).epsilon
        if projected > ledger.budget.epsilon {
            let spent = await ledger.spent.epsilon
            return String(
                format: "privacy budget reached: round %d would bring the coordinator's ledger from ε = %.3f to ε = %.3f > %.3f (δ = %g); stopped after %d rounds",
                round, spent, projected, ledger.budget.epsilon, ledger.budget.delta, round - 1)
        }
        // Before the round starts: the noisy model is broadcast only after this spend is on
        // disk; a round that then fails stays spent (over-count, never under-count).
        _ = try await ledger.spend(event, label: "round \(round) (federation, central, client level)")
        return nil
    }

    /// The sites sampled for the next round (one draw per site, in protocol order).
    mutating func sample() -> Set<Int> {
        Set(FederatedRound.sampleClients(count: siteCount, rate: rate, using: &sampler))
    }
}
