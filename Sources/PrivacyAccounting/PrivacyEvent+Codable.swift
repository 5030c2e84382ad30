import Foundation

/// The stable JSON form: an object with a snake_case `"type"` and the parameters as
/// snake_case keys; sub-events nest under `"event"` / `"events"`. Decoding validates.
extension PrivacyEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case type
        case noiseMultiplier = "noise_multiplier"
        case scale, sensitivity, sigma
        case noiseParameter = "noise_parameter"
        case buckets, rho
        case samplingRate = "sampling_rate"
        case sourceSize = "source_size"
        case sampleSize = "sample_size"
        case event, events, count, mu
        case l1Sensitivity = "l1_sensitivity"
        case l2Sensitivity = "l2_sensitivity"
    }

    /// The `"type"` tag of each case in the JSON form.
    public var typeName: String {
        switch self {
        case .noOp: "no_op"
        case .nonPrivate: "non_private"
        case .gaussian: "gaussian"
        case .laplace: "laplace"
        case .discreteLaplace: "discrete_laplace"
        case .discreteGaussian: "discrete_gaussian"
        case .randomizedResponse: "randomized_response"
        case .zeroConcentrated: "zero_concentrated"
        case .skellam: "skellam"
        case .poissonSampled: "poisson_sampled"
        case .sampledWithoutReplacement: "sampled_without_replacement"
        case .composed: "composed"
        case .selfComposed: "self_composed"
        }
    }

    /// Writes the stable JSON form (`"type"` plus snake_case parameters).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(typeName, forKey: .type)
        switch self {
        case .noOp, .nonPrivate:
            break
        case .gaussian(let sigma):
            try container.encode(sigma, forKey: .noiseMultiplier)
        case .laplace(let scale, let sensitivity), .discreteLaplace(let scale, let sensitivity):
            try container.encode(scale, forKey: .scale)
            try container.encode(sensitivity, forKey: .sensitivity)
        case .discreteGaussian(let sigma, let sensitivity):
            try container.encode(sigma, forKey: .sigma)
            try container.encode(sensitivity, forKey: .sensitivity)
        case .randomizedResponse(let p, let buckets):
            try container.encode(p, forKey: .noiseParameter)
            try container.encode(buckets, forKey: .buckets)
        case .zeroConcentrated(let rho):
            try container.encode(rho, forKey: .rho)
        case .skellam(let mu, let l1, let l2):
            try container.encode(mu, forKey: .mu)
            try container.encode(l1, forKey: .l1Sensitivity)
            try container.encode(l2, forKey: .l2Sensitivity)
        case .poissonSampled(let rate, let event):
            try container.encode(rate, forKey: .samplingRate)
            try container.encode(event, forKey: .event)
        case .sampledWithoutReplacement(let sourceSize, let sampleSize, let event):
            try container.encode(sourceSize, forKey: .sourceSize)
            try container.encode(sampleSize, forKey: .sampleSize)
            try container.encode(event, forKey: .event)
        case .composed(let events):
            try container.encode(events, forKey: .events)
        case .selfComposed(let event, let count):
            try container.encode(count, forKey: .count)
            try container.encode(event, forKey: .event)
        }
    }

    /// Reads the JSON form and validates it (see ``PrivacyEvent/validate()``); unknown types
    /// and invalid parameters are `DecodingError.dataCorrupted`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        let event: PrivacyEvent
        switch type {
        case "no_op": event = .noOp
        case "non_private": event = .nonPrivate
        case "gaussian": event = .gaussian(noiseMultiplier: try c.decode(Double.self, forKey: .noiseMultiplier))
        case "laplace":
            event = .laplace(scale: try c.decode(Double.self, forKey: .scale),
                             sensitivity: try c.decode(Double.self, forKey: .sensitivity))
        case "discrete_laplace":
            event = .discreteLaplace(scale: try c.decode(Double.self, forKey: .scale),
                                     sensitivity: try c.decode(Double.self, forKey: .sensitivity))
        case "discrete_gaussian":
            event = .discreteGaussian(sigma: try c.decode(Double.self, forKey: .sigma),
                                      sensitivity: try c.decode(Double.self, forKey: .sensitivity))
        case "randomized_response":
            event = .randomizedResponse(noiseParameter: try c.decode(Double.self, forKey: .noiseParameter),
                                        buckets: try c.decode(Int.self, forKey: .buckets))
        case "zero_concentrated": event = .zeroConcentrated(rho: try c.decode(Double.self, forKey: .rho))
        case "skellam":
            event = .skellam(mu: try c.decode(Double.self, forKey: .mu),
                             l1Sensitivity: try c.decode(Double.self, forKey: .l1Sensitivity),
                             l2Sensitivity: try c.decode(Double.self, forKey: .l2Sensitivity))
        case "poisson_sampled":
            event = .poissonSampled(rate: try c.decode(Double.self, forKey: .samplingRate),
                                    event: try c.decode(PrivacyEvent.self, forKey: .event))
        case "sampled_without_replacement":
            event = .sampledWithoutReplacement(sourceSize: try c.decode(Int.self, forKey: .sourceSize),
                                               sampleSize: try c.decode(Int.self, forKey: .sampleSize),
                                               event: try c.decode(PrivacyEvent.self, forKey: .event))
        case "composed": event = .composed(try c.decode([PrivacyEvent].self, forKey: .events))
        case "self_composed":
            event = .selfComposed(try c.decode(PrivacyEvent.self, forKey: .event),
                                  count: try c.decode(Int.self, forKey: .count))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown privacy event type \"\(type)\"")
        }
        do {
            try event.validate()
        } catch let error as PrivacyAccountingError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
        self = event
    }
}

extension PrivacyEvent: CustomStringConvertible {
    /// A compact human-readable form, e.g. `poisson_sampled(q=0.01, gaussian(σ=1.1)) × 1000`.
    public var description: String {
        switch self {
        case .noOp: "no_op"
        case .nonPrivate: "non_private"
        case .gaussian(let s): "gaussian(σ=\(s))"
        case .laplace(let b, let d): "laplace(b=\(b), Δ=\(d))"
        case .discreteLaplace(let b, let d): "discrete_laplace(b=\(b), Δ=\(d))"
        case .discreteGaussian(let s, let d): "discrete_gaussian(σ=\(s), Δ=\(d))"
        case .randomizedResponse(let p, let k): "randomized_response(p=\(p), k=\(k))"
        case .zeroConcentrated(let rho): "zcdp(ρ=\(rho))"
        case .skellam(let mu, let l1, let l2): "skellam(μ=\(mu), Δ₁=\(l1), Δ₂=\(l2))"
        case .poissonSampled(let q, let e): "poisson_sampled(q=\(q), \(e))"
        case .sampledWithoutReplacement(let n, let m, let e): "sampled_without_replacement(\(m) of \(n), \(e))"
        case .composed(let es): "composed[" + es.map(\.description).joined(separator: ", ") + "]"
        case .selfComposed(let e, let n): "\(e) × \(n)"
        }
    }
}
