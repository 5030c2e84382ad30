#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libFuzzer's driver entry point (in the fuzzer runtime linked by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// A fuzz target: a name (also its corpus folder) and a body that takes one input and traps
/// (`fatalError`) when an oracle is violated; libFuzzer then saves the input as a crash.
struct FuzzTarget: Sendable {
    let name: String
    let body: @Sendable ([UInt8]) -> Void
}

enum FuzzTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "secagg-messages", body: SecAggMessagesTarget.run),
        FuzzTarget(name: "pheutil-public-key", body: PheutilTargets.runPublicKey),
        FuzzTarget(name: "pheutil-private-key", body: PheutilTargets.runPrivateKey),
        FuzzTarget(name: "pheutil-ciphertext", body: PheutilTargets.runCiphertext),
        FuzzTarget(name: "ledger", body: LedgerTarget.run),
        FuzzTarget(name: "privacy-event", body: PrivacyEventTarget.run),
        FuzzTarget(name: "coordinator-checkpoint", body: CoordinatorCheckpointTarget.run),
        FuzzTarget(name: "federation-checkpoint", body: FederationCheckpointTarget.run),
        FuzzTarget(name: "secagg-key-binding", body: KeyBindingTarget.run),
        FuzzTarget(name: "federation-site-message", body: FederationMessageTargets.runSiteMessage),
        FuzzTarget(name: "federation-coordinator-message", body: FederationMessageTargets.runCoordinatorMessage),
        FuzzTarget(name: "flower-npy", body: FlowerTargets.runNPY),
        FuzzTarget(name: "flower-objects", body: FlowerTargets.runObjects),
    ]

    /// The target the C callback dispatches to; set once, before libFuzzer starts (which then
    /// calls back on this thread only), so the unchecked access is safe.
    nonisolated(unsafe) private static var selected: FuzzTarget?

    /// Runs libFuzzer on `target` with `arguments` (argv[0] first); returns its exit status.
    static func run(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        selected = target
        var argc = Int32(arguments.count)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        return argv.withUnsafeMutableBufferPointer { buffer in
            var base = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &base, testOneInput)
        }
    }

    private static let testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32 = { data, size in
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        FuzzTargets.selected?.body(bytes)
        return 0
    }
}

/// Traps with `message`: an oracle violation, which libFuzzer reports as a crash with its input.
func violated(_ message: String) -> Never {
    fatalError("ORACLE VIOLATION: \(message)")
}
