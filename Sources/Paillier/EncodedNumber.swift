import Bignum

extension Paillier {
    /// python-paillier's `EncodedNumber`: the value `mantissa · 16^exponent` stored as
    /// `mantissa mod n`.
    ///
    /// One difference from python-paillier, on purpose: it encodes `|mantissa|` up to
    /// `PublicKey.maxEncodedMagnitude` and decodes up to `PublicKey.maxDecodedMagnitude`
    /// (max_int ≈ n/3 less 128 and 64 bits of headroom at 2048 bits and above) instead of
    /// max_int for both, so a sum of many values or a product that wrapped around n is
    /// reported as `overflow` instead of decoding to a wrong number (see
    /// ``PublicKey/overflowHeadroomBits``). Values python-paillier writes from floats are
    /// far inside both ranges.
    public struct EncodedNumber: Sendable, Hashable {
        /// python-paillier's `BASE`.
        public static let base = 16
        /// The base-16 exponents PrivAgg encodes, reads, computes and writes. Every finite
        /// Double encodes with an exponent in −282...242 (the subnormal 2^−1074 to
        /// Double.greatestFiniteMagnitude), integers with 0 or a chosen `maxExponent` such as
        /// pheutil's −32, and a product adds two exponents, so ±1024 covers a product of any
        /// two such numbers with room to spare. The bound also bounds the work of aligning
        /// two exponents (a multiplication by at most 16^2048) where an unbounded exponent
        /// from a file made one addition take most of a minute.
        public static let exponentRange = -1024...1024

        /// Throws unless `exponent` lies in ``exponentRange``.
        ///
        /// - Throws: ``PaillierError/exponentOutOfRange(_:)``.
        public static func checkExponent(_ exponent: Int) throws(PaillierError) {
            guard exponentRange.contains(exponent) else { throw .exponentOutOfRange(exponent) }
        }
        /// The residue in `[0, n)`.
        public let encoding: BigInt
        /// The base-16 exponent.
        public let exponent: Int
        /// The key whose modulus the residue uses.
        public let publicKey: PublicKey

        /// An encoding from its stored parts (for example a decrypted residue).
        ///
        /// - Throws: `plaintextOutOfRange` unless `encoding ∈ [0, n)`; `exponentOutOfRange`
        ///   outside ``exponentRange``.
        public init(encoding: BigInt, exponent: Int, publicKey: PublicKey) throws(PaillierError) {
            try publicKey.checkPlaintext(encoding)
            try Self.checkExponent(exponent)
            self.encoding = encoding
            self.exponent = exponent
            self.publicKey = publicKey
        }

        /// Encodes an integer with exponent 0 (or `maxExponent` when that is lower).
        public init(_ value: BigInt, publicKey: PublicKey, maxExponent: Int? = nil) throws(PaillierError) {
            let exponent = min(0, maxExponent ?? 0)
            try Self.checkExponent(exponent)  // before the shift, which a huge maxExponent would make huge
            let mantissa = value << (-4 * exponent)
            try self.init(mantissa: mantissa, exponent: exponent, publicKey: publicKey)
        }

        /// Encodes a decimal at python-paillier's exponent for `float(text)`
        /// (`⌊(frexp_exponent − 53)/4⌋`, lowered to `maxExponent` when given), so that it
        /// decodes to `float(text)` exactly, as with pheutil.
        ///
        /// A decimal that lies exactly on that exponent's grid (integers such as 2^53 + 1,
        /// 12.5) is encoded as it is, keeping digits a Double would drop; it decodes with one
        /// rounding. Any other decimal is first rounded to the nearest Double, as pheutil's
        /// `float(text)` does, and that Double is encoded exactly. (Rounding the decimal to
        /// the grid instead would round twice, once here and once on decoding: that is how
        /// `3e-308` came back as 2.9999999999999997e-308.)
        public init(decimal: DecimalNumber, publicKey: PublicKey, maxExponent: Int? = nil) throws(PaillierError) {
            let precisionExponent = Self.precisionExponent(of: decimal.doubleValue)
            let exponent = maxExponent.map { min($0, precisionExponent) } ?? precisionExponent
            if let exact = decimal.exactlyScaled(base16Exponent: exponent) {
                try self.init(mantissa: exact, exponent: exponent, publicKey: publicKey)
            } else {
                try self.init(decimal.doubleValue, publicKey: publicKey, maxExponent: maxExponent)
            }
        }

        /// Encodes a Double like python-paillier's `EncodedNumber.encode(float)`: exponent
        /// `⌊(frexp_exponent − 53)/4⌋` (lowered to `maxExponent` when given) and mantissa
        /// `value · 16^(−exponent)`, an exact integer for every finite Double, subnormals
        /// included, so `doubleValue()` gives `value` back bit for bit (−0 decodes as +0, as
        /// in python-paillier).
        ///
        /// - Throws: `malformedNumber` for NaN or ±∞, `plaintextOutOfRange` for a mantissa
        ///   beyond the key's encodable range.
        public init(_ value: Double, publicKey: PublicKey, maxExponent: Int? = nil) throws(PaillierError) {
            guard value.isFinite else { throw .malformedNumber("\(value) is not finite") }
            let precisionExponent = Self.precisionExponent(of: value)
            let exponent = maxExponent.map { min($0, precisionExponent) } ?? precisionExponent
            // The Double is an exact multiple of 16^precisionExponent (its last bit is at
            // 2^(frexp − 53) or, for a subnormal, 2^−1074 ≥ 16^precisionExponent), so this is exact.
            let mantissa = FixedPointEncoding.scaledRounded(value, bits: -4 * exponent)
            try self.init(mantissa: mantissa, exponent: exponent, publicKey: publicKey)
        }

        init(mantissa: BigInt, exponent: Int, publicKey: PublicKey) throws(PaillierError) {
            try Self.checkExponent(exponent)
            guard mantissa.magnitude <= publicKey.maxEncodedMagnitude else {
                throw .plaintextOutOfRange(
                    "mantissa must lie within ±max_int/2^\(2 * publicKey.overflowHeadroomBits), the headroom that keeps sums and products checkable")
            }
            self.init(unchecked: mantissa.isNegative ? publicKey.n + mantissa : mantissa, exponent: exponent, publicKey: publicKey)
        }

        init(unchecked encoding: BigInt, exponent: Int, publicKey: PublicKey) {
            self.encoding = encoding
            self.exponent = exponent
            self.publicKey = publicKey
        }

        /// python-paillier's precision exponent of a float: `⌊(frexp(x)[1] − 53) / log2(16)⌋`.
        /// (`Double.exponent` of a subnormal is its true binary exponent, as frexp's is.)
        public static func precisionExponent(of value: Double) -> Int {
            let frexpExponent = value == 0 ? 0 : Int(value.exponent) + 1
            let lsb = frexpExponent - 53
            return lsb >= 0 ? lsb / 4 : -((-lsb + 3) / 4)
        }

        /// The signed mantissa; `overflow` beyond ±`maxDecodedMagnitude`, where a result
        /// that wrapped around n cannot be told from a true value.
        public func mantissa() throws(PaillierError) -> BigInt {
            let bound = publicKey.maxDecodedMagnitude
            if encoding <= bound { return encoding }
            if encoding >= publicKey.n - bound { return encoding - publicKey.n }
            throw .overflow(
                "the decrypted number lies beyond ±max_int/2^\(publicKey.overflowHeadroomBits): a sum or product that wrapped around n, refused rather than returned wrong")
        }

        /// The value as python-paillier's `pheutil decrypt` prints it: an integer for
        /// exponents ≥ 0, otherwise the correctly rounded Double (shortest round-trip form).
        ///
        /// - Throws: ``PaillierError/overflow(_:)`` when the value is beyond the Double range
        ///   (python-paillier raises OverflowError; printing `inf` would be a wrong answer).
        public func decimalText() throws(PaillierError) -> String {
            if exponent >= 0 { return (try mantissa() << (4 * exponent)).description }
            return try doubleValue().description
        }

        /// The value as the nearest Double (python-paillier's `decode()` for negative exponents).
        ///
        /// - Throws: ``PaillierError/overflow(_:)`` when the value is beyond the Double range.
        public func doubleValue() throws(PaillierError) -> Double {
            let value = FixedPointEncoding.double(try mantissa(), dividedByPowerOfTwo: -4 * exponent)
            guard value.isFinite else { throw .overflow("the decrypted value exceeds the range of a Double") }
            return value
        }

        /// The same value with a lower exponent (the mantissa times `16^(exponent − newExponent)`).
        public func decreasingExponent(to newExponent: Int) throws(PaillierError) -> EncodedNumber {
            guard newExponent <= exponent else { throw .plaintextOutOfRange("new exponent must not be larger") }
            return try EncodedNumber(mantissa: try mantissa() << (4 * (exponent - newExponent)), exponent: newExponent, publicKey: publicKey)
        }
    }
}
