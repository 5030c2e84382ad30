import Bignum

extension Paillier {
    /// Real numbers as signed integers scaled by `2^fractionalBits`, rounded to nearest.
    ///
    /// Sums of encodings decode to sums of the rounded values; the absolute rounding error
    /// of one value is at most `2^−(fractionalBits+1)`. Products with encoded scalars carry
    /// the scale twice: decode them with `decode(_:scaleCount: 2)`.
    public struct FixedPointEncoding: Sendable, Hashable {
        /// The signed integer layer (and its overflow detection).
        public let signed: SignedEncoding
        /// Binary digits after the point.
        public let fractionalBits: Int

        /// An encoding with `fractionalBits` bits of precision (0...1000).
        public init(publicKey: PublicKey, fractionalBits: Int) throws(PaillierError) {
            guard (0...1000).contains(fractionalBits) else {
                throw .plaintextOutOfRange("fractional bits must be 0...1000, got \(fractionalBits)")
            }
            signed = try SignedEncoding(publicKey: publicKey)
            self.fractionalBits = fractionalBits
        }

        /// The residue of `round(value · 2^fractionalBits)`.
        public func encode(_ value: Double) throws(PaillierError) -> BigInt {
            guard value.isFinite else { throw .malformedNumber("\(value) is not finite") }
            return try signed.encode(Self.scaledRounded(value, bits: fractionalBits))
        }

        /// The real value of `residue` (`scaleCount` = how many factors 2^fractionalBits it carries).
        public func decode(_ residue: BigInt, scaleCount: Int = 1) throws(PaillierError) -> Double {
            let integer = try signed.decode(residue)
            return Self.double(integer, dividedByPowerOfTwo: fractionalBits * scaleCount)
        }

        /// `round(value · 2^bits)` exactly (ties away from zero): the Double's own
        /// significand is shifted, so no precision is lost for any scale.
        static func scaledRounded(_ value: Double, bits: Int) -> BigInt {
            guard value != 0 else { return BigInt() }
            let significand = BigInt(value.significandBitPattern | (value.isNormal ? (1 << 52) : 0))
            let exponent = (value.isNormal ? Int(value.exponentBitPattern) - 1075 : -1074) + bits
            var magnitude: BigInt
            if exponent >= 0 {
                magnitude = significand << exponent
            } else {
                let shifted = significand >> (-exponent - 1)
                magnitude = (shifted + 1) >> 1
            }
            return value < 0 ? -magnitude : magnitude
        }

        /// `integer / 2^bits` correctly rounded to a Double, ties to even, with ONE rounding
        /// also for subnormal results (Python's true division of integers, which
        /// python-paillier's `decode` uses). `bits` may be negative (a multiplication).
        /// Beyond the Double range the result is ±infinity (callers refuse it).
        ///
        /// Exact integer arithmetic: the bits kept are those at or above the result's last
        /// representable place, 2^(e − 52) for a normal result of binade e and 2^−1074 for a
        /// subnormal one; the rest decide the rounding. Scaling the kept head (≤ 2^53) by a
        /// power of two is then exact, so no intermediate can underflow.
        static func double(_ integer: BigInt, dividedByPowerOfTwo bits: Int) -> Double {
            let magnitude = integer.magnitude
            guard !magnitude.isZero else { return integer.isNegative ? -0.0 : 0.0 }
            let width = magnitude.bitWidth
            // value = magnitude · 2^(−bits) ∈ [2^(width − 1 − bits), 2^(width − bits)).
            let binade = width - 1 - bits
            guard binade <= 1023 else { return integer.isNegative ? -.infinity : .infinity }
            // The place of the last bit the Double keeps, relative to the integer's bit 0.
            let lastPlace = Swift.max(binade, -1022) - 52 + bits
            var head: BigInt
            var scale = -bits
            if lastPlace <= 0 {
                head = magnitude  // every bit fits: exact
            } else if lastPlace > width {
                // Below half of the smallest subnormal: rounds to zero.
                return integer.isNegative ? -0.0 : 0.0
            } else {
                head = magnitude >> lastPlace
                let remainder = magnitude.lowBits(lastPlace)
                let half = BigInt(1) << (lastPlace - 1)
                if remainder > half || (remainder == half && head.isOdd) { head += 1 }
                scale += lastPlace
            }
            // head ≤ 2^53 is exact as a Double; head · 2^scale is representable (a carry to
            // 2^53 only moves it up one binade, ≤ 2^1024 which becomes infinity).
            let value = Double(sign: .plus, exponent: scale, significand: Double(head.intValue ?? 0))
            return integer.isNegative ? -value : value
        }
    }
}
