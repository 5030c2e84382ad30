import DifferentialPrivacy
import Sodium
import Testing

/// Fixed-seed outputs of the four additive mechanisms, recorded before they were moved onto
/// one shared grid release and one shared integer release: the refactor changed no output.
@Suite("Seeded mechanism outputs are stable")
struct SeededOutputTests {
    static func outputs() throws -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        let inputs: [Double] = [0, 1.5, -3.25, 1e6, -7e-3, 42]
        let integers: [Int64] = [0, 1, -5, 1_000_000, -42, 7]
        do {
            let mechanism = try GaussianMechanism(sigma: 2.5, sensitivity: 1.5)
            var rng = ChaChaRandom(seed: 11)
            var values = try inputs.map { value throws(DifferentialPrivacyError) in try mechanism.release(value, using: &rng) }
            var buffer = inputs
            try buffer.withUnsafeMutableBufferPointer { (pointer) throws(DifferentialPrivacyError) in try mechanism.addNoise(to: pointer, using: &rng) }
            values += buffer
            result["gaussian"] = values + [mechanism.sigma, mechanism.granularity, mechanism.largestExactMagnitude]
        }
        do {
            let mechanism = try LaplaceMechanism(scale: 0.75, sensitivity: 2)
            var rng = ChaChaRandom(seed: 12)
            var values = try inputs.map { value throws(DifferentialPrivacyError) in try mechanism.release(value, using: &rng) }
            var buffer = inputs
            try buffer.withUnsafeMutableBufferPointer { (pointer) throws(DifferentialPrivacyError) in try mechanism.addNoise(to: pointer, using: &rng) }
            values += buffer
            result["laplace"] = values + [mechanism.scale, mechanism.granularity, mechanism.largestExactMagnitude]
        }
        do {
            let mechanism = try DiscreteGaussianMechanism(sigma: 3.7, sensitivity: 2)
            var rng = ChaChaRandom(seed: 13)
            var values = try integers.map { value throws(DifferentialPrivacyError) in try mechanism.release(value, using: &rng) }
            var buffer = integers
            try buffer.withUnsafeMutableBufferPointer { (pointer) throws(DifferentialPrivacyError) in try mechanism.addNoise(to: pointer, using: &rng) }
            values += buffer
            result["discreteGaussian"] = values.map(Double.init) + [mechanism.sampler.sigma]
        }
        do {
            let mechanism = try DiscreteLaplaceMechanism(scale: 1.3, sensitivity: 1)
            var rng = ChaChaRandom(seed: 14)
            var values = try integers.map { value throws(DifferentialPrivacyError) in try mechanism.release(value, using: &rng) }
            var buffer = integers
            try buffer.withUnsafeMutableBufferPointer { (pointer) throws(DifferentialPrivacyError) in try mechanism.addNoise(to: pointer, using: &rng) }
            values += buffer
            result["discreteLaplace"] = values.map(Double.init) + [mechanism.sampler.scale]
        }
        return result
    }

    /// Recorded from the mechanisms before the refactor (commit 897471b), ChaCha20 seeds 11–14.
    static let recorded: [String: [Double]] = [
        "discreteGaussian": [-5.0, -5.0, -12.0, 999991.0, -43.0, 7.0, -2.0, 9.0, -8.0, 999999.0, -49.0, 5.0, 3.7001953125],
        "discreteLaplace": [-2.0, 1.0, -5.0, 999996.0, -42.0, 5.0, 5.0, 2.0, -3.0, 1000000.0, -42.0, 8.0, 1.2998046875],
        "gaussian": [1.7949905395507812, 1.5832405090332031, -6.5183868408203125, 999997.3685531616, 2.4362945556640625, 44.94969177246094, 1.0182418823242188, 1.7385978698730469, -1.3637619018554688, 999997.2078094482, 2.06207275390625, 42.41535949707031, 2.5, 3.814697265625e-06, 8796093022208.0],
        "laplace": [1.9134893417358398, 1.3008975982666016, -3.3586835861206055, 999999.8390035629, -1.7231855392456055, 42.4487190246582, 0.0202789306640625, 0.9884815216064453, -1.3495588302612305, 1000000.0063114166, 0.37056827545166016, 41.5166130065918, 0.75, 9.5367431640625e-07, 2199023255552.0],
    ]

    @Test func outputsMatchTheRecordedOnes() throws {
        let outputs = try Self.outputs()
        #expect(outputs.keys.sorted() == Self.recorded.keys.sorted())
        for (name, expected) in Self.recorded {
            #expect(outputs[name] == expected, "\(name)")
        }
    }
}
