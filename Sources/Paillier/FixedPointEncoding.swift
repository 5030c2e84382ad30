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

        /// `integer / 2^bits` correctly rounded to a Double (ties to even), like Python's
        /// true division of integers (subnormal results may round twice).
        static func double(_ integer: BigInt, dividedByPowerOfTwo bits: Int) -> Double {
            let magnitude = integer.magnitude
            let width = magnitude.bitWidth
            var head: BigInt, shift = 0
            if width <= 53 {
                head = magnitude
            } else {
                shift = width - 53
                head = magnitude >> shift
                let remainder = magnitude.lowBits(shift)
                let half = BigInt(1) << (shift - 1)
                if remainder > half || (remainder == half && head.isOdd) { head += 1 }
            }
            // head ≤ 2^53 is exact as a Double; scaling by a power of two is exact too.
            let value = Double(head.intValue ?? 0) * pow2(shift - bits)
            return integer.isNegative ? -value : value
        }

        static func pow2(_ exponent: Int) -> Double {
            var result = 1.0, remaining = exponent
            while remaining > 1000 { result *= 0x1p1000; remaining -= 1000 }
            while remaining < -1000 { result *= 0x1p-1000; remaining += 1000 }
            return result * Double(sign: .plus, exponent: remaining, significand: 1)
        }
    }
}
