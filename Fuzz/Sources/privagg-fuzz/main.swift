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
import FuzzHarness

await FuzzDriver.main(
    targets: [
        FuzzTarget(name: "secagg-messages", body: SecAggMessagesTarget.run),
        FuzzTarget(name: "pheutil-public-key", body: PheutilTargets.runPublicKey),
        FuzzTarget(name: "pheutil-private-key", body: PheutilTargets.runPrivateKey),
        FuzzTarget(name: "pheutil-ciphertext", body: PheutilTargets.runCiphertext),
        FuzzTarget(name: "ledger", body: LedgerTarget.run),
        FuzzTarget(name: "privacy-event", body: PrivacyEventTarget.run),
    ],
    writeSeeds: Seeds.write(to:))
