import Foundation

/// The moments accountant (Abadi et al. 2016) in its Rényi form (Mironov 2017): a value
/// type holding an RDP curve over a fixed set of orders; composing an event adds its curve.
///
/// ```swift
/// var accountant = RDPAccountant()
/// try accountant.compose(.poissonSampled(rate: 0.01, event: .gaussian(noiseMultiplier: 1.1)), count: 10_000)
/// let guarantee = try accountant.epsilon(delta: 1e-5)  // ε, δ and the optimal order
/// ```
public struct RDPAccountant: PrivacyAccountant, Hashable, Sendable {
    /// `"rdp"`.
    public static let name = "rdp"

    /// What "neighbouring data sets" means; it decides which events can be accounted for,
    /// as in dp_accounting (Poisson sampling: add/remove; sampling without replacement:
    /// replace one; randomized response: either replace relation).
    public enum NeighboringRelation: String, Hashable, Sendable, Codable, CaseIterable {
        /// Data sets differ by adding or removing one record (the DP-SGD default).
        case addOrRemoveOne = "add_or_remove_one"
        /// Data sets of equal size differ in one record.
        case replaceOne = "replace_one"
        /// One record is replaced by a special "absent" value.
        case replaceSpecial = "replace_special"
    }

    /// dp_accounting's default orders: 1.1, 1.2, …, 10.9, then 11…63, 128, 256, 512, 1024.
    public static let defaultOrders: [Double] = {
        var orders: [Double] = (1...99).map { (x: Int) -> Double in 1 + Double(x) / 10 }
        orders += (11...63).map { (x: Int) -> Double in Double(x) }
        orders += [128, 256, 512, 1024]
        return orders
    }()

    /// The largest order accepted (the subsampled Gaussian costs O(α) per order; dp_accounting's
    /// largest default order is 1024).
    public static let maximumOrder = 100_000.0

    /// The Rényi orders α (all > 1), in the order given.
    public let orders: [Double]
    /// The neighbouring relation the curve is valid for.
    public let neighboringRelation: NeighboringRelation
    /// The composed RDP value at each order (same indices as ``orders``); +∞ is possible.
    public private(set) var rdp: [Double]

    /// An accountant with nothing composed yet.
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` if `orders` is empty
    ///   or holds a value outside (1, ``maximumOrder``].
    public init(orders: [Double] = RDPAccountant.defaultOrders, neighboringRelation: NeighboringRelation = .addOrRemoveOne) throws {
        guard !orders.isEmpty else {
            throw PrivacyAccountingError.invalidParameter(name: "orders", reason: "must not be empty")
        }
        for order in orders where !(order > 1 && order <= Self.maximumOrder) {
            throw PrivacyAccountingError.invalidParameter(
                name: "orders", reason: "every order must be in (1, \(Int(Self.maximumOrder))], got \(order)")
        }
        self.orders = orders
        self.neighboringRelation = neighboringRelation
        self.rdp = [Double](repeating: 0, count: orders.count)
    }

    /// The default accountant: default orders, add/remove-one relation.
    public init() {
        orders = Self.defaultOrders
        neighboringRelation = .addOrRemoveOne
        rdp = [Double](repeating: 0, count: orders.count)
    }

    /// Adds `count` runs of `event` to the curve. On error the accountant is unchanged.
    ///
    /// - Parameters:
    ///   - event: What ran.
    ///   - count: How many times (≥ 0).
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` for bad parameters,
    ///   ``PrivacyAccountingError/unsupportedEvent(event:reason:)`` for events without a sound
    ///   RDP bound here (e.g. Poisson sampling of a Laplace mechanism, or randomized response
    ///   under add/remove).
    public mutating func compose(_ event: PrivacyEvent, count: Int = 1) throws {
        guard count >= 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "count", reason: "must be >= 0, got \(count)")
        }
        try event.validate()
        // The same traversal twice: first only checking (so that a sub-event composed zero
        // times cannot hide an error and nothing is half-composed), then adding the curves.
        var unused: [Double]? = nil
        try traverse(event, multiplicity: Double(count), into: &unused)
        var increment: [Double]? = [Double](repeating: 0, count: orders.count)
        try traverse(event, multiplicity: Double(count), into: &increment)
        for k in rdp.indices { rdp[k] += increment![k] }
    }

    /// Whether ``compose(_:count:)`` accepts `event` (valid, and every sub-event has an RDP
    /// bound under ``neighboringRelation``); computes no curve.
    public func supports(_ event: PrivacyEvent) -> Bool {
        do {
            try event.validate()
            var unused: [Double]? = nil
            try traverse(event, multiplicity: 1, into: &unused)
            return true
        } catch {
            return false
        }
    }

    /// A copy with `count` runs of `event` composed.
    public func composing(_ event: PrivacyEvent, count: Int = 1) throws -> RDPAccountant {
        var copy = self
        try copy.compose(event, count: count)
        return copy
    }

    /// The RDP curve of `count` runs of `event` alone, at this accountant's orders.
    public func curve(of event: PrivacyEvent, count: Int = 1) throws -> [Double] {
        var fresh = self
        fresh.rdp = [Double](repeating: 0, count: orders.count)
        try fresh.compose(event, count: count)
        return fresh.rdp
    }

    /// The smallest ε (over the orders) such that everything composed so far is (ε, δ)-DP,
    /// by the tight conversion.
    ///
    /// - Parameter delta: δ in [0, 1).
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` unless 0 ≤ δ < 1.
    public func epsilon(delta: Double) throws -> PrivacyGuarantee {
        try epsilon(delta: delta, conversion: .tight)
    }

    /// The smallest δ (over the orders) such that everything composed so far is (ε, δ)-DP,
    /// by the tight conversion.
    ///
    /// - Parameter epsilon: ε ≥ 0, finite.
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` unless ε ≥ 0 is finite.
    public func delta(epsilon: Double) throws -> PrivacyGuarantee {
        try delta(epsilon: epsilon, conversion: .tight)
    }

    /// The smallest ε (over the orders) such that everything composed so far is (ε, δ)-DP.
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` unless 0 ≤ δ < 1.
    public func epsilon(delta: Double, conversion: RDPConversion) throws -> PrivacyGuarantee {
        guard delta.isFinite, delta >= 0, delta < 1 else {
            throw PrivacyAccountingError.invalidParameter(name: "delta", reason: "must be in [0, 1), got \(delta)")
        }
        return conversion.epsilon(orders: orders, rdp: rdp, delta: delta)
    }

    /// The smallest δ (over the orders) such that everything composed so far is (ε, δ)-DP.
    ///
    /// - Throws: ``PrivacyAccountingError/invalidParameter(name:reason:)`` unless ε ≥ 0 is finite.
    public func delta(epsilon: Double, conversion: RDPConversion) throws -> PrivacyGuarantee {
        guard epsilon.isFinite, epsilon >= 0 else {
            throw PrivacyAccountingError.invalidParameter(name: "epsilon", reason: "must be finite and >= 0, got \(epsilon)")
        }
        return conversion.delta(orders: orders, rdp: rdp, epsilon: epsilon)
    }

    // MARK: - Traversal

    private func unsupported(_ event: PrivacyEvent, _ reason: String) -> PrivacyAccountingError {
        .unsupportedEvent(event: event.description, reason: reason)
    }

    /// The one walk over the event tree: checks support of every sub-event and, when `result`
    /// is non-nil, adds `multiplicity` times its curve. Checking never skips a sub-event
    /// (even one composed zero times); adding skips sub-events with multiplicity 0.
    private func traverse(_ event: PrivacyEvent, multiplicity: Double, into result: inout [Double]?) throws {
        switch event {
        case .noOp:
            return
        case .nonPrivate:
            guard result != nil, multiplicity != 0 else { return }
            for k in result!.indices { result![k] = .infinity }
        case .selfComposed(let inner, let count):
            try traverse(inner, multiplicity: multiplicity * Double(count), into: &result)
        case .composed(let events):
            for inner in events { try traverse(inner, multiplicity: multiplicity, into: &result) }
        case .gaussian(let sigma):
            guard result != nil, multiplicity != 0 else { return }
            for k in orders.indices { result![k] += multiplicity * orders[k] / (2 * sigma * sigma) }
        case .discreteGaussian(let sigma, let sensitivity):
            guard result != nil, multiplicity != 0 else { return }
            // Canonne–Kamath–Steinke 2020 Prop. 5/Thm. 4: D_α ≤ αΔ²/(2σ²) (Δ²/(2σ²)-zCDP).
            let rho = sensitivity * sensitivity / (2 * sigma * sigma)
            for k in orders.indices { result![k] += multiplicity * rho * orders[k] }
        case .zeroConcentrated(let rho):
            guard result != nil, multiplicity != 0 else { return }
            for k in orders.indices { result![k] += multiplicity * rho * orders[k] }
        case .skellam(let mu, let l1, let l2):
            guard result != nil, multiplicity != 0 else { return }
            for k in orders.indices {
                result![k] += multiplicity * MechanismRDP.skellam(mu: mu, l1Sensitivity: l1, l2Sensitivity: l2, order: orders[k])
            }
        case .laplace(let scale, let sensitivity):
            guard result != nil, multiplicity != 0 else { return }
            let eps = sensitivity / scale
            for k in orders.indices { result![k] += multiplicity * MechanismRDP.laplace(epsilon: eps, order: orders[k]) }
        case .discreteLaplace(let scale, let sensitivity):
            guard result != nil, multiplicity != 0 else { return }
            let shift = sensitivity.rounded(.up)
            for k in orders.indices {
                result![k] += multiplicity * MechanismRDP.discreteLaplace(scale: scale, shift: shift, order: orders[k])
            }
        case .randomizedResponse(let p, let buckets):
            switch neighboringRelation {
            case .addOrRemoveOne:
                throw unsupported(event, "randomized response needs the replace_one or replace_special neighbouring relation")
            case .replaceOne:
                guard result != nil, multiplicity != 0 else { return }
                for k in orders.indices {
                    result![k] += multiplicity * MechanismRDP.randomizedResponseReplaceOne(p: p, k: buckets, order: orders[k])
                }
            case .replaceSpecial:
                guard result != nil, multiplicity != 0 else { return }
                for k in orders.indices {
                    result![k] += multiplicity * MechanismRDP.randomizedResponseReplaceSpecial(p: p, k: buckets, order: orders[k])
                }
            }
        case .poissonSampled(let rate, let inner):
            guard neighboringRelation != .replaceOne else {
                throw unsupported(event, "Poisson sampling needs the add_or_remove_one or replace_special neighbouring relation")
            }
            let sigma = try effectiveGaussianNoiseMultiplier(inner, within: event)
            guard result != nil, multiplicity != 0 else { return }
            guard sigma.isFinite else { return }  // No Gaussian inside: nothing released.
            SubsampledGaussian.rdp(q: rate, sigma: sigma, orders: orders, into: &result!, scale: multiplicity)
        case .sampledWithoutReplacement(let sourceSize, let sampleSize, let inner):
            guard neighboringRelation == .replaceOne else {
                throw unsupported(event, "sampling without replacement needs the replace_one neighbouring relation")
            }
            let sigma = try effectiveGaussianNoiseMultiplier(inner, within: event)
            guard result != nil, multiplicity != 0 else { return }
            guard sigma.isFinite else { return }
            let q = Double(sampleSize) / Double(sourceSize)
            for k in orders.indices {
                result![k] += multiplicity * SampledWithoutReplacementGaussian.rdp(q: q, sigma: sigma, order: orders[k])
            }
        }
    }

    /// Gaussians composed on the same sample are one Gaussian with σ = (Σ σᵢ⁻²)^{−1/2}
    /// (Mironov et al. 2019 §3); anything else under sampling is unsupported.
    private func effectiveGaussianNoiseMultiplier(_ event: PrivacyEvent, within outer: PrivacyEvent) throws -> Double {
        func inverseSquare(_ e: PrivacyEvent) throws -> Double {
            switch e {
            case .gaussian(let sigma): return 1 / (sigma * sigma)
            case .composed(let events): return try events.reduce(0) { $0 + (try inverseSquare($1)) }
            case .selfComposed(let inner, let count): return Double(count) * (try inverseSquare(inner))
            default:
                throw unsupported(outer, "the sampled event must be Gaussian (or compositions of Gaussians), found \(e)")
            }
        }
        let total = try inverseSquare(event)
        guard total > 0 else { return .infinity }
        return 1 / total.squareRoot()
    }
}
