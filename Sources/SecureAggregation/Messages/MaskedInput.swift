/// Stage 2, client → server: the double-masked input y = x + PRG(b) + Σ ±PRG(s_uv) in Z_{2^b},
/// packed at exactly b bits per entry.
public struct MaskedInput: SecAggMessage {
    public static let kind = SecAggMessageKind.maskedInput
    public let round: UInt64
    /// The client whose input this is.
    public let sender: UInt32
    /// The masked vector.
    public let vector: ModularVector

    /// A message from its fields.
    public init(round: UInt64, sender: UInt32, vector: ModularVector) {
        self.round = round
        self.sender = sender
        self.vector = vector
    }

    public func serialized() -> [UInt8] {
        let packed = vector.packed()
        var writer = WireWriter(kind: Self.kind, round: round, capacity: 9 + packed.count)
        writer.append(sender)
        writer.append(UInt8(vector.bitWidth))
        writer.append(UInt32(vector.count))
        writer.append(raw: packed)
        return writer.bytes
    }

    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        var reader = try WireReader(bytes, expecting: Self.kind)
        sender = try reader.read(UInt32.self)
        let bitWidth = Int(try reader.read(UInt8.self))
        let count = Int(try reader.read(UInt32.self))
        guard (1...ModularVector.maximumBitWidth).contains(bitWidth) else {
            throw .malformedMessage("bit width \(bitWidth) is outside 1...\(ModularVector.maximumBitWidth)")
        }
        let byteCount = ModularVector.packedByteCount(count: count, bitWidth: bitWidth)
        guard byteCount == reader.remaining else {
            throw .malformedMessage("\(count) entries of \(bitWidth) bits need \(byteCount) bytes, \(reader.remaining) left")
        }
        vector = try ModularVector(packed: try reader.readSlice(byteCount), count: count, bitWidth: bitWidth)
        round = reader.round
        try reader.finish()
    }
}
