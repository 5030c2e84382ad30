/// Stage 2, client → server: the double-masked input y = x + PRG(b) + Σ ±PRG(s_uv) in Z_{2^b},
/// packed at exactly b bits per entry.
public struct MaskedInput: SecAggMessage {
    /// The message kind written in the header.
    public static let kind = SecAggMessageKind.maskedInput
    /// The aggregation round this message belongs to.
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

    /// The compact binary encoding (header, then the fields, little-endian).
    public func serialized() -> [UInt8] {
        var writer = WireWriter(kind: Self.kind, round: round, capacity: 9 + ModularVector.packedByteCount(count: vector.count, bitWidth: vector.bitWidth))
        writer.append(sender)
        writer.append(UInt8(vector.bitWidth))
        writer.append(UInt32(vector.count))
        writer.appendPacked(vector)
        return writer.bytes
    }

    /// Decodes `bytes`; malformed, truncated or foreign input throws a typed error.
    public init(serialized bytes: [UInt8]) throws(SecAggError) {
        let header = try Header(decoding: bytes)
        round = header.round
        sender = header.sender
        vector = try ModularVector(packed: bytes[header.payload], count: header.count, bitWidth: header.bitWidth)
    }

    /// The fields before the packed vector, and where the vector's bytes are.
    struct Header {
        let round: UInt64
        let sender: UInt32
        let bitWidth: Int
        let count: Int
        let payload: Range<Int>

        init(round: UInt64, sender: UInt32, bitWidth: Int, count: Int, payload: Range<Int>) {
            self.round = round
            self.sender = sender
            self.bitWidth = bitWidth
            self.count = count
            self.payload = payload
        }

        /// Checks the header and that exactly the packed vector follows it.
        init(decoding bytes: [UInt8]) throws(SecAggError) {
            var reader = try WireReader(bytes, expecting: MaskedInput.kind)
            sender = try reader.read(UInt32.self)
            bitWidth = Int(try reader.read(UInt8.self))
            count = Int(try reader.read(UInt32.self))
            guard (1...ModularVector.maximumBitWidth).contains(bitWidth) else {
                throw .malformedMessage("bit width \(bitWidth) is outside 1...\(ModularVector.maximumBitWidth)")
            }
            let byteCount = ModularVector.packedByteCount(count: count, bitWidth: bitWidth)
            guard byteCount == reader.remaining else {
                throw .malformedMessage("\(count) entries of \(bitWidth) bits need \(byteCount) bytes, \(reader.remaining) left")
            }
            // Checked here, before the server touches its running sum.
            try ModularVector.checkPadding(bytes[reader.offset...], count: count, bitWidth: bitWidth)
            round = reader.round
            payload = reader.offset..<bytes.count
        }
    }
}
