import FedAvg
import Foundation
import SecureAggregation

/// The checks a coordinator and a site apply to the fields of a received message before they
/// act on it, as functions of the message and the run's public settings only, so that the
/// session code and the fuzz targets (``FederationFuzzing``) run the same checks.
enum MessageChecks {
    // MARK: At the coordinator

    /// A plain contribution of `round`: `length` finite entries of at most `bound` in absolute
    /// value; in a training round (`round > 0`), also a valid weight (``weight(of:dimension:settings:)``).
    ///
    /// - Throws: ``FederationError/malformedMessage(_:)`` naming the first violation.
    static func contribution(
        _ contribution: Privagg_Federation_V1_Contribution, round: Int, length: Int, bound: Double,
        validate: ([Double]) throws -> Void
    ) throws -> [Double] {
        guard contribution.round == UInt64(round) else {
            throw FederationError.malformedMessage("contribution for round \(contribution.round) in round \(round)")
        }
        let values = try FederationProtocol.unpack(contribution.values, count: length, field: "contribution")
        if let entry = values.firstIndex(where: { abs($0) > bound }) {
            throw FederationError.malformedMessage("entry \(entry) exceeds the public bound \(bound)")
        }
        if round > 0 { try validate(values) }
        return values
    }

    /// The weight after a round contribution's `dimension` update entries: an integer record
    /// count in 1...maximumClientRecords in the weighted modes, 0 in the local and central modes
    /// (central also bounds the update's norm by the clip its noise is sized for).
    ///
    /// - Throws: ``FederationError/malformedMessage(_:)``.
    static func weight(of values: [Double], dimension: Int, privacy: PrivacyMode, maximumClientRecords: Int) throws {
        guard values.count == dimension + 1 else {
            throw FederationError.malformedMessage("\(values.count) contribution entries, expected \(dimension + 1)")
        }
        let weight = values[dimension], maximum = Double(maximumClientRecords)
        switch privacy {
        case .local:
            guard weight == 0 else { throw FederationError.malformedMessage("a local-DP contribution carries no weight, got \(weight)") }
        case .central(let clip, _, _):
            // The noise is sized for updates of norm ≤ clip: a larger one would break the guarantee.
            guard weight == 0 else { throw FederationError.malformedMessage("a central-DP contribution carries no weight, got \(weight)") }
            let norm = values[0..<dimension].reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm <= clip * (1 + 1e-9) else {
                throw FederationError.malformedMessage("update norm \(norm) exceeds the clip \(clip)")
            }
        default:
            guard weight >= 1, weight <= maximum, weight == weight.rounded() else {
                throw FederationError.malformedMessage("weight \(weight) is not a record count in 1...\(maximumClientRecords)")
            }
        }
    }

    /// A site's evaluation: correct ≤ count ≤ 2^40, a finite non-negative summed loss.
    ///
    /// - Throws: ``FederationError/malformedMessage(_:)``.
    static func evaluation(_ evaluation: Privagg_Federation_V1_Evaluation) throws {
        guard evaluation.correct <= evaluation.count, evaluation.count <= 1 << 40, evaluation.loss.isFinite, evaluation.loss >= 0 else {
            throw FederationError.malformedMessage("evaluation counts out of range")
        }
    }

    // MARK: At a site

    /// The settings a Welcome announces and the site's index among the run's sites.
    ///
    /// - Throws: ``FederationError/malformedMessage(_:)``.
    static func welcome(_ welcome: Privagg_Federation_V1_Welcome) throws -> (settings: RunSettings, index: Int) {
        let settings = try RunSettings(welcome: welcome)
        guard welcome.siteCount >= 1, welcome.siteIndex < welcome.siteCount else {
            throw FederationError.malformedMessage("site index \(welcome.siteIndex) of \(welcome.siteCount)")
        }
        return (settings, Int(welcome.siteIndex))
    }

    /// The secure aggregators' parameters of `round` for a vector of `dimension` entries in the
    /// ring (the padded dimension under distributed DP) quantized within `bound`.
    ///
    /// - Throws: ``FederationError/malformedMessage(_:)`` when they do not match the run.
    static func secureParameters(
        _ parameters: Privagg_Federation_V1_SecureAggregationRound, round: Int, dimension: Int, bound: Double, settings: RunSettings
    ) throws {
        guard parameters.protocolRound == UInt64(round) + 1, parameters.bitWidth == UInt32(settings.bitWidth),
              parameters.dimension == UInt32(dimension), parameters.clippingBound == bound,
              parameters.quantizerClients >= 2, parameters.threshold >= 2, parameters.threshold <= parameters.quantizerClients else {
            throw FederationError.malformedMessage("secure aggregation parameters do not match the run")
        }
    }

    /// A Join's protocol version must be this build's (``FederationProtocol/version``).
    ///
    /// - Throws: ``FederationError/siteRefused(site:reason:)``.
    static func protocolVersion(of join: Privagg_Federation_V1_Join, site: String) throws {
        guard join.protocolVersion == FederationProtocol.version else {
            throw FederationError.siteRefused(
                site: site, reason: "protocol version \(join.protocolVersion), the coordinator speaks \(FederationProtocol.version)")
        }
    }

    /// A Join's record count must be in 1...`maximumClientRecords` (the count weighs the site's
    /// update and bounds its sensitivity).
    ///
    /// - Throws: ``FederationError/siteRefused(site:reason:)``.
    static func trainingRecords(of join: Privagg_Federation_V1_Join, site: String, maximumClientRecords: Int) throws {
        guard join.trainingRecords >= 1, join.trainingRecords <= UInt64(maximumClientRecords) else {
            throw FederationError.siteRefused(site: site, reason: "\(join.trainingRecords) training records, outside 1...\(maximumClientRecords)")
        }
    }

    /// A RoundStart's round, which must be one of the run's rounds.
    ///
    /// - Returns: the round.
    /// - Throws: ``FederationError/malformedMessage(_:)``.
    static func round(of start: Privagg_Federation_V1_RoundStart, rounds: Int) throws -> Int {
        let round = Int(clamping: start.round)
        guard (1...rounds).contains(round) else { throw FederationError.malformedMessage("round \(start.round) outside 1...\(rounds)") }
        return round
    }
}
