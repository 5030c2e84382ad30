extension ModularVector {
    /// Bytes needed to pack `count` entries of `bitWidth` bits.
    static func packedByteCount(count: Int, bitWidth: Int) -> Int { (count * bitWidth + 7) / 8 }

    /// The entries as a little-endian bit string of exactly b bits each (no padding between entries).
    func packed() -> [UInt8] {
        var bytes: [UInt8] = []
        appendPacked(to: &bytes)
        return bytes
    }

    /// Appends the packed entries to `bytes`.
    func appendPacked(to bytes: inout [UInt8]) {
        #if _endian(little)
        if bitWidth == 32, case let .narrow(words) = storage {
            words.withUnsafeBytes { bytes.append(contentsOf: $0) }
            return
        }
        #endif
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Self.packedByteCount(count: count, bitWidth: bitWidth)))
        let mask = Self.mask(bitWidth)
        bytes.withUnsafeMutableBufferPointer { all in
            let out = UnsafeMutableBufferPointer(rebasing: all[start...])
            var bitOffset = 0
            for index in 0..<count {
                var value = self[index] & mask
                var remaining = bitWidth
                while remaining > 0 {
                    let byte = bitOffset >> 3, shift = bitOffset & 7
                    let take = min(8 - shift, remaining)
                    out[byte] |= UInt8(truncatingIfNeeded: (value & ((1 << UInt64(take)) - 1)) << UInt64(shift))
                    value = take >= 64 ? 0 : value >> UInt64(take)
                    remaining -= take
                    bitOffset += take
                }
            }
        }
    }

    /// Adds the packed vector in `bytes` (the output of `packed()`, same shape) without
    /// materializing it: the server's streaming sum of masked inputs.
    mutating func addPacked(_ bytes: ArraySlice<UInt8>) throws(SecAggError) {
        #if _endian(little)
        if bitWidth == 32, case var .narrow(words) = storage {
            guard bytes.count == count * 4 else {
                throw .malformedMessage("\(count) entries of 32 bits need \(count * 4) bytes, got \(bytes.count)")
            }
            storage = .narrow([])
            words.withUnsafeMutableBufferPointer { target in
                bytes.withUnsafeBytes { source in
                    for index in 0..<target.count {
                        target[index] &+= source.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
                    }
                }
            }
            storage = .narrow(words)
            return
        }
        #endif
        try add(ModularVector(packed: bytes, count: count, bitWidth: bitWidth))
    }

    /// Checks that the bits after the last of `count` packed entries are zero: one encoding per vector.
    static func checkPadding(_ bytes: ArraySlice<UInt8>, count: Int, bitWidth: Int) throws(SecAggError) {
        let usedBits = count * bitWidth
        if usedBits % 8 != 0, let last = bytes.last, last >> UInt8(usedBits % 8) != 0 {
            throw .malformedMessage("non-zero padding bits after the last entry")
        }
    }

    /// Reads `count` entries of `bitWidth` bits from `bytes` (the output of `packed()`).
    init(packed bytes: ArraySlice<UInt8>, count: Int, bitWidth: Int) throws(SecAggError) {
        try Self.validate(bitWidth: bitWidth, count: count)
        guard bytes.count == Self.packedByteCount(count: count, bitWidth: bitWidth) else {
            throw .malformedMessage("\(count) entries of \(bitWidth) bits need \(Self.packedByteCount(count: count, bitWidth: bitWidth)) bytes, got \(bytes.count)")
        }
        try Self.checkPadding(bytes, count: count, bitWidth: bitWidth)
        if bitWidth == 32 {
            var words = [UInt32](repeating: 0, count: count)
            bytes.withUnsafeBytes { source in
                words.withUnsafeMutableBytes { $0.copyMemory(from: source) }
            }
            #if _endian(big)
            for index in words.indices { words[index] = UInt32(littleEndian: words[index]) }
            #endif
            try self.init(words: words, bitWidth: 32)
            return
        }
        var values = [UInt64](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { input in
            var bitOffset = 0
            for index in 0..<count {
                var value: UInt64 = 0, filled = 0
                while filled < bitWidth {
                    let byte = bitOffset >> 3, shift = bitOffset & 7
                    let take = min(8 - shift, bitWidth - filled)
                    let bits = (UInt64(input[byte]) >> UInt64(shift)) & ((1 << UInt64(take)) - 1)
                    value |= bits << UInt64(filled)
                    filled += take
                    bitOffset += take
                }
                values[index] = value
            }
        }
        try self.init(values, bitWidth: bitWidth)
    }
}

