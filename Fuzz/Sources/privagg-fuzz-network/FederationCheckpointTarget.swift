import Federation
import Foundation
import FuzzHarness

/// The federation coordinator's JSON checkpoint (`CoordinatorCheckpoint(contentsOf:)` in
/// Federation), read from a file. Oracles: reading succeeds or throws
/// `FederationError.checkpoint`; what is read has the current version, finite values and a
/// round count ≥ 0, and writes back to a file that reads equal.
enum FederationCheckpointTarget {
    static let folder = FuzzFolder.make("federation-checkpoint")

    static func run(_ bytes: [UInt8]) {
        let path = folder + "/checkpoint.json"
        unlink(path)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fatalError("cannot write \(path)") }
        let checkpoint: CoordinatorCheckpoint
        do {
            checkpoint = try CoordinatorCheckpoint(contentsOf: path)
        } catch {
            guard case .checkpoint? = error as? FederationError else { violated("reading a checkpoint threw \(error)") }
            return
        }
        guard checkpoint.version == CoordinatorCheckpoint.currentVersion, checkpoint.completedRounds >= 0,
              checkpoint.parameters.allSatisfy(\.isFinite), checkpoint.statistics.allSatisfy(\.isFinite) else {
            violated("accepted version \(checkpoint.version), rounds \(checkpoint.completedRounds) or a non-finite value")
        }
        let copy = folder + "/copy.json"
        do {
            try checkpoint.write(to: copy)
            guard try CoordinatorCheckpoint(contentsOf: copy) == checkpoint else { violated("a written checkpoint reads different") }
        } catch {
            violated("a checkpoint that was read does not write and read back: \(error)")
        }
    }
}
