import Sodium

/// Maps real vectors into Z_{2^b} so that the sum of n clients' vectors never wraps.
///
/// Each coordinate is clipped to [−c, c], shifted to [0, 2c] and scaled to the integer
/// grid {0, …, L} with L = 2^(b − h) − 1 levels and h = ⌈log2 n⌉ bits of headroom, so a
/// sum of n quantized values is at most n·L < 2^b. Rounding is stochastic (round up with
/// probability equal to the fractional part), which makes every quantized value an
/// unbiased estimate of the clipped one.
///
/// **Error bound.** With scale s = L / (2c), each client's quantized coordinate differs
/// from s·(x̃ + c) by less than 1 (x̃ the clipped value), so the dequantized sum of k ≤ n
/// contributions differs from the sum of the clipped inputs by less than k / s = 2ck / L
/// per coordinate (`errorBound(contributors:)`), and equals it in expectation. Clipping
/// adds |x − x̃| for inputs outside [−c, c]. Because the grid is computed in `Double`,
/// at most 2^52 levels are used even when b − h is larger.
public struct Quantizer: Sendable, Hashable {
    /// The clipping bound c: inputs are clipped to [−c, c].
    public let clippingBound: Double
    /// The bit width b of the ring the quantized values live in.
    public let bitWidth: Int
    /// The largest number n of vectors that may be summed.
    public let clientCount: Int
    /// The headroom h = ⌈log2 n⌉.
    public let headroomBits: Int
    /// The top of the integer grid, L = 2^min(b − h, 52) − 1.
    public let levels: UInt64

    /// Grid points per unit of input, s = L / (2c).
    public var scale: Double { Double(levels) / (2 * clippingBound) }

    /// Validates that c is positive and finite and that b leaves at least one bit after headroom.
    public init(clippingBound: Double, bitWidth: Int = 32, clientCount: Int) throws(SecAggError) {
        guard clippingBound.isFinite, clippingBound > 0 else {
            throw .invalidParameter(name: "clippingBound", reason: "clipping bound must be positive and finite, got \(clippingBound)")
        }
        guard (1...ModularVector.maximumBitWidth).contains(bitWidth) else {
            throw .invalidParameter(name: "bitWidth", reason: "bit width must be in 1...\(ModularVector.maximumBitWidth), got \(bitWidth)")
        }
        guard clientCount >= 1 else { throw .invalidParameter(name: "clientCount", reason: "client count must be at least 1, got \(clientCount)") }
        let headroom = Self.headroomBits(for: clientCount)
        guard bitWidth - headroom >= 1 else {
            throw .invalidParameter(name: "bitWidth", reason: "\(bitWidth) bits leave no room for values after \(headroom) bits of headroom for \(clientCount) clients")
        }
        self.clippingBound = clippingBound
        self.bitWidth = bitWidth
        self.clientCount = clientCount
        headroomBits = headroom
        levels = (UInt64(1) << UInt64(min(bitWidth - headroom, 52))) - 1
    }

    /// ⌈log2 n⌉: the bits a sum of n values of b − h bits needs beyond them.
    public static func headroomBits(for clientCount: Int) -> Int {
        clientCount <= 1 ? 0 : Int.bitWidth - (clientCount - 1).leadingZeroBitCount
    }

    /// Clips, scales and stochastically rounds `values` onto the grid.
    ///
    /// - Throws: `SecAggError.invalidParameter` for a NaN or infinite input.
    public func quantize<R: RandomNumberGenerator>(_ values: [Double], using generator: inout R) throws(SecAggError) -> ModularVector {
        var quantized = [UInt64](repeating: 0, count: values.count)
        let scale = self.scale, top = Double(levels)
        for (index, value) in values.enumerated() {
            // ±∞ too: clipping it to the bound would send a full-size contribution that
            // nobody made, without a word.
            guard value.isFinite else { throw .invalidParameter(name: "values", reason: "input \(index) is \(value.isNaN ? "NaN" : "infinite")") }
            let clipped = min(max(value, -clippingBound), clippingBound)
            let scaled = min(max((clipped + clippingBound) * scale, 0), top)
            let floor = scaled.rounded(.down)
            let uniform = Double(generator.next() >> 11) * 0x1p-53
            let rounded = uniform < scaled - floor ? floor + 1 : floor
            quantized[index] = UInt64(min(rounded, top))
        }
        return try ModularVector(quantized, bitWidth: bitWidth)
    }

    /// Quantizes with libsodium's CSPRNG.
    public func quantize(_ values: [Double]) throws(SecAggError) -> ModularVector {
        var generator = SecureRandom()
        return try quantize(values, using: &generator)
    }

    /// The real-valued sum of `contributors` quantized vectors, from their sum in Z_{2^b}.
    public func dequantizeSum(_ sum: ModularVector, contributors: Int) throws(SecAggError) -> [Double] {
        guard sum.bitWidth == bitWidth else {
            throw .shapeMismatch("sum has \(sum.bitWidth) bits, quantizer uses \(bitWidth)")
        }
        guard (0...clientCount).contains(contributors) else {
            throw .invalidParameter(name: "contributors", reason: "contributors must be in 0...\(clientCount), got \(contributors)")
        }
        let scale = self.scale, offset = Double(contributors) * clippingBound
        return sum.values.map { Double($0) / scale - offset }
    }

    /// The per-coordinate bound on |dequantized sum − sum of clipped inputs|: 2c·k / L.
    public func errorBound(contributors: Int) -> Double {
        Double(contributors) / scale
    }
}
