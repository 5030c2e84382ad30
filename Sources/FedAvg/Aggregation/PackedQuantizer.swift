import Bignum

/// Quantizes real vectors onto an integer grid and packs many grid values into one big
/// integer (BatchCrypt-style), so that the sum of n packed integers is the packing of the
/// n-fold sums: every slot carries ⌈log2 n⌉ bits of headroom and can never carry into its
/// neighbour. Used by additively homomorphic aggregators, whose plaintexts are big integers.
///
/// **Error.** As for secure aggregation's quantizer: values are clipped to [−bound, bound]
/// and stochastically rounded to L = 2^valueBits − 1 levels, so a dequantized sum of k
/// vectors is within 2·bound·k / L of the exact sum, per entry.
struct PackedQuantizer: Sendable {
    /// Clipping bound.
    let bound: Double
    /// Bits of one quantized value.
    let valueBits: Int
    /// Bits of one slot: value bits plus headroom.
    let slotBits: Int
    /// Slots per packed integer.
    let slotsPerInteger: Int
    /// Entries per vector.
    let dimension: Int

    /// Grid points per unit of input.
    var scale: Double { Double((UInt64(1) << UInt64(valueBits)) - 1) / (2 * bound) }

    /// Number of packed integers per vector.
    var integerCount: Int { (dimension + slotsPerInteger - 1) / slotsPerInteger }

    /// A packing of `dimension` values into integers of at most `plaintextBits` bits, for sums of up to `clientCount` vectors.
    init(bound: Double, valueBits: Int = 32, clientCount: Int, dimension: Int, plaintextBits: Int) throws {
        guard bound.isFinite, bound > 0 else { throw FedAvgError.invalidParameter(name: "bound", reason: "must be finite and > 0, got \(bound)") }
        guard (2...52).contains(valueBits) else { throw FedAvgError.invalidParameter(name: "valueBits", reason: "must be in 2...52, got \(valueBits)") }
        guard clientCount >= 1, dimension >= 1 else {
            throw FedAvgError.invalidParameter(name: "shape", reason: "needs at least one client and one entry")
        }
        let headroom = clientCount <= 1 ? 0 : Int.bitWidth - (clientCount - 1).leadingZeroBitCount
        slotBits = valueBits + headroom
        guard slotBits <= 63, plaintextBits >= slotBits else {
            throw FedAvgError.invalidParameter(name: "plaintextBits", reason: "\(plaintextBits) bits cannot hold one slot of \(slotBits) bits")
        }
        self.bound = bound
        self.valueBits = valueBits
        self.dimension = dimension
        slotsPerInteger = plaintextBits / slotBits
    }

    /// Clips, quantizes (stochastic rounding from `generator`) and packs `values`.
    func pack<R: RandomNumberGenerator>(_ values: [Double], using generator: inout R) throws -> [BigInt] {
        guard values.count == dimension else {
            throw FedAvgError.invalidParameter(name: "values", reason: "expected \(dimension) entries, got \(values.count)")
        }
        let scale = self.scale, top = Double((UInt64(1) << UInt64(valueBits)) - 1)
        var integers: [BigInt] = []
        integers.reserveCapacity(integerCount)
        for start in stride(from: 0, to: dimension, by: slotsPerInteger) {
            var packed = BigInt(0)
            // Highest slot first, so slot j ends up at bit offset j·slotBits.
            for index in (start..<min(start + slotsPerInteger, dimension)).reversed() {
                let value = values[index]
                guard !value.isNaN else { throw FedAvgError.invalidParameter(name: "values", reason: "entry \(index) is NaN") }
                let scaled = min(max((min(max(value, -bound), bound) + bound) * scale, 0), top)
                let floor = scaled.rounded(.down)
                let rounded = unitInterval(&generator) < scaled - floor ? floor + 1 : floor
                packed = (packed << slotBits) + BigInt(UInt64(min(rounded, top)))
            }
            integers.append(packed)
        }
        return integers
    }

    /// The real-valued sum of `contributors` packed vectors, from the sum of their packings.
    func unpackSum(_ integers: [BigInt], contributors: Int) throws -> [Double] {
        guard integers.count == integerCount else {
            throw FedAvgError.aggregationFailed(reason: "expected \(integerCount) packed integers, got \(integers.count)")
        }
        let scale = self.scale, offset = Double(contributors) * bound
        var values: [Double] = []
        values.reserveCapacity(dimension)
        for (block, integer) in integers.enumerated() {
            var rest = integer
            for _ in 0..<min(slotsPerInteger, dimension - block * slotsPerInteger) {
                guard let slot = rest.lowBits(slotBits).intValue else {
                    throw FedAvgError.aggregationFailed(reason: "a packed slot does not fit in 64 bits")
                }
                values.append(Double(slot) / scale - offset)
                rest = rest >> slotBits
            }
        }
        return values
    }

    /// Per-entry bound on |dequantized sum − sum of clipped inputs|.
    func errorBound(contributors: Int) -> Double { Double(contributors) / scale }
}
