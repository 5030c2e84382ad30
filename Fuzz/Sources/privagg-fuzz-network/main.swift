// privagg-fuzz-network: the libFuzzer targets of the decoders that issues 15 and 19 added
// (federation checkpoints and messages, SecAgg key bindings, Flower's .npy and objects). A
// product of its own because its dependencies (gRPC, SwiftNIO, BoringSSL, AsyncHTTPClient)
// take over an hour to build under `-sanitize=fuzzer,address` on two cores; `make
// fuzz-network` builds and runs it, CI's `make fuzz-smoke` does not.
//
//   privagg-fuzz-network TARGET [libFuzzer flags] [CORPUS_DIR...]
//   privagg-fuzz-network seeds DIR
//   privagg-fuzz-network list
import FuzzHarness

await FuzzDriver.main(
    targets: [
        FuzzTarget(name: "coordinator-checkpoint", body: CoordinatorCheckpointTarget.run),
        FuzzTarget(name: "federation-checkpoint", body: FederationCheckpointTarget.run),
        FuzzTarget(name: "secagg-key-binding", body: KeyBindingTarget.run),
        FuzzTarget(name: "federation-site-message", body: FederationMessageTargets.runSiteMessage),
        FuzzTarget(name: "federation-coordinator-message", body: FederationMessageTargets.runCoordinatorMessage),
        FuzzTarget(name: "flower-npy", body: FlowerTargets.runNPY),
        FuzzTarget(name: "flower-objects", body: FlowerTargets.runObjects),
    ],
    writeSeeds: { root in
        try saveSeeds(NetworkSeeds.coordinatorCheckpoints(), as: "coordinator-checkpoint", in: root)
        try saveSeeds(NetworkSeeds.federationCheckpoints(), as: "federation-checkpoint", in: root)
        try saveSeeds(NetworkSeeds.keyBindings(), as: "secagg-key-binding", in: root)
        try saveSeeds(NetworkSeeds.siteMessages(), as: "federation-site-message", in: root)
        try saveSeeds(NetworkSeeds.coordinatorMessages(), as: "federation-coordinator-message", in: root)
        try saveSeeds(NetworkSeeds.npyArrays(), as: "flower-npy", in: root)
        try saveSeeds(NetworkSeeds.flowerObjects(), as: "flower-objects", in: root)
    })
