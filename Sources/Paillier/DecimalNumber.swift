import Bignum

extension Paillier {
    /// An exact finite decimal `numerator / 10^scale`, parsed from text such as `-12.5e3`.
    public struct DecimalNumber: Sendable, Hashable {
        /// The signed digits.
        public let numerator: BigInt
        /// The power of ten dividing `numerator` (may be negative for large exponents).
        public let scale: Int
        /// The nearest Double, as Python's `float(text)` gives.
        public let doubleValue: Double

        /// Parses `[+-]digits[.digits][(e|E)[+-]digits]` exactly.
        ///
        /// - Throws: `malformedNumber` for anything else, including `inf` and `nan`.
        public init(_ text: String) throws(PaillierError) {
            var characters = Substring(text)
            var negative = false
            if let first = characters.first, first == "-" || first == "+" {
                negative = first == "-"
                characters = characters.dropFirst()
            }
            var mantissa = characters, exponentPart: Substring = ""
            if let e = characters.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                mantissa = characters[..<e]
                exponentPart = characters[characters.index(after: e)...]
                guard !exponentPart.isEmpty else { throw .malformedNumber("'\(text)' has an empty exponent") }
            }
            let pieces = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            let integerDigits = pieces[0], fractionDigits = pieces.count > 1 ? pieces[1] : ""
            guard !(integerDigits.isEmpty && fractionDigits.isEmpty),
                  (integerDigits + fractionDigits).allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .malformedNumber("'\(text)' is not a decimal number")
            }
            var exponent = 0
            if !exponentPart.isEmpty {
                guard let parsed = Int(exponentPart), (-100_000...100_000).contains(parsed) else {
                    throw .malformedNumber("'\(text)' has an invalid exponent")
                }
                exponent = parsed
            }
            guard let digits = BigInt(String(integerDigits + fractionDigits)), let double = Double(text) else {
                throw .malformedNumber("'\(text)' is not a decimal number")
            }
            guard double.isFinite else { throw .malformedNumber("'\(text)' is out of the Double range") }
            numerator = negative ? -digits : digits
            scale = fractionDigits.count - exponent
            doubleValue = double
        }

        /// `round(self · 16^(−exponent))`, ties to even (Python's `round` on a `Fraction`).
        func scaled(base16Exponent exponent: Int) -> BigInt {
            // value · 16^(−e) = numerator · 2^(−4e) / 10^scale
            var top = numerator, bottom = BigInt(1)
            if exponent <= 0 { top = top << (-4 * exponent) } else { bottom = bottom << (4 * exponent) }
            let ten = BigInt(10)
            if scale >= 0 {
                bottom *= (try? ten.power(scale)) ?? 1
            } else {
                top *= (try? ten.power(-scale)) ?? 1
            }
            return Self.roundHalfEven(top, bottom)
        }

        /// `round(top / bottom)` with ties to even; `bottom` positive.
        static func roundHalfEven(_ top: BigInt, _ bottom: BigInt) -> BigInt {
            let quotient = (try? top.floorDivided(by: bottom)) ?? BigInt()
            let remainder = top - quotient * bottom
            let twice = remainder * 2
            if twice > bottom || (twice == bottom && quotient.isOdd) { return quotient + 1 }
            return quotient
        }
    }
}
