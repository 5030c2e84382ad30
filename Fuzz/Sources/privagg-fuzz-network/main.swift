// privagg-fuzz-network: the libFuzzer targets of the decoders that issues 15 and 19 added
// (federation checkpoints and messages, SecAgg key bindings, Flower's .npy and objects). A
// product of its own because its dependencies (gRPC, SwiftNIO, BoringSSL, AsyncHTTPClient)
// take over an hour to build under `-sanitize=fuzzer,address` on two cores; `make
// fuzz-network` builds and runs it, CI's `make fuzz-smoke` does not.
//
//   privagg-fuzz-network TARGET [libFuzzer flags] [CORPUS_DIR...]
//   privagg-fuzz-network seeds DIR
//   privagg-fuzz-network list
import Foundation
import FuzzHarness

let executableName = "privagg-fuzz-network"
let targets: [FuzzTarget] = [
    FuzzTarget(name: "coordinator-checkpoint", body: CoordinatorCheckpointTarget.run),
    FuzzTarget(name: "federation-checkpoint", body: FederationCheckpointTarget.run),
    FuzzTarget(name: "secagg-key-binding", body: KeyBindingTarget.run),
    FuzzTarget(name: "federation-site-message", body: FederationMessageTargets.runSiteMessage),
    FuzzTarget(name: "federation-coordinator-message", body: FederationMessageTargets.runCoordinatorMessage),
    FuzzTarget(name: "flower-npy", body: FlowerTargets.runNPY),
    FuzzTarget(name: "flower-objects", body: FlowerTargets.runObjects),
]

func writeSeeds(_ root: String) async throws {
    try saveSeeds(NetworkSeeds.coordinatorCheckpoints(), as: "coordinator-checkpoint", in: root)
    try saveSeeds(NetworkSeeds.federationCheckpoints(), as: "federation-checkpoint", in: root)
    try saveSeeds(NetworkSeeds.keyBindings(), as: "secagg-key-binding", in: root)
    try saveSeeds(NetworkSeeds.siteMessages(), as: "federation-site-message", in: root)
    try saveSeeds(NetworkSeeds.coordinatorMessages(), as: "federation-coordinator-message", in: root)
    try saveSeeds(NetworkSeeds.npyArrays(), as: "flower-npy", in: root)
    try saveSeeds(NetworkSeeds.flowerObjects(), as: "flower-objects", in: root)
}

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
