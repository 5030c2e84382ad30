import Crypto
import Foundation

/// A fingerprint of a run's configuration, stored in its checkpoint so that `--resume` with
/// other settings (sites, aggregator, privacy mode, budget, model, seed…) is refused instead
/// of silently continuing a different experiment.
public enum ConfigurationFingerprint {
    /// `sha256:` and the hex SHA-256 of `configuration` encoded as JSON with sorted keys (so
    /// the same values always give the same fingerprint, whatever the field order in code).
    ///
    /// - Parameter configuration: The settings that must not change across a resume.
    /// - Returns: e.g. `sha256:3f2a…`.
    /// - Throws: The encoder's error for a value JSON cannot represent (e.g. a NaN double).
    public static func of(_ configuration: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return of(bytes: Array(try encoder.encode(configuration)))
    }

    /// `sha256:` and the hex SHA-256 of `bytes`.
    ///
    /// - Parameter bytes: A canonical encoding of the configuration.
    /// - Returns: The fingerprint.
    public static func of(bytes: [UInt8]) -> String {
        "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
