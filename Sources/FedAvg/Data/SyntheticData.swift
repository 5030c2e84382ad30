import Foundation
import Sodium

/// A synthetic federated classification task for scaling runs: n clients, d features, and
/// label skew drawn from a Dirichlet distribution.
///
/// Client i's share of positive labels is p_i ~ Beta(α, α) (the two-class Dirichlet), so a
/// small α gives clients that see mostly one class. A record with label y has features
/// x ~ N(±μ·u, I) with a shared unit direction u and μ = 1, so the Bayes-optimal classifier is
/// linear and the same at every client.
public enum SyntheticData {
    /// Generates `count` clients (named `client-<i>`), each with `recordsPerClient` records
    /// split 80/20 into train and test parts (stratified).
    ///
    /// - Throws: ``FedAvgError/invalidParameter(name:reason:)`` for non-positive sizes or α.
    public static func clients(
        count: Int, dimension: Int, recordsPerClient: Int = 100, labelSkew alpha: Double = 1, seed: UInt64
    ) throws -> [SiteClient] {
        guard count >= 1 else { throw FedAvgError.invalidParameter(name: "clients", reason: "must be at least 1, got \(count)") }
        guard dimension >= 1 else { throw FedAvgError.invalidParameter(name: "dimension", reason: "must be at least 1, got \(dimension)") }
        guard recordsPerClient >= 10 else {
            throw FedAvgError.invalidParameter(name: "recordsPerClient", reason: "must be at least 10, got \(recordsPerClient)")
        }
        guard alpha.isFinite, alpha > 0 else { throw FedAvgError.invalidParameter(name: "labelSkew", reason: "must be finite and > 0, got \(alpha)") }
        var shared = ChaChaRandom(seed: seed ^ 0x5917_7E71)
        var direction = (0..<dimension).map { _ in normal(&shared) }
        let norm = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        direction = direction.map { $0 / max(norm, 1e-12) }
        return (0..<count).map { index in
            var generator = ChaChaRandom(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let first = gamma(alpha, &generator), second = gamma(alpha, &generator)
            let positiveShare = first / max(first + second, .leastNormalMagnitude)
            var features = [Double](repeating: 0, count: recordsPerClient * dimension)
            var labels = [Double](repeating: 0, count: recordsPerClient)
            for row in 0..<recordsPerClient {
                let label: Double = unitInterval(&generator) < positiveShare ? 1 : 0
                labels[row] = label
                let sign = label > 0.5 ? 1.0 : -1.0
                for column in 0..<dimension { features[row * dimension + column] = sign * direction[column] + normal(&generator) }
            }
            let records = LocalDataset(features: features, labels: labels, dimension: dimension)
            let split = StratifiedSplit.indices(labels: labels, testFraction: 0.2, using: &generator)
            return SiteClient(name: "client-\(index)", training: records.subset(split.train), test: records.subset(split.test))
        }
    }

    /// A standard normal draw (Box–Muller); synthetic data, not privacy noise.
    private static func normal<R: RandomNumberGenerator>(_ generator: inout R) -> Double {
        let u1 = (Double(generator.next() >> 11) + 0.5) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * unitInterval(&generator))
    }

    /// A Gamma(α, 1) draw (Marsaglia–Tsang, boosted for α < 1).
    private static func gamma<R: RandomNumberGenerator>(_ alpha: Double, _ generator: inout R) -> Double {
        if alpha < 1 {
            let u = (Double(generator.next() >> 11) + 0.5) * 0x1p-53
            return gamma(alpha + 1, &generator) * pow(u, 1 / alpha)
        }
        let d = alpha - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = normal(&generator)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = (Double(generator.next() >> 11) + 0.5) * 0x1p-53
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }
}
