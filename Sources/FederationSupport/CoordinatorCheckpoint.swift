/// The coordinator's durable state after a completed round: the global model, the number of
/// completed rounds, a fingerprint of the run's configuration (a resume with another
/// configuration is refused) and an opaque payload the coordinator may add (e.g. its round
/// records as JSON, to rebuild the report).
///
/// Binary form (``encoded()``, all integers little-endian), version 1:
///
/// ```
/// "PAGC"                          magic (PrivAgg coordinator checkpoint)
/// u16 version = 1, u16 flags = 0
/// u64 completed rounds
/// u16 fingerprint length, fingerprint bytes (UTF-8, 1…1024)
/// u64 parameter count, count × f64 (IEEE-754 bit patterns; finite)
/// u64 payload length, payload bytes
/// u32 CRC-32 of every byte before it
/// ```
///
/// Doubles are stored as bit patterns, so a resumed model is the saved one bit for bit.
public struct CoordinatorCheckpoint: Sendable, Equatable {
    /// The format version written and the only one read.
    public static let formatVersion: UInt16 = 1
    /// The longest configuration fingerprint accepted.
    public static let maximumFingerprintLength = 1024
    static let magic: [UInt8] = Array("PAGC".utf8)
    /// Bytes before the fingerprint: magic, version, flags, rounds, fingerprint length.
    static let fixedPrefixLength = 4 + 2 + 2 + 8 + 2

    /// Rounds completed (the next round to run is this plus one).
    public let completedRounds: Int
    /// A fingerprint of the run's configuration (e.g. ``ConfigurationFingerprint``).
    public let configurationFingerprint: String
    /// The global model's parameters after ``completedRounds`` rounds.
    public let parameters: [Double]
    /// Bytes the coordinator keeps with the model (not interpreted here).
    public let payload: [UInt8]

    /// A checkpoint.
    ///
    /// - Parameters:
    ///   - completedRounds: Rounds completed, ≥ 0.
    ///   - configurationFingerprint: The run's configuration fingerprint (1 to 1024 UTF-8 bytes).
    ///   - parameters: The global model (finite values).
    ///   - payload: Extra bytes to keep (may be empty).
    /// - Throws: ``CheckpointError/invalidValue(reason:)`` for a negative round count, an
    ///   empty or oversized fingerprint, or a non-finite parameter (a model that diverged is
    ///   not a state to resume from).
    public init(completedRounds: Int, configurationFingerprint: String, parameters: [Double], payload: [UInt8] = []) throws(CheckpointError) {
        guard completedRounds >= 0 else { throw .invalidValue(reason: "completed rounds \(completedRounds) < 0") }
        let fingerprintLength = configurationFingerprint.utf8.count
        guard fingerprintLength >= 1, fingerprintLength <= Self.maximumFingerprintLength else {
            throw .invalidValue(reason: "fingerprint of \(fingerprintLength) bytes, expected 1...\(Self.maximumFingerprintLength)")
        }
        if let index = parameters.firstIndex(where: { !$0.isFinite }) {
            throw .invalidValue(reason: "parameter \(index) is \(parameters[index])")
        }
        self.completedRounds = completedRounds
        self.configurationFingerprint = configurationFingerprint
        self.parameters = parameters
        self.payload = payload
    }

    /// The binary form.
    public func encoded() -> [UInt8] {
        let fingerprint = Array(configurationFingerprint.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.fixedPrefixLength + fingerprint.count + 8 + parameters.count * 8 + 8 + payload.count + 4)
        bytes += Self.magic
        append(Self.formatVersion, to: &bytes)
        append(UInt16(0), to: &bytes)
        append(UInt64(completedRounds), to: &bytes)
        append(UInt16(fingerprint.count), to: &bytes)
        bytes += fingerprint
        append(UInt64(parameters.count), to: &bytes)
        for value in parameters { append(value.bitPattern, to: &bytes) }
        append(UInt64(payload.count), to: &bytes)
        bytes += payload
        append(CRC32.checksum(bytes[...]), to: &bytes)
        return bytes
    }

    /// Parses the binary form strictly.
    ///
    /// - Parameters:
    ///   - bytes: The bytes of a checkpoint file.
    ///   - path: How errors name the source.
    /// - Throws: ``CheckpointError``: `notACheckpoint` (wrong magic), `unsupportedVersion`,
    ///   `truncated`, `checksumMismatch`, `malformed` (flags, lengths, trailing bytes,
    ///   non-finite values, invalid UTF-8).
    public init(decoding bytes: [UInt8], path: String) throws(CheckpointError) {
        guard bytes.count >= 4, Array(bytes[0..<4]) == Self.magic else { throw .notACheckpoint(path: path) }
        var reader = Reader(bytes: bytes, path: path, offset: 4)
        let version: UInt16 = try reader.read()
        guard version == Self.formatVersion else {
            throw .unsupportedVersion(path: path, found: Int(version), supported: Int(Self.formatVersion))
        }
        // The checksum covers everything; check it before trusting any length field further on,
        // but only once the structure says where it is (lengths are bounded by the file size).
        let flags: UInt16 = try reader.read()
        let rounds: UInt64 = try reader.read()
        let fingerprintLength = Int(try reader.read() as UInt16)
        let fingerprint = try reader.bytes(fingerprintLength)
        let count = try reader.count(elementSize: 8)
        let parametersOffset = reader.offset
        try reader.skip(count * 8)
        let payloadLength = try reader.count(elementSize: 1)
        let payload = try reader.bytes(payloadLength)
        let checksumOffset = reader.offset
        let storedChecksum: UInt32 = try reader.read()
        guard reader.offset == bytes.count else {
            throw .malformed(path: path, reason: "\(bytes.count - reader.offset) bytes after the checksum")
        }
        guard CRC32.checksum(bytes[0..<checksumOffset]) == storedChecksum else { throw .checksumMismatch(path: path) }
        guard flags == 0 else { throw .malformed(path: path, reason: "unknown flags \(flags)") }
        guard rounds <= UInt64(Int.max) else { throw .malformed(path: path, reason: "round count \(rounds)") }
        guard let fingerprintText = String(validating: fingerprint, as: UTF8.self) else {
            throw .malformed(path: path, reason: "the configuration fingerprint is not UTF-8")
        }
        var parameters = [Double](repeating: 0, count: count)
        var parameterReader = Reader(bytes: bytes, path: path, offset: parametersOffset)
        for index in 0..<count {
            parameters[index] = Double(bitPattern: try parameterReader.read())
        }
        do {
            try self.init(completedRounds: Int(rounds), configurationFingerprint: fingerprintText, parameters: parameters, payload: payload)
        } catch {
            // A checksum-valid file with invalid values was written by something else than us.
            throw .malformed(path: path, reason: "\(error)")
        }
    }

    private func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A bounds-checked little-endian reader.
    private struct Reader {
        let bytes: [UInt8]
        let path: String
        var offset: Int

        mutating func read<T: FixedWidthInteger>() throws(CheckpointError) -> T {
            let size = MemoryLayout<T>.size
            guard bytes.count - offset >= size else { throw .truncated(path: path, offset: offset) }
            var value: T = 0
            for index in 0..<size { value |= T(bytes[offset + index]) << (8 * index) }
            offset += size
            return value
        }

        mutating func bytes(_ count: Int) throws(CheckpointError) -> [UInt8] {
            guard count >= 0, bytes.count - offset >= count else { throw .truncated(path: path, offset: offset) }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }

        mutating func skip(_ count: Int) throws(CheckpointError) {
            guard count >= 0, bytes.count - offset >= count else { throw .truncated(path: path, offset: offset) }
            offset += count
        }

        /// A u64 element count, refused when its elements could not fit in the rest of the file.
        mutating func count(elementSize: Int) throws(CheckpointError) -> Int {
            let start = offset
            let raw: UInt64 = try read()
            guard raw <= UInt64((bytes.count - offset) / elementSize) else { throw .truncated(path: path, offset: start) }
            return Int(raw)
        }
    }
}

/// Why a checkpoint could not be written, read or used.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value cannot be checkpointed (negative rounds, bad fingerprint, non-finite model).
    case invalidValue(reason: String)
    /// The file does not start with the checkpoint magic.
    case notACheckpoint(path: String)
    /// The file is of a format version this build does not read.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// The file ends before a field it announces (a torn or cut file).
    case truncated(path: String, offset: Int)
    /// The bytes are not the ones written (CRC-32 mismatch).
    case checksumMismatch(path: String)
    /// The structure is wrong in another way.
    case malformed(path: String, reason: String)
    /// The checkpoint belongs to a run with another configuration.
    case fingerprintMismatch(path: String, expected: String, found: String)
    /// The file is larger than a checkpoint may be.
    case tooLarge(path: String, limit: Int)
    /// A file operation failed with `errno`.
    case fileSystem(path: String, operation: String, errno: Int32)

    /// A sentence naming the problem and the file.
    public var description: String {
        switch self {
        case .invalidValue(let reason):
            return "cannot checkpoint: \(reason)"
        case .notACheckpoint(let path):
            return "\(path) is not a PrivAgg coordinator checkpoint"
        case .unsupportedVersion(let path, let found, let supported):
            return "\(path) is a version-\(found) checkpoint; this build reads version \(supported)"
        case .truncated(let path, let offset):
            return "\(path) is truncated (a field at byte \(offset) runs past the end of the file)"
        case .checksumMismatch(let path):
            return "\(path) is corrupt (CRC-32 mismatch)"
        case .malformed(let path, let reason):
            return "\(path) is malformed: \(reason)"
        case .fingerprintMismatch(let path, let expected, let found):
            return "\(path) belongs to a run with another configuration (fingerprint \(found), this run's is \(expected)); resume with the same settings or choose a new directory"
        case .tooLarge(let path, let limit):
            return "\(path) is larger than the checkpoint limit of \(limit) bytes"
        case .fileSystem(let path, let operation, let code):
            return DurableFile.Failure(path: path, operation: operation, code: code).description
        }
    }
}
