import DifferentialPrivacy
import Sodium
import Testing

/// Every release path refuses NaN, ±∞ and values beyond its exact range with a typed error
/// and leaves vectors untouched (issue 13, item 5): nothing is clamped, saturated or passed
/// through without noise.
@Suite("Mechanisms refuse what they cannot release")
struct ReleaseRefusalTests {
    static let nonFinite: [Double] = [.infinity, -.infinity, .nan]

    /// The grid mechanisms at several scales: NaN/±∞ → nonFiniteValue, 1e300 and the
    /// value just beyond the edge → valueOutOfRange, the edge itself released on the grid.
    @Test(arguments: [1e-3, 1.0, 4.0, 1e6])
    func gridMechanismsRefuseNonFiniteAndOutOfGridValues(scale: Double) throws {
        let gaussian = try GaussianMechanism(sigma: scale)
        let laplace = try LaplaceMechanism(scale: scale)
        #expect(gaussian.largestExactMagnitude == 0x1p61 * gaussian.granularity)
        for (name, edge, release) in [
            ("gaussian", gaussian.largestExactMagnitude, { (x: Double, rng: inout ChaChaRandom) throws(DifferentialPrivacyError) in try gaussian.release(x, using: &rng) }),
            ("laplace", laplace.largestExactMagnitude, { (x: Double, rng: inout ChaChaRandom) throws(DifferentialPrivacyError) in try laplace.release(x, using: &rng) }),
        ] {
            var rng = ChaChaRandom(seed: 5)
            for value in Self.nonFinite {
                #expect(throws: DifferentialPrivacyError.nonFiniteValue(index: 0), "\(name) \(value)") { try release(value, &rng) }
            }
            let range = -edge...edge
            for value in [1e300, -1e300, edge.nextUp, -edge.nextUp, .greatestFiniteMagnitude] {
                #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 0, range: range), "\(name) \(value)") {
                    try release(value, &rng)
                }
            }
            // The largest valid value is released, with noise, on the grid.
            for value in [edge, -edge] {
                let released = try release(value, &rng)
                #expect(released.isFinite && abs(released - value) < 100 * scale, "\(name) \(value) → \(released)")
            }
        }
    }

    /// The issue's reproduction: σ = 1 released 1e300 as about 2^43 without a word.
    @Test func gaussianSigmaOneRefusesTheIssuesValues() throws {
        let mechanism = try GaussianMechanism(sigma: 1)
        var rng = ChaChaRandom(seed: 1)
        #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 0, range: -0x1p42...0x1p42)) {
            try mechanism.release(1e300, using: &rng)
        }
        #expect(throws: DifferentialPrivacyError.nonFiniteValue(index: 0)) { try mechanism.release(.infinity, using: &rng) }
        #expect(throws: DifferentialPrivacyError.nonFiniteValue(index: 0)) { try mechanism.release(.nan, using: &rng) }
        #expect(abs(try mechanism.release(0x1p42, using: &rng) - 0x1p42) < 20)
    }

    /// Vector forms check every element before adding any noise: a refused vector is
    /// unchanged, the error names the first bad index, and the copying form agrees.
    @Test func gridVectorFormsAreAllOrNothing() throws {
        let gaussian = try GaussianMechanism(sigma: 2)
        let laplace = try LaplaceMechanism(scale: 2)
        let edge = gaussian.largestExactMagnitude
        var rng = ChaChaRandom(seed: 8)
        for (bad, error) in [
            (Double.nan, DifferentialPrivacyError.nonFiniteValue(index: 2)),
            (.infinity, .nonFiniteValue(index: 2)),
            (-.infinity, .nonFiniteValue(index: 2)),
            (1e300, .valueOutOfRange(index: 2, range: -edge...edge)),
            (edge.nextUp, .valueOutOfRange(index: 2, range: -edge...edge)),
        ] {
            // 300 elements so SecureRandom would take the bulk keystream path too.
            let original = [0.5, -1.5, bad] + [Double](repeating: 3, count: 300)
            var inPlace = original
            #expect(throws: error) { try gaussian.addNoise(to: &inPlace, using: &rng) }
            #expect(inPlace.elementsEqual(original) { $0 == $1 || ($0.isNaN && $1.isNaN) })
            #expect(throws: error) { try laplace.addNoise(to: &inPlace, using: &rng) }
            #expect(throws: error) { _ = try gaussian.release(original, using: &rng) }
            var secure = SecureRandom()
            #expect(throws: error) { try gaussian.addNoise(to: &inPlace, using: &secure) }
            #expect(inPlace.elementsEqual(original) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        }
        var atEdge = [edge, -edge, 0]
        try gaussian.addNoise(to: &atEdge, using: &rng)
        #expect(abs(atEdge[0] - edge) < 40 && abs(atEdge[1] + edge) < 40)
    }

    /// The integer mechanisms release |value| ≤ 2^62 and refuse anything larger (they
    /// saturated at Int64's edge before), in scalar and vector form.
    @Test func integerMechanismsRefuseValuesBeyondTwoToTheSixtyTwo() throws {
        let range = -0x1p62...0x1p62
        let edge: Int64 = 1 << 62
        let mechanisms: [(String, (Int64, inout ChaChaRandom) throws(DifferentialPrivacyError) -> Int64,
                          (inout [Int64], inout ChaChaRandom) throws(DifferentialPrivacyError) -> Void)] = [
            ("discrete Gaussian", { x, rng throws(DifferentialPrivacyError) in try DiscreteGaussianMechanism(sigma: 5).release(x, using: &rng) },
             { v, rng throws(DifferentialPrivacyError) in try DiscreteGaussianMechanism(sigma: 5).addNoise(to: &v, using: &rng) }),
            ("discrete Laplace", { x, rng throws(DifferentialPrivacyError) in try DiscreteLaplaceMechanism(scale: 5).release(x, using: &rng) },
             { v, rng throws(DifferentialPrivacyError) in try DiscreteLaplaceMechanism(scale: 5).addNoise(to: &v, using: &rng) }),
            ("Skellam", { x, rng throws(DifferentialPrivacyError) in try SkellamMechanism(mu: 25).release(x, using: &rng) },
             { v, rng throws(DifferentialPrivacyError) in try SkellamMechanism(mu: 25).addNoise(to: &v, using: &rng) }),
        ]
        var rng = ChaChaRandom(seed: 13)
        for (name, release, addNoise) in mechanisms {
            for value in [Int64.max, .min, edge + 1, -edge - 1] {
                #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 0, range: range), "\(name) \(value)") {
                    try release(value, &rng)
                }
            }
            for value in [edge, -edge, 0] {
                #expect(abs(try release(value, &rng) - value) < 1000, "\(name) \(value)")
            }
            var vector: [Int64] = [1, 2, 3, .max]
            #expect(throws: DifferentialPrivacyError.valueOutOfRange(index: 3, range: range), "\(name)") { try addNoise(&vector, &rng) }
            #expect(vector == [1, 2, 3, .max])
        }
        #expect(try DiscreteGaussianMechanism(sigma: 5).largestExactMagnitude == edge)
    }
}
