import Foundation
import Testing

@testable import FederationSupport

@Suite struct CheckpointStoreTests {
    /// A fresh private directory for one test.
    private func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "privagg-checkpoint-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    private func sample(rounds: Int = 7) throws -> CoordinatorCheckpoint {
        try CoordinatorCheckpoint(
            completedRounds: rounds, configurationFingerprint: "sha256:abc",
            parameters: [0.1, -2.5e-300, .pi, -0.0, Double.leastNonzeroMagnitude, 1e300], payload: Array("{\"rounds\":[]}".utf8))
    }

    @Test func roundTripsBitForBit() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = CheckpointStore(directory: directory)
        #expect(try store.load(expectingFingerprint: "sha256:abc") == nil)
        let checkpoint = try sample()
        try store.save(checkpoint)
        let loaded = try #require(try store.load(expectingFingerprint: "sha256:abc"))
        #expect(loaded == checkpoint)
        #expect(loaded.parameters.map(\.bitPattern) == checkpoint.parameters.map(\.bitPattern))
        // -0.0 == 0.0 for ==, so check its sign bit explicitly.
        #expect(loaded.parameters[3].sign == .minus)

        // A later save replaces it atomically and leaves no temporary file behind.
        let next = try sample(rounds: 8)
        try store.save(next)
        #expect(try store.load(expectingFingerprint: "sha256:abc")?.completedRounds == 8)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == [CheckpointStore.fileName])
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
    }

    @Test func refusesAnotherConfiguration() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = CheckpointStore(directory: directory)
        try store.save(try sample())
        #expect(throws: CheckpointError.fingerprintMismatch(path: store.path, expected: "sha256:other", found: "sha256:abc")) {
            try store.load(expectingFingerprint: "sha256:other")
        }
    }

    @Test func everyTruncationIsRefused() throws {
        let bytes = try sample().encoded()
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            do {
                _ = try CoordinatorCheckpoint(decoding: prefix, path: "c")
                Issue.record("a \(length)-byte prefix of \(bytes.count) was accepted")
            } catch {
                switch error {
                case .notACheckpoint where length < 4, .truncated:
                    break
                default:
                    Issue.record("prefix of \(length) bytes: \(error)")
                }
            }
        }
    }

    @Test func everyFlippedByteIsRefused() throws {
        let bytes = try sample().encoded()
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x01
            #expect(throws: CheckpointError.self, "flipped byte \(index)") { try CoordinatorCheckpoint(decoding: damaged, path: "c") }
        }
        // A flip in the model's bytes is caught by the checksum, not by a structural check.
        var damaged = bytes
        damaged[CoordinatorCheckpoint.fixedPrefixLength + "sha256:abc".utf8.count + 8 + 3] ^= 0x40
        #expect(throws: CheckpointError.checksumMismatch(path: "c")) { try CoordinatorCheckpoint(decoding: damaged, path: "c") }
    }

    @Test func refusesOtherVersionsTrailingBytesAndForeignFiles() throws {
        var bytes = try sample().encoded()
        bytes[4] = 2
        #expect(throws: CheckpointError.unsupportedVersion(path: "c", found: 2, supported: 1)) {
            try CoordinatorCheckpoint(decoding: bytes, path: "c")
        }
        #expect(throws: CheckpointError.malformed(path: "c", reason: "1 bytes after the checksum")) {
            try CoordinatorCheckpoint(decoding: try sample().encoded() + [0], path: "c")
        }
        #expect(throws: CheckpointError.notACheckpoint(path: "c")) {
            try CoordinatorCheckpoint(decoding: Array("{\"round\": 3}".utf8), path: "c")
        }
        // A count that claims more doubles than the file holds is refused before allocating.
        var huge = try CoordinatorCheckpoint(completedRounds: 1, configurationFingerprint: "f", parameters: []).encoded()
        let countOffset = CoordinatorCheckpoint.fixedPrefixLength + 1
        for index in 0..<8 { huge[countOffset + index] = 0xFF }
        #expect(throws: CheckpointError.truncated(path: "c", offset: countOffset)) { try CoordinatorCheckpoint(decoding: huge, path: "c") }
    }

    @Test func refusesValuesThatCannotBeResumed() {
        #expect(throws: CheckpointError.invalidValue(reason: "parameter 1 is nan")) {
            try CoordinatorCheckpoint(completedRounds: 1, configurationFingerprint: "f", parameters: [0, .nan])
        }
        #expect(throws: CheckpointError.invalidValue(reason: "completed rounds -1 < 0")) {
            try CoordinatorCheckpoint(completedRounds: -1, configurationFingerprint: "f", parameters: [])
        }
        #expect(throws: CheckpointError.invalidValue(reason: "fingerprint of 0 bytes, expected 1...1024")) {
            try CoordinatorCheckpoint(completedRounds: 0, configurationFingerprint: "", parameters: [])
        }
    }

    @Test func unreadableOrForeignCheckpointFilesAreErrorsNotAFreshStart() throws {
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = CheckpointStore(directory: directory)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: store.path))
        #expect(throws: CheckpointError.notACheckpoint(path: store.path)) { try store.load(expectingFingerprint: "f") }
        try FileManager.default.removeItem(atPath: store.path)
        try FileManager.default.createDirectory(atPath: store.path, withIntermediateDirectories: false)
        #expect(throws: CheckpointError.fileSystem(path: store.path, operation: "read", errno: EISDIR)) {
            try store.load(expectingFingerprint: "f")
        }
    }

    @Test func fingerprintsAreStableAndSensitive() throws {
        struct Settings: Encodable {
            var sites: [String]
            var rounds: Int
        }
        let a = try ConfigurationFingerprint.of(Settings(sites: ["a", "b"], rounds: 3))
        #expect(a == (try ConfigurationFingerprint.of(Settings(sites: ["a", "b"], rounds: 3))))
        #expect(a != (try ConfigurationFingerprint.of(Settings(sites: ["a", "b"], rounds: 4))))
        #expect(a.hasPrefix("sha256:") && a.count == 7 + 64)
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        #expect(ConfigurationFingerprint.of(bytes: Array("abc".utf8)) == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
