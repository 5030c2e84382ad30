// privagg-fuzz: one executable, one libFuzzer target per decoder, chosen by the first argument.
//
//   privagg-fuzz TARGET [libFuzzer flags] [CORPUS_DIR...]   fuzz one target
//   privagg-fuzz seeds DIR                                  write the seed corpus to DIR/TARGET/
//   privagg-fuzz list                                       print the target names
//
// Built with `-sanitize=fuzzer,address`: libFuzzer's own `main` is linked in, but SwiftPM
// renames this module's entry point, so this code runs first and hands control to libFuzzer
// through `LLVMFuzzerRunDriver` once it knows which target to run.
import Foundation

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

let usage = """
    usage: privagg-fuzz TARGET [libFuzzer flags] [CORPUS_DIR...]
           privagg-fuzz seeds DIR
           privagg-fuzz list
    targets: \(FuzzTargets.all.map(\.name).joined(separator: ", "))
    """

var arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail(usage) }
switch arguments[1] {
case "list":
    for target in FuzzTargets.all { print(target.name) }
case "seeds":
    guard arguments.count == 3 else { fail(usage) }
    do { try await Seeds.write(to: arguments[2]) } catch { fail("seeds: \(error)") }
case let name:
    guard let target = FuzzTargets.all.first(where: { $0.name == name }) else { fail("unknown target \(name)\n" + usage) }
    arguments.remove(at: 1)
    exit(FuzzTargets.run(target, arguments: arguments))
}
