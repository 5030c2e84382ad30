import ArgumentParser
import Foundation
import PrivacyAccounting

extension BudgetCommand {
    /// `--accountant`, `--epsilon`, and the default text output: RDP (today's line), the PLD
    /// interval, and which is tighter.
    func runAccountants() throws {
        let query = try AccountingQuery(delta: delta, epsilon: epsilon)
        let event = PrivacyEvent.dpSGD(samplingRate: samplingRate, noiseMultiplier: noiseMultiplier, steps: steps)
        let choice = accountant ?? .both
        var results: [AccountantAnswer]
        do {
            results = try answers(for: event, relation: .addOrRemoveOne, kinds: choice.kinds, query: query, rdpConversion: conversion)
        } catch let failure as AccountingFailure where accountant == nil {
            // Not asked for by name: the PLD's refusal (a nearly non-private step at this
            // resolution) must not take away the RDP answer today's command gives; say why on stderr.
            results = try answers(for: event, relation: .addOrRemoveOne, kinds: [.rdp], query: query, rdpConversion: conversion)
            printError("PLD not shown: \(failure.description)")
        }
        switch format {
        case .json:
            try emit(try answersJSON(results), to: nil)
        case .markdown:
            try emit(answersMarkdown(results), to: nil)
        case .text:
            var lines: [String] = []
            for result in results {
                if result.accountant == .rdp, case .epsilon(let delta) = query {
                    // Today's RDP line, unchanged, so existing readers keep working.
                    lines.append(legacyTextLine(
                        PrivacyGuarantee(epsilon: result.epsilon, delta: delta, optimalOrder: result.optimalOrder), delta: delta))
                } else {
                    lines.append(result.text)
                }
            }
            if let tighter = tighterLine(results) { lines.append(tighter) }
            try emit(lines.joined(separator: "\n"), to: nil)
        }
    }
}
