import Foundation
import FuzzHarness
import PrivacyAccounting

/// Privacy events in their JSON form, composed by the RDP accountant. Oracles: decoding
/// either succeeds or throws `DecodingError`; a decoded event encodes and decodes back equal;
/// composing it either throws `PrivacyAccountingError` or leaves an RDP curve with no NaN; ε
/// is never NaN (a finite number ≥ 0 or +∞) and δ is in [0, 1], under every relation and
/// conversion, at several δ and ε, once and composed many times.
enum PrivacyEventTarget {
    static func run(_ bytes: [UInt8]) {
        let event: PrivacyEvent
        do {
            event = try JSONDecoder().decode(PrivacyEvent.self, from: Data(bytes))
        } catch {
            guard error is DecodingError else { violated("decoding an event threw \(error)") }
            return
        }
        do {
            let again = try JSONDecoder().decode(PrivacyEvent.self, from: JSONEncoder().encode(event))
            guard again == event else { violated("\(event) round trips to \(again)") }
        } catch {
            violated("\(event) does not round trip through JSON: \(error)")
        }
        _ = event.description

        for relation in RDPAccountant.NeighboringRelation.allCases {
            for count in [1, 1000] {
                var accountant: RDPAccountant
                do { accountant = try RDPAccountant(neighboringRelation: relation) } catch {
                    violated("cannot make an accountant for \(relation): \(error)")
                }
                do {
                    try accountant.compose(event, count: count)
                } catch {
                    guard error is PrivacyAccountingError else { violated("composing \(event) threw \(error)") }
                    continue
                }
                if let index = accountant.rdp.firstIndex(where: { $0.isNaN }) {
                    violated("RDP at order \(accountant.orders[index]) is NaN for \(event) × \(count) (\(relation))")
                }
                check(accountant, event: event, count: count, relation: relation)
            }
        }
    }

    private static func check(_ accountant: RDPAccountant, event: PrivacyEvent, count: Int, relation: RDPAccountant.NeighboringRelation) {
        for conversion in RDPConversion.allCases {
            for delta in [0, 1e-300, 1e-10, 1e-5, 0.5] {
                let guarantee: PrivacyGuarantee
                do { guarantee = try accountant.epsilon(delta: delta, conversion: conversion) } catch {
                    violated("ε at δ = \(delta) threw \(error)")
                }
                guard !guarantee.epsilon.isNaN, guarantee.epsilon >= 0 else {
                    violated("ε = \(guarantee.epsilon) at δ = \(delta) (\(conversion), \(relation)) for \(event) × \(count)")
                }
            }
            for epsilon in [0, 1e-6, 1, 50] {
                let guarantee: PrivacyGuarantee
                do { guarantee = try accountant.delta(epsilon: epsilon, conversion: conversion) } catch {
                    violated("δ at ε = \(epsilon) threw \(error)")
                }
                guard guarantee.delta >= 0, guarantee.delta <= 1 else {
                    violated("δ = \(guarantee.delta) at ε = \(epsilon) (\(conversion), \(relation)) for \(event) × \(count)")
                }
            }
        }
    }
}
