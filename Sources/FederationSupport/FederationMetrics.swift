import Prometheus

/// Why a site left a round (the `reason` label of `privagg_federation_dropouts_total`). A
/// closed set, so a misbehaving site cannot create unbounded label values.
public enum DropoutReason: String, Sendable, CaseIterable {
    /// The site's connection closed or reset.
    case disconnected
    /// The site missed a stage's deadline.
    case timeout
    /// The site sent bytes that do not decode as the expected message.
    case malformed
    /// The site sent a message larger than the stage allows.
    case oversized
    /// The site sent a valid message at the wrong stage or round.
    case outOfTurn = "out_of_turn"
    /// The site's message decoded but failed a protocol check (signature, share, key binding).
    case protocolViolation = "protocol_violation"
    /// The site reported an error of its own (e.g. its privacy budget is spent).
    case siteError = "site_error"
}

/// The coordinator's Prometheus metrics (swift-server/swift-prometheus), served at `/metrics`
/// by ``MetricsEndpoint``:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `privagg_federation_rounds_completed_total` | counter | |
/// | `privagg_federation_rounds_abandoned_total` | counter | `reason` |
/// | `privagg_federation_last_completed_round` | gauge | |
/// | `privagg_federation_sites_connected` | gauge | |
/// | `privagg_federation_dropouts_total` | counter | `reason` (``DropoutReason``) |
/// | `privagg_federation_bytes_total` | counter | `direction` (`up`: site → coordinator, `down`), `site` |
/// | `privagg_federation_stage_duration_seconds` | histogram | `stage` |
/// | `privagg_federation_round_duration_seconds` | histogram | |
///
/// Site and stage labels come from the coordinator's own configuration (the admitted site
/// names, its stage names), never from message contents.
public final class FederationMetrics: Sendable {
    /// The registry the metrics live in (to add more, or to emit).
    public let registry: PrometheusCollectorRegistry

    /// Latency buckets, seconds: 1 ms to 10 min, roughly ×2.5 apart (stages on loopback take
    /// milliseconds; a SecAgg+ round of 1,000 clients × 10^5 parameters takes minutes).
    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60), .seconds(150), .seconds(300), .seconds(600),
    ]

    private let roundsCompleted: Counter
    private let lastCompletedRound: Gauge
    private let sitesConnected: Gauge
    private let roundDuration: DurationHistogram

    /// Metrics in `registry` (a new one by default).
    ///
    /// - Parameter registry: Where to register.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        roundsCompleted = registry.makeCounter(descriptor: Self.roundsCompletedDescriptor)
        lastCompletedRound = registry.makeGauge(descriptor: Self.lastCompletedRoundDescriptor)
        sitesConnected = registry.makeGauge(descriptor: Self.sitesConnectedDescriptor)
        roundDuration = registry.makeDurationHistogram(descriptor: Self.roundDurationDescriptor, buckets: Self.latencyBuckets)
    }

    /// Records a completed round.
    ///
    /// - Parameters:
    ///   - round: Its number (1-based); becomes `privagg_federation_last_completed_round`.
    ///   - duration: Its wall-clock duration.
    public func roundCompleted(_ round: Int, duration: Duration) {
        roundsCompleted.increment()
        lastCompletedRound.set(to: Double(round))
        roundDuration.record(duration)
    }

    /// Records an abandoned round (e.g. fewer survivors than the SecAgg threshold).
    ///
    /// - Parameter reason: A short fixed reason, e.g. `below_threshold`.
    public func roundAbandoned(reason: String) {
        registry.makeCounter(descriptor: Self.roundsAbandonedDescriptor, labels: [("reason", reason)]).increment()
    }

    /// Sets the number of sites currently connected.
    public func setSitesConnected(_ count: Int) {
        sitesConnected.set(to: Double(count))
    }

    /// Records a site dropped from a round.
    ///
    /// - Parameter reason: Why.
    public func dropout(_ reason: DropoutReason) {
        registry.makeCounter(descriptor: Self.dropoutsDescriptor, labels: [("reason", reason.rawValue)]).increment()
    }

    /// Records bytes received from a site (`up`) or sent to it (`down`), as measured at the
    /// transport.
    ///
    /// - Parameters:
    ///   - count: Bytes.
    ///   - site: The site's name (from its certificate).
    ///   - upload: True for site → coordinator.
    public func bytes(_ count: Int, site: String, upload: Bool) {
        guard count > 0 else { return }
        registry.makeCounter(descriptor: Self.bytesDescriptor, labels: [("direction", upload ? "up" : "down"), ("site", site)])
            .increment(by: Int64(count))
    }

    /// Records how long one stage of a round took.
    ///
    /// - Parameters:
    ///   - stage: The stage's name, e.g. `masked_input`.
    ///   - duration: Its duration.
    public func stage(_ stage: String, took duration: Duration) {
        registry.makeDurationHistogram(descriptor: Self.stageDurationDescriptor, labels: [("stage", stage)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    /// The metrics in Prometheus text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    private static func descriptor(_ name: String, unit: String? = nil, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "privagg", subsystem: "federation", metricName: name, unitName: unit ?? "", helpText: help)
    }

    static var roundsCompletedDescriptor: MetricNameDescriptor { descriptor("rounds_completed_total", help: "Rounds completed and checkpointed.") }
    static var roundsAbandonedDescriptor: MetricNameDescriptor { descriptor("rounds_abandoned_total", help: "Rounds abandoned, by reason.") }
    static var lastCompletedRoundDescriptor: MetricNameDescriptor { descriptor("last_completed_round", help: "Number of the last completed round.") }
    static var sitesConnectedDescriptor: MetricNameDescriptor { descriptor("sites_connected", help: "Sites with an open session.") }
    static var dropoutsDescriptor: MetricNameDescriptor { descriptor("dropouts_total", help: "Sites dropped from a round, by reason.") }
    static var bytesDescriptor: MetricNameDescriptor { descriptor("bytes_total", help: "Bytes on the wire per site; up = site to coordinator.") }
    static var stageDurationDescriptor: MetricNameDescriptor { descriptor("stage_duration", unit: "seconds", help: "Duration of each round stage.") }
    static var roundDurationDescriptor: MetricNameDescriptor { descriptor("round_duration", unit: "seconds", help: "Duration of each completed round.") }
}
