import Sodium
import Testing

@Suite("SecureRandom")
struct SecureRandomTests {
    @Test func drawsDifferFromCallToCall() {
        var generator = SecureRandom()
        let first = generator.bytes(count: 32), second = generator.bytes(count: 32)
        #expect(first != second)
        #expect(first.count == 32)
    }

    @Test func boundedDrawsStayInRange() {
        var generator = SecureRandom()
        for _ in 0..<1000 {
            #expect((0..<7).contains(Int.random(in: 0..<7, using: &generator)))
        }
    }
}
