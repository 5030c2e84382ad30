import ArgumentParser
import Foundation
import PrivacyAccounting

/// `privagg compose EVENTS.json`: (ε, δ) of any composition of mechanisms, described in the
/// library's `PrivacyEvent` JSON, by the RDP and/or PLD accountant.
struct ComposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Print ε at δ (or δ at ε) for a composition of mechanisms given as PrivacyEvent JSON.",
        discussion: """
            The file holds one event in PrivacyAccounting's JSON form, e.g. \
            {"type": "composed", "events": [{"type": "gaussian", "noise_multiplier": 2}, \
            {"type": "self_composed", "count": 1000, "event": {"type": "poisson_sampled", \
            "sampling_rate": 0.01, "event": {"type": "gaussian", "noise_multiplier": 1}}}]}. \
            Types: no_op, non_private, gaussian, laplace, discrete_laplace, discrete_gaussian, \
            randomized_response, zero_concentrated, skellam, poisson_sampled, \
            sampled_without_replacement, composed, self_composed. The PLD answer is an interval \
            [lower, upper]; "epsilon" in JSON is each accountant's upper value.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    @Argument(help: "A JSON file holding one PrivacyEvent (\"-\" reads standard input).")
    var events: String

    @Option(help: "δ in (0, 1): print ε at this δ.")
    var delta: Double?

    @Option(help: "ε ≥ 0: print δ at this ε.")
    var epsilon: Double?

    @Option(help: "Accountant: rdp, pld or both.")
    var accountant: AccountantChoice = .both

    @Option(help: "Neighbouring relation: add-or-remove, replace-one or replace-special.")
    var neighboring: NeighboringChoice = .addOrRemove

    @Option(help: "Output format: text, json or markdown.")
    var format: Format = .text

    func validate() throws {
        _ = try AccountingQuery(delta: delta, epsilon: epsilon)
    }

    func run() throws {
        let query = try AccountingQuery(delta: delta, epsilon: epsilon)
        let data: Data
        do {
            data = events == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: events))
        } catch {
            throw FileAccessError("cannot read \(events): \(readableReason(error))")
        }
        let event: PrivacyEvent
        do {
            event = try JSONDecoder().decode(PrivacyEvent.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw AccountingFailure(description: "\(events) is not a privacy event: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw AccountingFailure(description: "\(events) is not a privacy event: missing key \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw AccountingFailure(description: "\(events) is not a privacy event: wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw AccountingFailure(description: "\(events) is not a privacy event: \(error)")
        }
        let results = try answers(for: event, relation: neighboring.relation, kinds: accountant.kinds, query: query)
        switch format {
        case .json:
            try emit(try answersJSON(results), to: nil)
        case .markdown:
            try emit(answersMarkdown(results), to: nil)
        case .text:
            var lines = ["\(event) under \(neighboring.relation.rawValue):"] + results.map { "  " + $0.text }
            if let tighter = tighterLine(results) { lines.append("  " + tighter) }
            try emit(lines.joined(separator: "\n"), to: nil)
        }
    }
}
