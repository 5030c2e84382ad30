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

        /// `self · 16^(−exponent)` when that is an integer (the decimal lies exactly on the
        /// grid of 16^exponent), nil when it would have to be rounded.
        func exactlyScaled(base16Exponent exponent: Int) -> BigInt? {
            // self · 16^(−e) = numerator · 2^(−4e) / 10^scale
            var top = numerator, bottom = BigInt(1)
            if exponent <= 0 { top = top << (-4 * exponent) } else { bottom = bottom << (4 * exponent) }
            do {
                // The parser bounds |scale| (digits plus an exponent within ±100000).
                if scale >= 0 { bottom *= try BigInt(10).power(scale) } else { top *= try BigInt(10).power(-scale) }
                let (quotient, remainder) = try top.quotientAndRemainder(dividingBy: bottom)
                return remainder.isZero ? quotient : nil
            } catch {
                preconditionFailure("non-negative powers of ten and a positive divisor cannot fail: \(error)")
            }
        }
    }
}
