import Foundation

/// Writes a federated run's report: `report.json` (the whole ``FederationRun``) and
/// `report.md` (a table per round with accuracy, participation, dropouts, bytes on the wire
/// per site and stage latencies).
public enum FederationReportWriter {
    /// Writes both files into `folder` (created if needed).
    ///
    /// - Throws: file-system errors.
    public static func write(_ run: FederationRun, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(json(run).utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("report.json"), options: .atomic)
        try Data(markdown(run).utf8).write(to: URL(fileURLWithPath: folder).appendingPathComponent("report.md"), options: .atomic)
    }

    /// The run as JSON (sorted keys, pretty-printed).
    ///
    /// - Throws: `EncodingError` (not for runs this module makes).
    public static func json(_ run: FederationRun) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(run), as: UTF8.self) + "\n"
    }

    /// The run as Markdown.
    public static func markdown(_ run: FederationRun) -> String {
        var lines = [
            "# Federated run over gRPC", "",
            "Sites: \(run.sites.joined(separator: ", ")). Aggregator: \(run.aggregator). Privacy: \(run.privacy). Model: \(run.model). Rounds: \(run.rounds) (from round \(run.firstRound)).",
            "",
            "Bytes are gRPC message bytes measured at the coordinator's transport (protobuf encoding plus the 5-byte gRPC prefix; HTTP/2 and TLS framing not included), summed over the round.",
            "",
            "| Round | Accuracy | Loss | Included | Dropped | Up (bytes, mean/site) | Down (bytes, mean/site) | Wall (s) | Stages (s) |",
            "|---:|---:|---:|---:|---|---:|---:|---:|---|",
        ]
        for record in run.records {
            let up = record.bytesUp.isEmpty ? 0 : record.bytesUp.values.reduce(0, +) / record.bytesUp.count
            let down = record.bytesDown.isEmpty ? 0 : record.bytesDown.values.reduce(0, +) / record.bytesDown.count
            let dropped = record.dropouts.isEmpty ? (record.abandoned ? "abandoned: \(record.abandonReason ?? "")" : "–")
                : record.dropouts.keys.sorted().map { "\($0) (\(record.dropouts[$0]!))" }.joined(separator: "; ")
                    + (record.abandoned ? "; abandoned: \(record.abandonReason ?? "")" : "")
            let stages = record.stageSeconds.map { String(format: "%@ %.3f", $0.stage as NSString, $0.seconds) }.joined(separator: ", ")
            lines.append(String(
                format: "| %@ | %@ | %@ | %d/%d | %@ | %d | %d | %.3f | %@ |",
                record.round == 0 ? "0 (standardization)" : "\(record.round)" as NSString,
                (record.accuracy.map { String(format: "%.4f", $0) } ?? "–") as NSString,
                (record.loss.map { String(format: "%.4f", $0) } ?? "–") as NSString,
                record.included.count, record.participants.count, dropped.replacingOccurrences(of: "|", with: "/") as NSString,
                up, down, record.wallSeconds, stages as NSString))
        }
        if let reason = run.stopReason { lines += ["", "Stopped: \(reason)."] }
        if let epsilon = run.coordinatorEpsilon {
            lines += ["", String(format: "Coordinator's ledger (central mode, client level): ε spent %.3f (%@).", epsilon, run.coordinatorLedgerPath ?? "")]
        }
        lines += ["", "What the coordinator saw: each site's name, record count and feature count (Join), its contributions"
            + (run.aggregator == "plain" ? " in the clear (the plain aggregator)"
                : run.aggregator == "paillier" ? " as Paillier ciphertexts under the sites' shared key, which it multiplied without the private key, and the sum the sites decrypted"
                : " as masked vectors, from which it learned only the sum of the included sites")
            + ", and its evaluation counts on its own test records. It never saw a record, a site's noise, keys or ledger."]
        return lines.joined(separator: "\n") + "\n"
    }
}
