import Foundation
import Testing
@testable import PrivacyAccounting

@Suite struct PrivacyEventTests {
    static let sample: PrivacyEvent = .composed([
        .selfComposed(.poissonSampled(rate: 0.01, event: .gaussian(noiseMultiplier: 1.1)), count: 1000),
        .laplace(scale: 2, sensitivity: 1),
        .discreteLaplace(scale: 3, sensitivity: 2),
        .discreteGaussian(sigma: 3, sensitivity: 1),
        .randomizedResponse(noiseParameter: 0.5, buckets: 4),
        .zeroConcentrated(rho: 0.25),
        .sampledWithoutReplacement(sourceSize: 100, sampleSize: 10, event: .gaussian(noiseMultiplier: 2)),
        .noOp,
        .nonPrivate,
    ])

    @Test func jsonRoundTripPreservesEveryCase() throws {
        let data = try JSONEncoder().encode(Self.sample)
        #expect(try JSONDecoder().decode(PrivacyEvent.self, from: data) == Self.sample)
    }

    @Test func jsonFormIsStableAndReadable() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let event = PrivacyEvent.dpSGD(samplingRate: 0.01, noiseMultiplier: 1.5, steps: 10)
        let text = String(decoding: try encoder.encode(event), as: UTF8.self)
        #expect(text == #"{"count":10,"event":{"event":{"noise_multiplier":1.5,"type":"gaussian"},"sampling_rate":0.01,"type":"poisson_sampled"},"type":"self_composed"}"#)
    }

    @Test func decodingRejectsUnknownTypesAndInvalidParameters() {
        // Each document with the start of the dataCorrupted description that names its fault.
        let bad = [
            (#"{"type":"gaussian","noise_multiplier":-1}"#, "invalid noise_multiplier:"),
            (#"{"type":"poisson_sampled","sampling_rate":1.5,"event":{"type":"gaussian","noise_multiplier":1}}"#, "invalid sampling_rate:"),
            (#"{"type":"sampled_without_replacement","source_size":5,"sample_size":6,"event":{"type":"no_op"}}"#, "invalid sample_size:"),
            (#"{"type":"self_composed","count":-2,"event":{"type":"no_op"}}"#, "invalid count:"),
            (#"{"type":"teleport"}"#, #"unknown privacy event type "teleport""#),
        ]
        for (text, fault) in bad {
            let error = #expect(throws: DecodingError.self) { try JSONDecoder().decode(PrivacyEvent.self, from: Data(text.utf8)) }
            guard case .dataCorrupted(let context)? = error else {
                Issue.record("expected dataCorrupted for \(text), got \(String(describing: error))")
                continue
            }
            #expect(context.debugDescription.hasPrefix(fault), "\(context.debugDescription)")
        }
    }

    @Test func validationNamesTheBadParameter() {
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "noise_multiplier", reason: "must be finite and > 0, got nan")) {
            try PrivacyEvent.gaussian(noiseMultiplier: .nan).validate()
        }
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "scale", reason: "must be finite and > 0, got 0.0")) {
            try PrivacyEvent.composed([.noOp, .laplace(scale: 0, sensitivity: 1)]).validate()
        }
        #expect(throws: Never.self) { try Self.sample.validate() }
    }

    @Test func epsilonRandomizedResponseHasTheRequestedLikelihoodRatio() throws {
        let event = try PrivacyEvent.randomizedResponse(epsilon: 1, buckets: 2)
        guard case .randomizedResponse(let p, let k) = event else { Issue.record("wrong case"); return }
        let truthful = 1 - p + p / Double(k), other = p / Double(k)
        #expect(abs(log(truthful / other) - 1) < 1e-12)
        #expect(throws: PrivacyAccountingError.invalidParameter(name: "epsilon", reason: "must be finite and > 0, got 0.0")) { try PrivacyEvent.randomizedResponse(epsilon: 0, buckets: 2) }
    }
}
