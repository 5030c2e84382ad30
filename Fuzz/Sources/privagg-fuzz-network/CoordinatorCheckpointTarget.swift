import Foundation
import FuzzHarness
import FederationSupport

/// The coordinator's binary checkpoint (FederationSupport's `CoordinatorCheckpoint`, read by
/// `CheckpointStore.load` when `serve --resume` starts). Each input is tried as it is and
/// resealed (its last four bytes replaced by the CRC-32 of the rest), so mutations reach the
/// fields behind the checksum. Oracles: decoding succeeds or throws a decoding error (never a
/// file-system, fingerprint or value error); what decodes re-encodes to exactly the input; a
/// decoded checkpoint saved by the store loads equal with its fingerprint and is refused as
/// `fingerprintMismatch` with another.
enum CoordinatorCheckpointTarget {
    static let store = CheckpointStore(directory: FuzzFolder.make("checkpoint"))

    static func run(_ bytes: [UInt8]) {
        check(bytes)
        if bytes.count >= 8 {
            var sealed = Array(bytes.dropLast(4))
            let crc = FuzzCRC32.checksum(sealed)
            withUnsafeBytes(of: crc.littleEndian) { sealed.append(contentsOf: $0) }
            check(sealed)
        }
    }

    private static func check(_ bytes: [UInt8]) {
        let checkpoint: CoordinatorCheckpoint
        do {
            checkpoint = try CoordinatorCheckpoint(decoding: bytes, path: "fuzz")
        } catch {
            switch error {
            case .notACheckpoint, .unsupportedVersion, .truncated, .checksumMismatch, .malformed: return
            case .invalidValue, .fingerprintMismatch, .tooLarge, .fileSystem: violated("decoding threw \(error)")
            }
        }
        guard checkpoint.encoded() == bytes else { violated("a decoded checkpoint does not re-encode to its bytes") }
        guard checkpoint.completedRounds >= 0, checkpoint.parameters.allSatisfy(\.isFinite) else {
            violated("accepted rounds \(checkpoint.completedRounds) or a non-finite parameter")
        }
        do {
            try store.save(checkpoint)
            guard try store.load(expectingFingerprint: checkpoint.configurationFingerprint) == checkpoint else {
                violated("a saved checkpoint loads different")
            }
        } catch {
            violated("a decoded checkpoint does not save and load: \(error)")
        }
        do {
            _ = try store.load(expectingFingerprint: checkpoint.configurationFingerprint + "x")
            violated("a checkpoint loaded under another fingerprint")
        } catch {
            guard case .fingerprintMismatch = error else { violated("another fingerprint threw \(error)") }
        }
    }
}

/// CRC-32 (IEEE, reflected 0xEDB88320), the checkpoint's checksum, to reseal mutated inputs.
enum FuzzCRC32 {
    static let table: [UInt32] = (0..<256).map { (n: Int) -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}

/// A private temporary folder per target (libFuzzer runs one input at a time).
enum FuzzFolder {
    static func make(_ name: String) -> String {
        var template = Array((NSTemporaryDirectory() + "/privagg-fuzz-\(name)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("mkdtemp failed: errno \(errno)") }
        return String(cString: made)
    }
}
