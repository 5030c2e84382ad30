import Foundation
import Testing
@testable import PrivacyAccounting

/// PrivAgg's own real FFT and the convolutions built on it, against direct summation.
@Suite struct RealFFTTests {
    static func direct(_ a: [Double], _ b: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: a.count + b.count - 1)
        for i in a.indices { for j in b.indices { result[i + j] += a[i] * b[j] } }
        return result
    }

    static func randomPMF(_ n: Int, seed: UInt64) -> [Double] {
        var state = seed
        var values = (0..<n).map { _ -> Double in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let total = values.reduce(0, +)
        for i in values.indices { values[i] /= total }
        return values
    }

    @Test(arguments: [4, 8, 64, 1024, 1 << 14])
    func roundTripAndKnownSpectrum(length: Int) throws {
        let plan = RealFFT(count: length)
        let input = Self.randomPMF(length, seed: UInt64(length))
        var re = [Double](repeating: 0, count: length / 2 + 1), im = re
        input.withUnsafeBufferPointer { plan.forward($0, re: &re, im: &im) }
        // Bin 0 is the sum, bin N/2 the alternating sum, and bin 1 the DFT by definition.
        #expect(abs(re[0] - 1) < 1e-12 && im[0] == 0)
        let alternating = input.enumerated().reduce(0.0) { $0 + ($1.offset % 2 == 0 ? $1.element : -$1.element) }
        #expect(abs(re[length / 2] - alternating) < 1e-12)
        var r1 = 0.0, i1 = 0.0
        for (k, x) in input.enumerated() {
            r1 += x * cos(-2 * Double.pi * Double(k) / Double(length))
            i1 += x * sin(-2 * Double.pi * Double(k) / Double(length))
        }
        #expect(abs(re[1] - r1) < 1e-12 && abs(im[1] - i1) < 1e-12)
        var output = [Double](repeating: 0, count: length)
        plan.inverse(re: &re, im: &im, output: &output)
        for k in 0..<length { #expect(abs(output[k] - input[k]) < 1e-15) }
    }

    @Test func fftConvolutionAndSelfCompositionMatchDirectSums() throws {
        let a = Self.randomPMF(700, seed: 1), b = Self.randomPMF(600, seed: 2)
        let x = PrivacyLossPMF(step: 0.01, lowerIndex: -300, probabilities: a, infinityMass: 0)
        let y = PrivacyLossPMF(step: 0.01, lowerIndex: 5, probabilities: b, infinityMass: 0)
        let composed = try #require(x.composed(with: y, truncation: 0))
        let expected = Self.direct(a, b)
        #expect(composed.lowerIndex == -295 && composed.probabilities.count == expected.count)
        for k in expected.indices { #expect(abs(composed.probabilities[k] - expected[k]) < 1e-15) }
        // Three copies by one FFT power, without truncation, against two direct convolutions
        // (finite mass 0.99 each, 0.01 on an infinite loss).
        let small = Self.randomPMF(90, seed: 3)
        let three = try #require(PrivacyLossPMF(step: 0.01, lowerIndex: -10, probabilities: small.map { $0 * 0.99 }, infinityMass: 0.01)
            .selfComposed(3, truncation: 0))
        let direct = Self.direct(Self.direct(small, small), small)
        #expect(three.lowerIndex == -30 && three.probabilities.count == direct.count)
        for k in direct.indices { #expect(abs(three.probabilities[k] - direct[k] * pow(0.99, 3)) < 1e-15) }
        #expect(abs(three.infinityMass - (1 - pow(0.99, 3))) < 1e-15)
    }
}
