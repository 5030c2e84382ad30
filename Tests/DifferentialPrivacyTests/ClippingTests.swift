import DifferentialPrivacy
import Foundation
import Testing

@Suite struct ClippingTests {
    @Test func l2ClipScalesDownToTheBoundKeepingDirection() throws {
        var values = [3.0, 4.0]
        #expect(try Clipping.clip(&values, norm: .l2, bound: 1))
        let norm = (values[0] * values[0] + values[1] * values[1]).squareRoot()
        #expect(norm <= 1 && norm > 1 - 1e-12)
        #expect(abs(values[0] / values[1] - 0.75) < 1e-12)
        let inside = try Clipping.clipped([0.3, 0.4], norm: .l2, bound: 1)
        #expect(!inside.wasClipped && inside.values == [0.3, 0.4] && abs(inside.originalNorm - 0.5) < 1e-15)
    }

    @Test func l1AndPerCoordinateClip() throws {
        let l1 = try Clipping.clipped([1, -3, 4], norm: .l1, bound: 2)
        #expect(l1.wasClipped && l1.originalNorm == 8)
        #expect(l1.values.reduce(0) { $0 + abs($1) } <= 2)
        #expect(abs(l1.values[1] + 0.75) < 1e-12)
        let box = try Clipping.clipped([0.5, -7, 9], norm: .perCoordinate, bound: 1)
        #expect(box.wasClipped && box.values == [0.5, -1, 1] && box.originalNorm == 9)
    }

    /// Random vectors of many sizes and scales: the clipped norm never exceeds the bound.
    @Test func clippedNormNeverExceedsBound() throws {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) * 0x1p-53 - 0.5 }
        for trial in 0..<200 {
            let scale = pow(10, Double(trial % 40) - 10)
            var values = (0..<(1 + trial * 37 % 1000)).map { _ in next() * scale }
            for norm in [Clipping.Norm.l2, .l1] {
                var copy = values
                try Clipping.clip(&copy, norm: norm, bound: 0.01)
                let after = try copy.withUnsafeBufferPointer { try Clipping.norm(of: $0, norm) }
                #expect(after <= 0.01)
            }
            values[0] = 0
        }
    }

    @Test func hugeEntriesDoNotOverflow() throws {
        let result = try Clipping.clipped([1e300, 1e300], norm: .l2, bound: 1)
        #expect(result.originalNorm.isFinite && result.wasClipped)
        #expect(abs(result.values[0] - 0.5.squareRoot()) < 1e-12)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteInputThrowsAndLeavesVectorUntouched(bad: Double) {
        var values = [1.0, bad, 2.0]
        #expect(throws: DifferentialPrivacyError.nonFiniteValue(index: 1)) { try Clipping.clip(&values, norm: .l2, bound: 1) }
        #expect(values[0] == 1 && values[2] == 2)
        #expect(thrownPrivacyError { try Clipping.clipped([1], norm: .l1, bound: 0) }?.invalidParameterName == "bound")
        #expect(thrownPrivacyError { try Clipping.clipped([1], norm: .perCoordinate, bound: .infinity) }?.invalidParameterName == "bound")
    }
}

@Suite struct SensitivityTests {
    @Test func sumsAndMeans() throws {
        #expect(try Sensitivity.sumOfClippedVectors(clipNorm: 1.5, neighbouring: .addRemove) == 1.5)
        #expect(try Sensitivity.sumOfClippedVectors(clipNorm: 1.5, neighbouring: .replaceOne) == 3)
        #expect(try Sensitivity.meanOfClippedVectors(clipNorm: 2, count: 100, neighbouring: .replaceOne) == 0.04)
        #expect(try Sensitivity.sumOfBoundedScalars(lower: -1, upper: 3, neighbouring: .addRemove) == 3)
        #expect(try Sensitivity.sumOfBoundedScalars(lower: -1, upper: 3, neighbouring: .replaceOne) == 4)
        #expect(try Sensitivity.meanOfBoundedScalars(lower: 0, upper: 1, count: 10, neighbouring: .addRemove) == 0.1)
        let histogram = try Sensitivity.contributionBounded(partitions: 4, perPartition: 2, neighbouring: .addRemove)
        #expect(histogram.l1 == 8 && histogram.l2 == 4)
    }

    @Test func badInputThrows() {
        #expect(thrownPrivacyError { try Sensitivity.sumOfClippedVectors(clipNorm: 0, neighbouring: .addRemove) }?.invalidParameterName == "clipNorm")
        #expect(thrownPrivacyError { try Sensitivity.meanOfClippedVectors(clipNorm: 1, count: 0, neighbouring: .addRemove) }?.invalidParameterName == "count")
        #expect(thrownPrivacyError { try Sensitivity.sumOfBoundedScalars(lower: 2, upper: 1, neighbouring: .addRemove) }?.invalidParameterName == "bounds")
        #expect(thrownPrivacyError { try Sensitivity.contributionBounded(partitions: 0, perPartition: 1, neighbouring: .addRemove) }?.invalidParameterName == "partitions")
    }
}
