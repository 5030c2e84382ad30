import ArgumentParser
import Foundation
import PrivacyAccounting

/// `--accountant rdp|pld|both`.
enum AccountantChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case rdp, pld, both

    /// The accountants to run, RDP first.
    var kinds: [AccountantKind] {
        switch self {
        case .rdp: [.rdp]
        case .pld: [.pld]
        case .both: [.rdp, .pld]
        }
    }
}

/// `--neighboring add-or-remove|replace-one|replace-special`.
enum NeighboringChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case addOrRemove = "add-or-remove"
    case replaceOne = "replace-one"
    case replaceSpecial = "replace-special"

    var relation: NeighboringRelation {
        switch self {
        case .addOrRemove: .addOrRemoveOne
        case .replaceOne: .replaceOne
        case .replaceSpecial: .replaceSpecial
        }
    }
}

/// What one accountant says about one event: ε at δ, or δ at ε, with the PLD's interval.
struct AccountantAnswer: Encodable {
    var accountant: AccountantKind
    /// The upper value ε (for a δ query: the ε asked about).
    var epsilon: Double
    /// The upper value δ (for an ε query: the δ asked about).
    var delta: Double
    /// PLD, ε query: the interval [epsilonLower, epsilon].
    var epsilonLower: Double?
    /// PLD, δ query: the interval [deltaLower, delta].
    var deltaLower: Double?
    /// RDP: the order achieving the answer.
    var optimalOrder: Double?
    /// Which quantity was computed: "epsilon" or "delta".
    var query: String

    enum CodingKeys: String, CodingKey {
        case accountant, epsilon, delta
        case epsilonLower = "epsilon_lower", epsilonUpper = "epsilon_upper"
        case deltaLower = "delta_lower", deltaUpper = "delta_upper"
        case optimalOrder = "optimal_order"
    }

    /// `epsilon`, `delta`, `accountant`; PLD adds `epsilon_lower`/`epsilon_upper` (or the δ
    /// pair for a δ query); RDP adds `optimal_order`. An unbounded ε is `null`.
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accountant.rawValue, forKey: .accountant)
        func number(_ value: Double, _ key: CodingKeys) throws {
            try c.encodeNullIfUnbounded(value, forKey: key)
        }
        try number(epsilon, .epsilon)
        try number(delta, .delta)
        if accountant == .pld {
            if query == "epsilon", let epsilonLower {
                try number(epsilonLower, .epsilonLower)
                try number(epsilon, .epsilonUpper)
            }
            if query == "delta", let deltaLower {
                try number(deltaLower, .deltaLower)
                try number(delta, .deltaUpper)
            }
        } else {
            try c.encode(optimalOrder, forKey: .optimalOrder)
        }
    }

    /// One line for people, e.g. `PLD: ε ∈ [6.157, 6.18775] at δ = 1e-05`.
    var text: String {
        let name = accountant == .pld ? "PLD" : "RDP"
        if query == "epsilon" {
            let value = accountant == .pld
                ? "ε ∈ [\(formatNumber(epsilonLower)), \(formatNumber(epsilon))]" : "ε = \(formatNumber(epsilon))"
            let order = accountant == .rdp ? " (optimal order \(formatNumber(optimalOrder)))" : ""
            return "\(name): \(value) at δ = \(formatInput(delta))\(order)"
        }
        let value = accountant == .pld ? "δ ∈ [\(formatNumber(deltaLower)), \(formatNumber(delta))]" : "δ = \(formatNumber(delta))"
        let order = accountant == .rdp ? " (optimal order \(formatNumber(optimalOrder)))" : ""
        return "\(name): \(value) at ε = \(formatInput(epsilon))\(order)"
    }
}

/// The query: ε at a δ, or δ at an ε.
enum AccountingQuery {
    case epsilon(delta: Double)
    case delta(epsilon: Double)

    /// From `--delta` / `--epsilon`: exactly one must be given.
    ///
    /// - Throws: `ValidationError` when both or neither are given, or a value is out of range.
    init(delta: Double?, epsilon: Double?) throws {
        switch (delta, epsilon) {
        case (let d?, nil):
            try AccountingValidation.delta(d)
            self = .epsilon(delta: d)
        case (nil, let e?):
            guard e.isFinite, e >= 0 else { throw ValidationError("--epsilon must be a finite number >= 0, got \(e)") }
            self = .delta(epsilon: e)
        case (.some, .some):
            throw ValidationError("give either --delta (to get ε) or --epsilon (to get δ), not both")
        case (nil, nil):
            throw ValidationError("give --delta (to get ε) or --epsilon (to get δ)")
        }
    }
}

/// An accountant refused an event or a value: the message names the accountant and the event.
struct AccountingFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs `event` through each chosen accountant under `relation`. Fails closed: an
/// accountant that cannot account for the event is an error naming the event, never a
/// silently missing answer.
///
/// - Throws: ``AccountingFailure`` naming the accountant and the event it cannot account for.
func answers(for event: PrivacyEvent, relation: NeighboringRelation, kinds: [AccountantKind],
             query: AccountingQuery, rdpConversion: RDPConversion = .tight) throws -> [AccountantAnswer] {
    try kinds.map { kind in
        do {
            switch kind {
            case .rdp:
                var accountant = try RDPAccountant(neighboringRelation: relation)
                try accountant.compose(event)
                switch query {
                case .epsilon(let delta):
                    let g = try accountant.epsilon(delta: delta, conversion: rdpConversion)
                    return AccountantAnswer(accountant: .rdp, epsilon: g.epsilon, delta: delta, optimalOrder: g.optimalOrder, query: "epsilon")
                case .delta(let epsilon):
                    let g = try accountant.delta(epsilon: epsilon, conversion: rdpConversion)
                    return AccountantAnswer(accountant: .rdp, epsilon: epsilon, delta: g.delta, optimalOrder: g.optimalOrder, query: "delta")
                }
            case .pld:
                var accountant = try PLDAccountant(neighboringRelation: relation)
                try accountant.compose(event)
                switch query {
                case .epsilon(let delta):
                    let g = try accountant.epsilon(delta: delta)
                    return AccountantAnswer(accountant: .pld, epsilon: g.epsilon, delta: delta, epsilonLower: g.epsilonLower, query: "epsilon")
                case .delta(let epsilon):
                    let g = try accountant.delta(epsilon: epsilon)
                    return AccountantAnswer(accountant: .pld, epsilon: epsilon, delta: g.delta, deltaLower: g.deltaLower, query: "delta")
                }
            }
        } catch let error as PrivacyAccountingError {
            throw AccountingFailure(description: "\(kind.rawValue) accountant: \(error.description)")
        }
    }
}

/// Which answer is tighter, for people: the smaller upper value, and by how much.
func tighterLine(_ answers: [AccountantAnswer]) -> String? {
    guard answers.count == 2 else { return nil }
    let rdp = answers[0], pld = answers[1]
    let (a, b) = rdp.query == "epsilon" ? (rdp.epsilon, pld.epsilon) : (rdp.delta, pld.delta)
    guard a.isFinite, b.isFinite, a > 0 || b > 0 else { return nil }
    if b < a { return "Tighter: PLD (\(formatNumber(b)) vs \(formatNumber(a)) by RDP, \(String(format: "%.1f", 100 * (a - b) / a))% lower)" }
    if a < b { return "Tighter: RDP (\(formatNumber(a)) vs \(formatNumber(b)) by PLD, \(String(format: "%.1f", 100 * (b - a) / b))% lower)" }
    return "Tighter: neither (both \(formatNumber(a)))"
}

/// JSON for a list of answers: one object for one accountant, `{"rdp": …, "pld": …}` for both.
func answersJSON(_ answers: [AccountantAnswer]) throws -> String {
    if answers.count == 1 { return try accountingJSON(answers[0]) }
    var byName: [String: AccountantAnswer] = [:]
    for answer in answers { byName[answer.accountant.rawValue] = answer }
    return try accountingJSON(byName)
}

/// A Markdown table of the answers.
func answersMarkdown(_ answers: [AccountantAnswer]) -> String {
    var lines = ["| accountant | ε | ε lower | δ | δ lower | optimal order |", "|---|---:|---:|---:|---:|---:|"]
    for a in answers {
        lines.append("| \(a.accountant.rawValue) | \(formatNumber(a.epsilon)) | \(a.epsilonLower.map { formatNumber($0) } ?? "") | "
            + "\(formatNumber(a.delta)) | \(a.deltaLower.map { formatNumber($0) } ?? "") | \(a.optimalOrder.map { formatNumber($0) } ?? "") |")
    }
    return lines.joined(separator: "\n")
}
