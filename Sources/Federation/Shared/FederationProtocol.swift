import Foundation

/// Constants and encodings every party of a federation shares.
public enum FederationProtocol {
    /// The orchestration protocol's version: a site and a coordinator of different versions
    /// refuse each other at Join, before anything else is exchanged.
    ///
    /// 2: SecAgg's authenticated mode (Welcome's session id, the site's KeyBinding after
    /// Welcome, the peers' bindings in the round parameters) and protocol payloads in pieces
    /// (`ProtocolMessage.total_length`); a version-1 peer would fail mid-round instead.
    public static let version: UInt32 = 2

    /// The largest gRPC message either side accepts (64 MiB: a model of 8·10^6 parameters, or
    /// a masked input of 10^7 48-bit entries). Larger messages are refused by the transport
    /// before they are decoded.
    public static let defaultMaximumMessageBytes = 64 << 20

    /// Packs doubles as little-endian IEEE 754 binary64, 8 bytes each.
    public static func pack(_ values: [Double]) -> Data {
        var data = Data(count: values.count * 8)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 8, as: UInt64.self)
            }
        }
        return data
    }

    /// Unpacks `pack(_:)`'s bytes.
    ///
    /// - Parameters:
    ///   - data: the packed bytes.
    ///   - count: the expected number of entries, if known.
    ///   - field: the field's name, for the error.
    /// - Throws: ``FederationError/malformedMessage(_:)`` if the length is not a multiple of 8,
    ///   differs from `count`, or an entry is NaN or infinite.
    public static func unpack(_ data: Data, count: Int? = nil, field: String) throws -> [Double] {
        guard data.count % 8 == 0 else {
            throw FederationError.malformedMessage("\(field): \(data.count) bytes is not a whole number of doubles")
        }
        let entries = data.count / 8
        if let count, entries != count {
            throw FederationError.malformedMessage("\(field): \(entries) entries, expected \(count)")
        }
        var values = [Double](repeating: 0, count: entries)
        data.withUnsafeBytes { raw in
            for index in 0..<entries {
                values[index] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw FederationError.malformedMessage("\(field): entry \(bad) is not finite")
        }
        return values
    }
}
