import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A companion executable that carries a part of the command line whose dependencies are heavy.
///
/// The networked commands (gRPC federation, the Flower node) link SwiftNIO, BoringSSL, gRPC and
/// SwiftProtobuf. Linking them into `privagg` would put their release build inside `make demo`'s
/// five-minute promise, so they live in their own executables, built next to `privagg`
/// (`make federation`, `swift build -c release --product NAME`). `privagg serve …` and friends
/// replace the current process with the companion (exec), so exit codes, signals and standard
/// streams behave exactly as if the companion had been started directly.
struct CompanionExecutable {
    /// The executable's file name, e.g. `privagg-federation`.
    let name: String
    /// The command that builds it, quoted in the error when it is missing.
    let buildHint: String

    /// The companion's path: beside the running `privagg` first (a build folder or an install
    /// prefix), then on `PATH`.
    func locate() -> String? {
        var candidates: [String] = []
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            // `try?`: on a system without /proc the next candidates still apply.
            candidates.append(URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent(name).path)
        }
        let argv0 = CommandLine.arguments.first ?? ""
        if argv0.contains("/") {
            candidates.append(URL(fileURLWithPath: argv0).deletingLastPathComponent().appendingPathComponent(name).path)
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append(String(directory) + "/" + name)
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Replaces this process with the companion, passing `arguments` after its name.
    ///
    /// - Throws: `ValidationError` naming the build command when the companion is not built,
    ///   or the `exec` failure with its `errno` text. It never returns on success.
    func exec(_ arguments: [String]) throws -> Never {
        guard let path = locate() else {
            throw ValidationError(
                "'\(name)' was not found beside privagg or on PATH. The networked commands live in that "
                    + "companion executable so that `make demo` need not build gRPC; build it with `\(buildHint)`."
            )
        }
        let argv = [path] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArguments.append(nil)
        execv(path, &cArguments)
        let reason = String(cString: strerror(errno))
        for pointer in cArguments { free(pointer) }
        throw ValidationError("could not start \(path): \(reason)")
    }
}
