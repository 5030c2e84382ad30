import Foundation
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
public struct FuzzTarget: Sendable {
    public let name: String
    public let body: @Sendable ([UInt8]) -> Void

    public init(name: String, body: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.body = body
    }
}

/// Runs libFuzzer on one target (each executable's main.swift parses its command line).
public enum FuzzDriver {
    /// The target the C callback dispatches to; set once, before libFuzzer starts (which then
    /// calls back on this thread only), so the unchecked access is safe.
    nonisolated(unsafe) private static var selected: FuzzTarget?

    /// Runs libFuzzer on `target` with `arguments` (argv[0] first); returns its exit status.
    public static func run(_ target: FuzzTarget, arguments: [String]) -> Int32 {
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
        FuzzDriver.selected?.body(bytes)
        return 0
    }
}

/// Writes one target's seeds as files DIR/TARGET/NAME.
public func saveSeeds(_ seeds: [(String, [UInt8])], as target: String, in root: String) throws {
    let folder = URL(fileURLWithPath: root).appendingPathComponent(target)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, bytes) in seeds {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
    }
    print("\(target): \(seeds.count) seeds")
}

/// Traps with `message`: an oracle violation, which libFuzzer reports as a crash with its input.
public func violated(_ message: String) -> Never {
    fatalError("ORACLE VIOLATION: \(message)")
}
