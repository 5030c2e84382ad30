import FedAvg
import Foundation
import StrictInput
#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// The coordinator's durable state after a completed round: the global model, the round, the
/// summed standardization statistics and the records so far. Written atomically (temporary
/// file, fsync, rename, fsync of the folder) after every round, so a killed coordinator
/// resumes from the last completed round and never from a half-written file.
public struct CoordinatorCheckpoint: Sendable, Codable, Equatable {
    /// The format's version.
    public static let currentVersion = 1
    /// The format's version of this checkpoint.
    public var version: Int
    /// The sites, in protocol order.
    public var sites: [String]
    /// The run's settings, described (a resumed run must have the same).
    public var settings: String
    /// Rounds completed (abandoned ones included: their number is spent).
    public var completedRounds: Int
    /// The global model's parameters after them.
    public var parameters: [Double]
    /// The summed feature statistics the sites standardized with (empty for private runs).
    public var statistics: [Double]
    /// The records so far.
    public var records: [FederationRoundRecord]

    /// A one-line description of everything in `settings` that shapes the model.
    public static func describe(_ settings: RunSettings) -> String {
        "aggregator=\(settings.aggregator.rawValue) privacy=\(settings.privacy) local=\(settings.localTraining) "
            + "model=\(settings.model.name) l2=\(settings.l2Penalty) bound=\(settings.updateBound) "
            + "records=\(settings.maximumClientRecords) bits=\(settings.bitWidth)"
    }

    /// Reads a checkpoint written by ``write(to:)``.
    ///
    /// - Throws: ``FederationError/checkpoint(_:)`` if it cannot be read, is not valid JSON of
    ///   this format, or holds a non-finite parameter.
    public init(contentsOf path: String) throws {
        let data: Data
        do { data = Data(try BoundedRead.contents(ofFile: path, limit: 1 << 30)) } catch {
            throw FederationError.checkpoint("cannot read \(path): \(error)")
        }
        do {
            self = try JSONDecoder().decode(CoordinatorCheckpoint.self, from: data)
        } catch {
            throw FederationError.checkpoint("\(path) is not a coordinator checkpoint: \(error)")
        }
        guard version == Self.currentVersion else { throw FederationError.checkpoint("\(path) has version \(version), expected \(Self.currentVersion)") }
        guard parameters.allSatisfy(\.isFinite), statistics.allSatisfy(\.isFinite), completedRounds >= 0 else {
            throw FederationError.checkpoint("\(path) holds a non-finite parameter or a negative round")
        }
    }

    init(sites: [String], settings: RunSettings, completedRounds: Int, parameters: [Double], statistics: [Double], records: [FederationRoundRecord]) {
        version = Self.currentVersion
        self.sites = sites
        self.settings = Self.describe(settings)
        self.completedRounds = completedRounds
        self.parameters = parameters
        self.statistics = statistics
        self.records = records
    }

    /// Writes the checkpoint atomically to `path` (mode 0600).
    ///
    /// - Throws: ``FederationError/checkpoint(_:)`` on any I/O failure (the old file is then intact).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do { data = try encoder.encode(self) } catch { throw FederationError.checkpoint("cannot encode: \(error)") }
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw FederationError.checkpoint("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var failure: String?
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = systemWrite(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = "write: \(String(cString: strerror(errno)))"
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = "fsync: \(String(cString: strerror(errno)))" }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw FederationError.checkpoint("\(temporary): \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw FederationError.checkpoint("cannot rename onto \(path): \(reason)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }
}
