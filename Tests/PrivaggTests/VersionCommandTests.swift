import Foundation
import Testing

@Suite("privagg version and demo")
struct VersionCommandTests {
    @Test func versionNamesTheLibraries() async throws {
        let run = try await runPrivagg(["version"])
        #expect(run.status == 0)
        #expect(run.standardOutput.contains("libsodium 1."))
        #expect(run.standardOutput.contains("gmp 6."))
    }

    @Test func versionAsJSONIsOneObject() async throws {
        let run = try await runPrivagg(["version", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: String]
        #expect(object?["privagg"] != nil)
        #expect(object?["gmp"]?.hasPrefix("6.") == true)
    }

    @Test func unknownSubcommandFailsOnStandardError() async throws {
        let run = try await runPrivagg(["no-such-command"])
        #expect(run.status != 0)
        #expect(run.standardOutput.isEmpty)
        #expect(!run.standardError.isEmpty)
    }
}
