import Foundation

/// The degree k of the SecAgg+ graph and the Shamir threshold t, chosen from the number of
/// clients n, the tolerated dropout fraction δ and the corrupt fraction γ.
///
/// **The rule.** A client's shares go to itself and its k neighbours; the neighbours are
/// modelled as independent draws (each dropped with probability δ, corrupt with probability
/// γ), and union bounds over the n clients give four conditions:
///
/// 1. *Share secrecy*: n · P[Bin(k, γ) ≥ t] ≤ 2^−σ, so corrupt neighbours never hold t shares.
///    Against an active server (the authenticated mode) the server may show two groups of
///    honest holders different survivor lists, and corrupt holders sign and answer both: a
///    client with c corrupt holders is exposed once c ≥ 2t − k − 1. The authenticated rule
///    therefore asks n · P[Bin(k, γ) ≥ min(2t − k − 1, t − 1)] ≤ 2^−σ (in the complete graph,
///    Bonawitz et al.'s t > (n + n_C)/2); t − 1 covers a server that reports every honest
///    holder of a client as dropped. It relies on the client's checks: it appears in the
///    list it confirms, and only signatures of its own share holders count toward t. The
///    connectivity condition (3) is Bell et al.'s and has not been re-derived here for a
///    server that declares drops at will.
/// 2. *Honest majority*: t > (k + 1)/2, so two disjoint sets of honest responders can never
///    both reach the threshold (Bonawitz et al.'s t > n/2 in the complete graph).
/// 3. *Connectivity*: n · (δ + γ)^⌊k/2⌋ ≤ 2^−σ. The Harary ring only splits if ⌊k/2⌋
///    consecutive (randomly relabelled) clients are all dropped or corrupt; when it stays
///    connected, the server learns only the sum of all honest survivors, never of a subset.
/// 4. *Correctness*: n · P[Bin(k, 1 − δ) < t] ≤ 2^−η, so every dropped client's key (the
///    scarcer of the two reconstructions: k holders instead of k + 1) can be recovered.
///
/// `recommended` returns the smallest even k (or the complete graph, k = n − 1, when no
/// smaller k works) for which a t meets all four, with t the smallest such value (it
/// maximizes the correctness margin). Defaults: σ = 40, η = 20. The graph itself must come
/// from randomness the server cannot bias when the server is not trusted: see
/// `SecAggConfiguration.graph`.
public struct SecAggPlusParameters: Sendable, Hashable {
    /// The graph degree k.
    public let degree: Int
    /// The Shamir threshold t (out of k + 1 holders).
    public let threshold: Int
    /// −log2 of the union-bounded probability that corrupt clients reach t shares of someone
    /// or that the honest survivors' graph disconnects.
    public let securityBits: Double
    /// −log2 of the union-bounded probability that some reconstruction lacks t shares.
    public let correctnessBits: Double

    /// The smallest degree (and its threshold) meeting the four conditions of the rule;
    /// `authenticated` applies the active-server form of condition 1.
    public static func recommended(
        clientCount n: Int, dropoutFraction delta: Double, corruptFraction gamma: Double,
        authenticated: Bool = false, securityBits sigma: Double = 40, correctnessBits eta: Double = 20
    ) throws(SecAggError) -> SecAggPlusParameters {
        try validate(n: n, delta: delta, gamma: gamma)
        var candidate = 2
        while candidate < n - 1 {
            let parameters = forDegree(
                candidate, clientCount: n, dropoutFraction: delta, corruptFraction: gamma, authenticated: authenticated,
                securityBits: sigma, correctnessBits: eta)
            if parameters.securityBits >= sigma, parameters.correctnessBits >= eta { return parameters }
            candidate += 2
        }
        let complete = forDegree(
            n - 1, clientCount: n, dropoutFraction: delta, corruptFraction: gamma, authenticated: authenticated,
            securityBits: sigma, correctnessBits: eta)
        guard complete.securityBits >= sigma, complete.correctnessBits >= eta else {
            throw .invalidParameter(name: "securityBits", reason: String(
                format: "no degree reaches %.0f security and %.0f correctness bits for n = %d, δ = %.3f, γ = %.3f%@ (complete graph: %.1f and %.1f)",
                sigma, eta, n, delta, gamma, authenticated ? " against an active server" : "", complete.securityBits, complete.correctnessBits))
        }
        return complete
    }

    /// The threshold for a given degree: the smallest t meeting conditions 1 and 2, lowered
    /// toward the honest-majority floor when that is needed for condition 4.
    public static func forDegree(
        _ k: Int, clientCount n: Int, dropoutFraction delta: Double, corruptFraction gamma: Double,
        authenticated: Bool = false, securityBits sigma: Double = 40, correctnessBits eta: Double = 20
    ) -> SecAggPlusParameters {
        let majority = (k + 1) / 2 + 1
        var secure = majority
        while secure <= k + 1,
              secrecyLog2(k, threshold: secure, clientCount: n, corruptFraction: gamma, authenticated: authenticated) > -sigma {
            secure += 1
        }
        var threshold = min(secure, k + 1)
        while threshold > majority,
              failureLog2(k, threshold: threshold, clientCount: n, dropoutFraction: delta) > -eta {
            threshold -= 1
        }
        threshold = max(min(threshold, k + 1), 1)
        return margins(
            degree: k, threshold: threshold, clientCount: n, dropoutFraction: delta, corruptFraction: gamma,
            authenticated: authenticated)
    }

    /// The security and correctness margins of a given degree and threshold (for thresholds
    /// chosen by hand: they are measured, not assumed).
    public static func margins(
        degree k: Int, threshold t: Int, clientCount n: Int, dropoutFraction delta: Double, corruptFraction gamma: Double,
        authenticated: Bool = false
    ) -> SecAggPlusParameters {
        let logN = log2(Double(max(n, 1)))
        let secrecy = secrecyLog2(k, threshold: t, clientCount: n, corruptFraction: gamma, authenticated: authenticated)
        let cut = delta + gamma >= 1 ? 0 : logN + Double(k / 2) * log2(delta + gamma)
        let security = -max(secrecy, k == n - 1 ? -Double.infinity : cut)
        let failure = failureLog2(k, threshold: t, clientCount: n, dropoutFraction: delta)
        return SecAggPlusParameters(
            degree: k, threshold: t,
            securityBits: t * 2 > k + 1 ? min(max(security, 0), maximumBits) : 0,
            correctnessBits: min(max(-failure, 0), maximumBits))
    }

    /// log2 of the union bound on some client's shares leaking (condition 1).
    private static func secrecyLog2(
        _ k: Int, threshold t: Int, clientCount n: Int, corruptFraction gamma: Double, authenticated: Bool
    ) -> Double {
        // Actively: two lists both confirmed by t holders (2t − k − 1 corrupt double signers),
        // or every honest holder reported dropped (t − 1 corrupt ones complete the client's own
        // share); the first is the binding one except at t = k + 1.
        log2(Double(max(n, 1))) + log2(binomialUpperTail(k, gamma, atLeast: authenticated ? min(2 * t - k - 1, t - 1) : t))
    }

    /// log2 of the union bound on some reconstruction lacking t shares (condition 4): fewer
    /// than t of the k neighbours survive ⇔ more than k − t of them drop.
    private static func failureLog2(_ k: Int, threshold t: Int, clientCount n: Int, dropoutFraction delta: Double) -> Double {
        log2(Double(max(n, 1))) + log2(binomialUpperTail(k, delta, atLeast: k - t + 1))
    }

    /// Margins are capped here when a failure probability underflows to 0 (e.g. no dropouts).
    public static let maximumBits = 1024.0

    private static func validate(n: Int, delta: Double, gamma: Double) throws(SecAggError) {
        guard n >= 3 else { throw .invalidParameter(name: "clientCount", reason: "SecAgg+ needs at least 3 clients, got \(n)") }
        guard (0..<1).contains(delta) else { throw .invalidParameter(name: "dropoutFraction", reason: "dropout fraction must be in [0, 1), got \(delta)") }
        guard (0..<1).contains(gamma) else { throw .invalidParameter(name: "corruptFraction", reason: "corrupt fraction must be in [0, 1), got \(gamma)") }
    }
}

/// P[Bin(trials, p) ≥ atLeast], summed in log space so that k in the thousands stays accurate.
func binomialUpperTail(_ trials: Int, _ p: Double, atLeast: Int) -> Double {
    if atLeast <= 0 { return 1 }
    if atLeast > trials { return 0 }
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    let logP = log(p), logQ = log1p(-p)
    var logChoose = 0.0  // log C(trials, 0)
    var terms: [Double] = []
    terms.reserveCapacity(trials - atLeast + 1)
    for i in 0...trials {
        if i >= atLeast { terms.append(logChoose + Double(i) * logP + Double(trials - i) * logQ) }
        logChoose += log(Double(trials - i)) - log(Double(i + 1))
    }
    let largest = terms.max() ?? -.infinity
    guard largest > -.infinity else { return 0 }
    return min(1, exp(largest) * terms.reduce(0) { $0 + exp($1 - largest) })
}
