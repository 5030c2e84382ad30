// privagg-fuzz: one executable, one libFuzzer target per decoder of the core libraries,
// chosen by the first argument (the network decoders are in privagg-fuzz-network, a separate
// product so that CI's smoke run does not build gRPC, NIO and BoringSSL under the sanitizers).
//
//   privagg-fuzz TARGET [libFuzzer flags] [CORPUS_DIR...]   fuzz one target
//   privagg-fuzz seeds DIR                                  write the seed corpus to DIR/TARGET/
//   privagg-fuzz list                                       print the target names
//
// Built with `-sanitize=fuzzer,address`: libFuzzer's own `main` is linked in, but SwiftPM
// renames this module's entry point, so this code runs first and hands control to libFuzzer
// through `LLVMFuzzerRunDriver` once it knows which target to run.
import Foundation
import FuzzHarness

let executableName = "privagg-fuzz"
let targets: [FuzzTarget] = [
    FuzzTarget(name: "secagg-messages", body: SecAggMessagesTarget.run),
    FuzzTarget(name: "pheutil-public-key", body: PheutilTargets.runPublicKey),
    FuzzTarget(name: "pheutil-private-key", body: PheutilTargets.runPrivateKey),
    FuzzTarget(name: "pheutil-ciphertext", body: PheutilTargets.runCiphertext),
    FuzzTarget(name: "ledger", body: LedgerTarget.run),
    FuzzTarget(name: "privacy-event", body: PrivacyEventTarget.run),
]

func writeSeeds(_ root: String) async throws { try await Seeds.write(to: root) }

// Top-level values (globals), as before the split: the sanitizers' leak check at exit must not
// see them as leaked, which it would for locals of a function that calls `exit`.
let usage = """
    usage: \(executableName) TARGET [libFuzzer flags] [CORPUS_DIR...]
           \(executableName) seeds DIR
           \(executableName) list
    targets: \(targets.map(\.name).joined(separator: ", "))
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

var arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail(usage) }
switch arguments[1] {
case "list":
    for target in targets { print(target.name) }
case "seeds":
    guard arguments.count == 3 else { fail(usage) }
    do { try await writeSeeds(arguments[2]) } catch { fail("seeds: \(error)") }
case let name:
    guard let target = targets.first(where: { $0.name == name }) else { fail("unknown target \(name)\n" + usage) }
    arguments.remove(at: 1)
    exit(FuzzDriver.run(target, arguments: arguments))
}
