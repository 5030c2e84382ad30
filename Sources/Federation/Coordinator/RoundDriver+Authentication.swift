import Foundation
import Logging
import SecureAggregation
import Sodium

/// A round participant whose key binding the coordinator verified.
struct AuthenticatedParticipant {
    /// The site's index (its client id).
    var index: Int
    /// The binding as the site sent it (forwarded to every participant, who checks it itself).
    var binding: Data
    /// The site's Ed25519 key for this session.
    var key: Ed25519.VerifyingKey
}

extension RoundDriver {
    /// SecAgg's authenticated mode at the coordinator: waits (up to the stage timeout) for each
    /// participant's key binding, then verifies it against the federation CA for the site the
    /// peer certificate names and this run's session id. A site whose binding is missing or
    /// refused is dropped from the round with the reason and its session is closed (it may
    /// come back with a valid one and take part from the next round).
    ///
    /// - Returns: The participants that passed, ascending by index.
    func authenticate(_ participants: [Int], session: KeyBindingSession, context: inout RoundContext) async -> [AuthenticatedParticipant] {
        await hub.waitForKeyBindings(of: participants, until: .now + configuration.stageTimeout)
        var passed: [AuthenticatedParticipant] = []
        for index in participants.sorted() {
            let site = configuration.sites[index]
            let state = await hub.keyBinding(of: index)
            guard let state, let binding = state.binding else {
                let reason = "no key binding within \(configuration.stageTimeout)"
                context.dropped[index] = reason
                logger.warning("site dropped from the round", metadata: ["site": "\(site)", "stage": "KeyBinding", "reason": "\(reason)"])
                if let state { await hub.close(index: index, session: state.session, reason: reason) }
                continue
            }
            let sessionNumber = state.session
            if let key = state.verifiedKey {
                passed.append(AuthenticatedParticipant(index: index, binding: binding, key: key))
                continue
            }
            do {
                let checked = try await MessageChecks.verifiedKey(binding: [UInt8](binding), site: site, session: session)
                await hub.setVerifiedKey(checked.key, index: index, session: sessionNumber)
                passed.append(AuthenticatedParticipant(index: index, binding: binding, key: checked.key))
            } catch {
                let reason = "\(error)"
                context.dropped[index] = reason
                logger.warning("key binding refused", metadata: ["site": "\(site)", "reason": "\(reason)"])
                await hub.close(index: index, session: sessionNumber, reason: reason)
            }
        }
        return passed
    }

    /// The graph degree and threshold of an authenticated round of `n` sites: SecAgg+'s rule
    /// in its active-server form (``SecAggPlusParameters/recommended(clientCount:dropoutFraction:corruptFraction:authenticated:securityBits:correctnessBits:)``
    /// with `authenticated: true`, the same 5 % dropout and corrupt fractions as the
    /// unauthenticated rounds). SecAgg, and SecAgg+ when no sparse degree meets the rule, use
    /// the complete graph with the rule's threshold for k = n − 1, which is never below the
    /// honest-majority ⌊n/2⌋ + 1 of unauthenticated rounds.
    static func activeServerParameters(aggregator: FederationAggregator, clients n: Int) -> (degree: Int, threshold: Int) {
        if aggregator == .secaggPlus {
            do {
                let parameters = try SecAggPlusParameters.recommended(clientCount: n, dropoutFraction: 0.05, corruptFraction: 0.05, authenticated: true)
                if parameters.degree < n - 1 { return (parameters.degree, parameters.threshold) }
            } catch {
                // No sparse degree reaches the targets for so few sites: the complete graph below.
            }
        }
        let complete = SecAggPlusParameters.forDegree(n - 1, clientCount: n, dropoutFraction: 0.05, corruptFraction: 0.05, authenticated: true)
        return (n - 1, max(2, complete.threshold))
    }
}
