import Bignum
import Testing

@Suite("BigInt basics")
struct BigIntBasicsTests {
    @Test func mersenne4423IsPrime() {
        let p = (BigInt(1) << 4423) - 1
        #expect(p.isProbablePrime())
        #expect(!((BigInt(1) << 4421) - 1).isProbablePrime())
    }
}
