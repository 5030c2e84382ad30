import Bignum

extension Paillier {
    /// BatchCrypt-style packing (Zhang et al., USENIX ATC 2020): many quantized signed
    /// values per plaintext, each in its own slot with headroom for a declared number
    /// of addends, so one ciphertext addition adds every slot at once.
    ///
    /// A value `v ∈ [−(2^(b−1) − 1), 2^(b−1) − 1]` is stored biased, as `v + B` with
    /// `B = 2^(b−1) − 1 ∈` `[0, 2^b − 2]`. The sum of up to `A` such slots is below
    /// `A·(2^b − 1) < 2^(b + ⌈log2 A⌉)`, so a slot of `b + ⌈log2 A⌉` bits never carries
    /// into its neighbour; slots fill at most `keyBits − 2` bits so the plaintext stays
    /// below `n`. Overflow is impossible by construction (addends are counted and capped),
    /// and a decoded slot that still exceeds its bound (a corrupted or foreign
    /// ciphertext) throws `overflow`.
    public struct PackingScheme: Sendable, Hashable {
        /// Bits per quantized value, `b` (2...62).
        public let valueBits: Int
        /// The most ciphertexts that may be summed, `A` (1...2^20).
        public let maxAddends: Int
        /// Bits per slot, `b + ⌈log2 A⌉` (at most 63).
        public let slotBits: Int
        /// Values per plaintext.
        public let slotsPerPlaintext: Int
        /// The key the plaintexts are sized for.
        public let publicKey: PublicKey

        /// A scheme for `publicKey` with `valueBits`-bit signed values and up to `maxAddends` addends.
        ///
        /// - Throws: `packing` when the parameters are out of range or not even one slot fits.
        public init(publicKey: PublicKey, valueBits: Int, maxAddends: Int) throws(PaillierError) {
            guard (2...62).contains(valueBits) else { throw .packing("value bits must be 2...62, got \(valueBits)") }
            guard (1...(1 << 20)).contains(maxAddends) else { throw .packing("max addends must be 1...2^20, got \(maxAddends)") }
            let headroom = maxAddends <= 1 ? 0 : Int.bitWidth - (maxAddends - 1).leadingZeroBitCount
            slotBits = valueBits + headroom
            // Slots are read and written as single 64-bit words.
            guard slotBits <= 63 else { throw .packing("slots of \(slotBits) bits exceed 63; use fewer value bits or addends") }
            slotsPerPlaintext = (publicKey.bitWidth - 2) / slotBits
            guard slotsPerPlaintext >= 1 else { throw .packing("no \(slotBits)-bit slot fits a \(publicKey.bitWidth)-bit key") }
            self.valueBits = valueBits
            self.maxAddends = maxAddends
            self.publicKey = publicKey
        }

        /// The largest magnitude a value may have, `2^(b−1) − 1`.
        public var maxMagnitude: Int { (1 << (valueBits - 1)) - 1 }

        /// How many plaintexts `count` values need.
        public func plaintextCount(forValues count: Int) -> Int {
            (count + slotsPerPlaintext - 1) / slotsPerPlaintext
        }

        /// Packs `values` (each within ±`maxMagnitude`), slot 0 in the lowest bits.
        public func pack(_ values: [Int]) throws(PaillierError) -> [BigInt] {
            let bound = maxMagnitude
            for value in values where value < -bound || value > bound {
                throw .packing("value \(value) exceeds ±\(bound) for \(valueBits)-bit slots")
            }
            var plaintexts: [BigInt] = []
            plaintexts.reserveCapacity(plaintextCount(forValues: values.count))
            var start = 0
            while start < values.count {
                let end = min(start + slotsPerPlaintext, values.count)
                // Built from 64-bit words directly: slot boundaries need not align with words.
                var words = [UInt64](repeating: 0, count: ((end - start) * slotBits + 63) / 64 + 1)
                for (slot, value) in values[start..<end].enumerated() {
                    let biased = UInt64(value + bound)
                    let bit = slot * slotBits
                    words[bit / 64] |= biased << UInt64(bit % 64)
                    if bit % 64 + slotBits > 64, bit % 64 != 0 { words[bit / 64 + 1] |= biased >> UInt64(64 - bit % 64) }
                }
                var bytes: [UInt8] = []
                bytes.reserveCapacity(words.count * 8)
                for word in words.reversed() { withUnsafeBytes(of: word.bigEndian) { bytes.append(contentsOf: $0) } }
                plaintexts.append(BigInt(bigEndianBytes: bytes))
                start = end
            }
            return plaintexts
        }

        /// Unpacks `count` values from plaintexts that are the sum of `addends` packed vectors.
        ///
        /// - Throws: `packing` for a bad count; `overflow` when a slot exceeds what `addends`
        ///   biased values can sum to, or bits are set above the last slot.
        public func unpack(_ plaintexts: [BigInt], count: Int, addends: Int = 1) throws(PaillierError) -> [Int] {
            guard (1...maxAddends).contains(addends) else { throw .packing("addends must be 1...\(maxAddends), got \(addends)") }
            guard count >= 0, plaintextCount(forValues: count) == plaintexts.count else {
                throw .packing("\(plaintexts.count) plaintexts cannot hold exactly \(count) values")
            }
            let bias = Int64(maxMagnitude) * Int64(addends)
            let slotLimit = UInt64(2 * maxMagnitude) * UInt64(addends)
            let mask = slotBits == 64 ? UInt64.max : (UInt64(1) << UInt64(slotBits)) - 1
            var values: [Int] = []
            values.reserveCapacity(count)
            for (index, plaintext) in plaintexts.enumerated() {
                let slots = min(slotsPerPlaintext, count - index * slotsPerPlaintext)
                guard !plaintext.isNegative, plaintext.bitWidth <= slots * slotBits else {
                    throw .overflow("packed plaintext \(index) has bits above its last slot")
                }
                // Checked non-negative above; an empty fallback would unpack as zeros.
                let bytes: [UInt8]
                do {
                    bytes = try plaintext.bigEndianBytes()
                } catch {
                    throw .packing("packed plaintext \(index) has no byte encoding: \(error)")
                }
                var words = [UInt64](repeating: 0, count: (bytes.count + 7) / 8 + 1)
                for (offset, byte) in bytes.reversed().enumerated() { words[offset / 8] |= UInt64(byte) << UInt64(8 * (offset % 8)) }
                for slot in 0..<slots {
                    let bit = slot * slotBits
                    var raw = words[bit / 64] >> UInt64(bit % 64)
                    if bit % 64 + slotBits > 64, bit % 64 != 0, bit / 64 + 1 < words.count {
                        raw |= words[bit / 64 + 1] << UInt64(64 - bit % 64)
                    }
                    raw &= mask
                    guard raw <= slotLimit else { throw .overflow("slot \(index * slotsPerPlaintext + slot) exceeds the sum of \(addends) values") }
                    values.append(Int(Int64(raw) - bias))
                }
            }
            return values
        }
    }

    /// A packed encrypted vector: ciphertexts of packed plaintexts, the number of values,
    /// and how many vectors have been summed into it (so decoding removes the right bias
    /// and the scheme's addend cap is enforced).
    public struct PackedCiphertext: Sendable, Hashable {
        /// The packing parameters.
        public let scheme: PackingScheme
        /// One ciphertext per packed plaintext.
        public let ciphertexts: [Ciphertext]
        /// The number of values.
        public let count: Int
        /// How many packed vectors this is the sum of.
        public let addends: Int

        /// Packs and encrypts `values` with a fast encryptor, on all cores.
        public init(encrypting values: [Int], scheme: PackingScheme, encryptor: ShortExponentEncryptor) throws(PaillierError) {
            guard encryptor.publicKey == scheme.publicKey else { throw .keyMismatch }
            self.scheme = scheme
            ciphertexts = try encryptor.encrypt(try scheme.pack(values))
            count = values.count
            addends = 1
        }

        package init(scheme: PackingScheme, ciphertexts: [Ciphertext], count: Int, addends: Int) {
            self.scheme = scheme
            self.ciphertexts = ciphertexts
            self.count = count
            self.addends = addends
        }

        /// The elementwise sum of packed vectors under one scheme, on all cores.
        ///
        /// - Throws: `packing` when the total number of addends would exceed the scheme's
        ///   maximum or the vectors differ in length or scheme; `keyMismatch`.
        public static func sum(_ vectors: [PackedCiphertext]) throws(PaillierError) -> PackedCiphertext {
            guard let first = vectors.first else { throw .packing("nothing to sum") }
            var addends = 0
            for vector in vectors {
                guard vector.scheme == first.scheme, vector.count == first.count else {
                    throw .packing("packed vectors differ in scheme or length")
                }
                addends += vector.addends
            }
            guard addends <= first.scheme.maxAddends else {
                throw .packing("\(addends) addends exceed the declared maximum of \(first.scheme.maxAddends)")
            }
            let summed = try Paillier.sum(vectors: vectors.map(\.ciphertexts), publicKey: first.scheme.publicKey)
            return PackedCiphertext(scheme: first.scheme, ciphertexts: summed, count: first.count, addends: addends)
        }

        /// Decrypts (on all cores) and unpacks to the elementwise sum of the addends.
        public func decrypt(with key: PrivateKey) throws(PaillierError) -> [Int] {
            guard key.publicKey == scheme.publicKey else { throw .keyMismatch }
            return try scheme.unpack(try key.decrypt(ciphertexts), count: count, addends: addends)
        }
    }
}
