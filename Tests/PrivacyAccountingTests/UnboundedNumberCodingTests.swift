import Foundation
import PrivacyAccounting
import Testing

@Suite("Unbounded numbers are JSON null")
struct UnboundedNumberCodingTests {
    struct Sample: Codable, Equatable {
        var epsilon: Double
        enum CodingKeys: String, CodingKey { case epsilon }
        init(epsilon: Double) { self.epsilon = epsilon }
        init(from decoder: any Decoder) throws {
            epsilon = try decoder.container(keyedBy: CodingKeys.self).decodeUnbounded(forKey: .epsilon)
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeNullIfUnbounded(epsilon, forKey: .epsilon)
        }
    }

    @Test func infinityIsNullAndNullIsInfinity() throws {
        #expect(String(decoding: try JSONEncoder().encode(Sample(epsilon: .infinity)), as: UTF8.self) == #"{"epsilon":null}"#)
        #expect(String(decoding: try JSONEncoder().encode(Sample(epsilon: 1.5)), as: UTF8.self) == #"{"epsilon":1.5}"#)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(#"{"epsilon":null}"#.utf8)).epsilon == .infinity)
        #expect(try JSONDecoder().decode(Sample.self, from: Data("{}".utf8)).epsilon == .infinity)
        #expect(try JSONDecoder().decode(Sample.self, from: Data(#"{"epsilon":0.25}"#.utf8)).epsilon == 0.25)
    }
}
