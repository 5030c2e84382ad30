import Federation
import FederationSupport
import Foundation

/// Feeds the coordinator's `/metrics` (``FederationMetrics``) from the round records the
/// coordinator reports after every round, so the scraped counters are the report's figures.
struct CoordinatorMetrics: Sendable {
    let metrics: FederationMetrics

    /// Records one round: round counters and duration, dropouts by reason, bytes per site and
    /// direction (gRPC message bytes, as in report.json), stage latencies, and the sites that
    /// started the round as the connected count. The standardization round (0) adds its
    /// stages and bytes only.
    func record(_ record: FederationRoundRecord) {
        for stage in record.stageSeconds {
            metrics.stage(stage.stage, took: .nanoseconds(Int64((stage.seconds * 1e9).rounded())))
        }
        for (site, bytes) in record.bytesUp { metrics.bytes(bytes, site: site, upload: true) }
        for (site, bytes) in record.bytesDown { metrics.bytes(bytes, site: site, upload: false) }
        for reason in record.dropouts.values { metrics.dropout(Self.classify(reason)) }
        metrics.setSitesConnected(record.participants.count)
        guard record.round > 0 else { return }
        if record.abandoned {
            metrics.roundAbandoned(reason: Self.abandonLabel(record.abandonReason))
        } else {
            metrics.roundCompleted(record.round, duration: .nanoseconds(Int64((record.wallSeconds * 1e9).rounded())))
        }
    }

    /// The closed label set for a dropout's free-text reason (the round driver's wording).
    static func classify(_ reason: String) -> DropoutReason {
        if reason.hasPrefix("disconnected") { return .disconnected }
        if reason.hasPrefix("no answer") { return .timeout }
        if reason.hasPrefix("out-of-turn") { return .outOfTurn }
        if reason.hasPrefix("the site aborted") { return .siteError }
        if reason.contains("refused") { return .protocolViolation }
        if reason.contains("exceeds") && reason.contains("size") { return .oversized }
        return .malformed
    }

    /// A fixed label for an abandoned round.
    static func abandonLabel(_ reason: String?) -> String {
        guard let reason else { return "other" }
        if reason.contains("below") || reason.contains("threshold") { return "below_threshold" }
        if reason.contains("connected") || reason.contains("no site") { return "not_enough_sites" }
        return "other"
    }
}
