import Foundation

/// ε over time for one or more event streams (or for a ledger's spends), rendered as
/// Markdown, JSON, CSV or an SVG plot.
public struct BudgetReport: Hashable, Sendable, Codable {
    /// One point of a curve: ε after `step` steps (or spends) at the report's δ.
    public struct Point: Hashable, Sendable, Codable {
        /// Steps (or spends) composed so far.
        public var step: Int
        /// ε at the report's δ (infinite after a non-private event; null in JSON).
        public var epsilon: Double
        /// The optimal Rényi order.
        public var optimalOrder: Double?

        enum CodingKeys: String, CodingKey {
            case step, epsilon
            case optimalOrder = "optimal_order"
        }

        /// A point.
        public init(step: Int, epsilon: Double, optimalOrder: Double?) {
            self.step = step
            self.epsilon = epsilon
            self.optimalOrder = optimalOrder
        }

        /// Writes an unbounded ε as null, as every PrivAgg JSON does (JSON has no infinity).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(step, forKey: .step)
            try container.encodeNullIfUnbounded(epsilon, forKey: .epsilon)
            try container.encodeIfPresent(optimalOrder, forKey: .optimalOrder)
        }

        /// Reads a point; a null ε is unbounded.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            step = try container.decode(Int.self, forKey: .step)
            epsilon = try container.decodeUnbounded(forKey: .epsilon)
            optimalOrder = try container.decodeIfPresent(Double.self, forKey: .optimalOrder)
        }
    }

    /// A labelled curve.
    public struct Series: Hashable, Sendable, Codable {
        /// Legend text.
        public var label: String
        /// The points, by increasing step.
        public var points: [Point]
    }

    /// A title for the report.
    public var title: String
    /// δ at which every ε is given.
    public var delta: Double
    /// The ε budget, drawn as a line when present.
    public var budgetEpsilon: Double?
    /// What the x axis counts ("steps" or "spends").
    public var stepName: String
    /// Which accountant computed the ε values and, for a ledger, which one governs its budget,
    /// as named in the Markdown text (derived from the coded fields, so it survives JSON).
    public var accountantDescription: String {
        let method = switch accountant {
        case .pld: "PLD accountant, upper estimate"
        case .rdp: "RDP accountant, tight conversion"
        case nil: otherAccountantName.map { "\($0) accountant" } ?? "RDP accountant, tight conversion"
        }
        guard let governingAccountant else { return method }
        return accountant == governingAccountant
            ? "\(method); it governs this ledger's budget"
            : "\(method); the ledger enforces its budget with the \(governingAccountant.rawValue.uppercased()) accountant"
    }
    /// For a ledger's report: the accountant that computed the ε values (`"rdp"` or `"pld"`);
    /// nil for reports of events (always RDP) and for accountants PrivAgg does not ship.
    public var accountant: AccountantKind?
    /// The name of an accountant PrivAgg does not ship that computed the values (not in JSON).
    var otherAccountantName: String?
    /// For a ledger's report: the accountant recorded in its header, which checks every spend
    /// against the budget (it may differ from ``accountant`` when recomputed with another).
    public var governingAccountant: AccountantKind?
    /// The curves.
    public var series: [Series]
    /// Per-point descriptions (a ledger's spend labels), shown by the tabular formats.
    public var labels: [String]?
    /// For a ledger's report: whether the file ended in a torn record (an interrupted spend,
    /// never acknowledged) that was dropped; nil for reports of events.
    public var tornRecordDropped: Bool?
    /// For a ledger's report: the bytes of that torn record (0 without one).
    public var tornRecordBytes: Int?

    enum CodingKeys: String, CodingKey {
        case title, delta, series, labels
        case budgetEpsilon = "budget_epsilon"
        case stepName = "step_name"
        case tornRecordDropped = "torn_record_dropped"
        case tornRecordBytes = "torn_record_bytes"
        case accountant
        case governingAccountant = "governing_accountant"
    }

    /// ε against steps for each `(label, event)` where `event` is ONE step, at `points` evenly
    /// spaced step counts up to `steps`.
    ///
    /// - Throws: the accountant's errors for invalid or unsupported events, and
    ///   ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad `steps`, `points` or δ.
    public init(
        title: String = "Privacy budget", events: [(label: String, event: PrivacyEvent)], steps: Int, delta: Double,
        points: Int = 50, budgetEpsilon: Double? = nil, orders: [Double] = RDPAccountant.defaultOrders
    ) throws {
        guard steps >= 1 else { throw PrivacyAccountingError.invalidParameter(name: "steps", reason: "must be >= 1, got \(steps)") }
        guard points >= 1 else { throw PrivacyAccountingError.invalidParameter(name: "points", reason: "must be >= 1, got \(points)") }
        try Self.checkDelta(delta)
        let accountant = try RDPAccountant(orders: orders)
        let stepCounts = Array(Set((1...min(points, steps)).map { max(1, steps * $0 / min(points, steps)) })).sorted()
        self.title = title
        self.delta = delta
        self.budgetEpsilon = budgetEpsilon
        self.stepName = "steps"
        labels = nil
        series = try events.map { label, event in
            let curve = try accountant.curve(of: event)
            // RDP composes linearly, so one curve serves every step count.
            let points = stepCounts.map { count in
                let guarantee = RDPConversion.tight.epsilon(orders: orders, rdp: curve.map { $0 * Double(count) }, delta: delta)
                return Point(step: count, epsilon: guarantee.epsilon, optimalOrder: guarantee.optimalOrder)
            }
            return Series(label: label, points: points)
        }
    }

    /// ε after each committed spend of a ledger, recomputed by composing the spends with the
    /// accountant that governs the ledger (recorded in its header: RDP for ledgers written
    /// before headers named one).
    ///
    /// - Parameters:
    ///   - contents: The ledger's header and committed entries.
    ///   - title: The report's title.
    /// - Throws: the accountant's errors (e.g. an event it cannot account for, named).
    public init(ledger contents: LedgerFile.Contents, title: String = "Privacy ledger") throws {
        let governing = try contents.header.accountant.makeAccountant(neighboringRelation: contents.header.neighboringRelation)
        try self.init(ledger: contents, title: title, accountant: governing)
    }

    /// The parts of a ledger's report that do not depend on the accountant; no points yet.
    init(ledgerHeaderOf contents: LedgerFile.Contents, title: String) {
        self.title = title
        delta = contents.header.delta
        budgetEpsilon = contents.header.epsilon
        stepName = "spends"
        series = [Series(label: "spent", points: [])]
        labels = contents.entries.map { $0.label ?? $0.event.description }
        tornRecordDropped = contents.hadTornRecord
        tornRecordBytes = contents.tornByteCount
        governingAccountant = contents.header.accountant
    }

    /// The sentence every format of a ledger report carries when a torn record was dropped.
    public var tornRecordNote: String? {
        guard tornRecordDropped == true else { return nil }
        return "The ledger ends in a torn record (\(tornRecordBytes ?? 0) bytes of an interrupted spend, never acknowledged); "
            + "it was dropped, and the spends reported are the committed ones."
    }

    private static func checkDelta(_ delta: Double) throws {
        guard delta.isFinite, delta > 0, delta < 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "delta", reason: "must be in (0, 1), got \(delta)")
        }
    }

    // MARK: - Tabular formats

    /// A Markdown document: title, δ, budget, and one table per series.
    public func markdown() -> String {
        var lines = ["# \(Self.markdownText(title))", "", "All ε at δ = \(Self.format(delta)) (\(accountantDescription))."]
        if let note = tornRecordNote { lines.append("**Warning:** " + note) }
        if let budgetEpsilon {
            let spent = series.first?.points.last?.epsilon ?? 0
            lines.append("Budget ε = \(Self.format(budgetEpsilon)); spent ε = \(Self.format(spent)); remaining ε = \(Self.format(max(0, budgetEpsilon - spent))).")
        }
        for s in series {
            lines += ["", "## \(Self.markdownText(s.label))", ""]
            if let labels {
                lines += ["| \(stepName) | label | ε | optimal order |", "|---:|---|---:|---:|"]
                for (point, label) in zip(s.points, labels) {
                    lines.append("| \(point.step) | \(Self.markdownText(label)) | \(Self.format(point.epsilon)) | \(Self.format(point.optimalOrder)) |")
                }
            } else {
                lines += ["| \(stepName) | ε | optimal order |", "|---:|---:|---:|"]
                for point in s.points {
                    lines.append("| \(point.step) | \(Self.format(point.epsilon)) | \(Self.format(point.optimalOrder)) |")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Pretty, key-sorted JSON of the whole report.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// CSV with a header: series, step, label, epsilon, delta, optimal_order.
    public func csv() -> String {
        var lines = ["series,\(stepName == "spends" ? "spend" : "step"),label,epsilon,delta,optimal_order"]
        for s in series {
            for (index, point) in s.points.enumerated() {
                let label = labels.map { index < $0.count ? $0[index] : "" } ?? ""
                lines.append([Self.csvField(s.label), String(point.step), Self.csvField(label), Self.format(point.epsilon),
                              Self.format(delta), Self.format(point.optimalOrder)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or
    /// a line break of any kind (Swift sees "\r\n" as one Character, so test the scalars).
    static func csvField(_ text: String) -> String {
        text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Free text (a spend's label, a title) as one line of Markdown that stays literal inside
    /// a table cell: backslashes and pipes escaped (an unescaped pipe starts a new cell), HTML
    /// special characters as entities, every line break as `<br>` (a raw newline would end
    /// the table row, and the rest of the label would become a paragraph) and other control
    /// characters as U+FFFD.
    static func markdownText(_ text: String) -> String {
        var result = ""
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { previousWasCarriageReturn = scalar == "\r" }
            switch scalar {
            case "\\": result += "\\\\"
            case "|": result += "\\|"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n" where previousWasCarriageReturn: continue  // CR LF is one break
            case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": result += "<br>"
            default:
                if scalar.properties.generalCategory == .control { result += "\u{FFFD}" } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    package static func format(_ value: Double?) -> String {
        guard let value else { return "" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int(value)) }
        return String(format: "%.6g", value)
    }
}
