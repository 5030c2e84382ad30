import ArgumentParser
import Bignum
import Sodium

/// `privagg version`: the toolkit's version and the C libraries it runs on.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print PrivAgg's version and the libsodium and GMP versions it runs on."
    )

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    func run() throws {
        if json {
            try emit(jsonString(["privagg": PrivAggVersion.current, "libsodium": Libsodium.version, "gmp": GMP.version]), to: nil)
        } else {
            try emit("privagg \(PrivAggVersion.current)\nlibsodium \(Libsodium.version)\ngmp \(GMP.version)", to: nil)
        }
    }
}
