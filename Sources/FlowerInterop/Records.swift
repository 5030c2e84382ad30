import Foundation

/// One named tensor of a Flower `ArrayRecord`: its NumPy dtype name, shape, serialization type
/// and serialized bytes (`.npy` when `stype` is `numpy.ndarray`).
public struct FlowerArray: Sendable, Equatable {
    /// NumPy's name of the element type (`float64`, `float32`, …).
    public let dtype: String
    /// The extent of every axis.
    public let shape: [Int]
    /// How `data` is serialized; PrivAgg reads and writes ``numpySerialization`` only.
    public let stype: String
    /// The serialized tensor.
    public let data: Data

    /// Flower's `SType.NUMPY`.
    public static let numpySerialization = "numpy.ndarray"

    /// An array as received or to be sent.
    public init(dtype: String, shape: [Int], stype: String, data: Data) {
        self.dtype = dtype
        self.shape = shape
        self.stype = stype
        self.data = data
    }

    /// The array Flower's `Array.from_numpy_ndarray` makes of `array`.
    public init(_ array: NPYArray) {
        self.init(dtype: array.elementType.numpyName, shape: array.shape, stype: Self.numpySerialization, data: array.npyData())
    }

    /// The tensor, read from its `.npy` bytes.
    ///
    /// - Throws: ``FlowerInteropError/unsupportedArray(_:)`` for another serialization, or
    ///   when the `.npy` header contradicts `dtype` or `shape`; ``FlowerInteropError/npy(_:)``
    ///   for malformed `.npy` bytes.
    public func npy() throws(FlowerInteropError) -> NPYArray {
        guard stype == Self.numpySerialization else { throw .unsupportedArray("serialization '\(stype)', expected '\(Self.numpySerialization)'") }
        let array: NPYArray
        do { array = try NPYArray(npy: data) } catch { throw .npy(error) }
        guard array.elementType.numpyName == dtype, array.shape == shape else {
            throw .unsupportedArray("the .npy header (\(array.elementType.numpyName) \(array.shape)) contradicts the Array's (\(dtype) \(shape))")
        }
        return array
    }
}

/// A value of a Flower `ConfigRecord` (`flwr.proto.ConfigRecordValue`).
public enum ConfigValue: Sendable, Equatable {
    /// A float (`double`).
    case double(Double)
    /// A Python int within int64 (`sint64`).
    case int(Int64)
    /// A Python int above int64's range (`uint64`).
    case uint(UInt64)
    /// A bool.
    case bool(Bool)
    /// A string.
    case string(String)
    /// Bytes.
    case bytes(Data)
    /// A list of floats.
    case doubles([Double])
    /// A list of ints within int64.
    case ints([Int64])
    /// A list of ints, one above int64's range.
    case uints([UInt64])
    /// A list of bools.
    case bools([Bool])
    /// A list of strings.
    case strings([String])
    /// A list of byte strings.
    case bytesList([Data])

    /// The value as an integer, when it is one that fits.
    public var integer: Int? {
        switch self {
        case .int(let value): return Int(exactly: value)
        case .uint(let value): return Int(exactly: value)
        default: return nil
        }
    }
}

/// A value of a Flower `MetricRecord` (`flwr.proto.MetricRecordValue`).
public enum MetricValue: Sendable, Equatable {
    /// A float (`double`).
    case double(Double)
    /// A Python int within int64 (`sint64`).
    case int(Int64)
    /// A Python int above int64's range (`uint64`).
    case uint(UInt64)
    /// A list of floats.
    case doubles([Double])
    /// A list of ints within int64.
    case ints([Int64])
    /// A list of ints, one above int64's range.
    case uints([UInt64])
}

/// One record of a ``RecordDict``.
public enum Record: Sendable, Equatable {
    /// Named tensors (Flower's `ArrayRecord`), in order.
    case arrays([(String, FlowerArray)])
    /// Configuration values (Flower's `ConfigRecord`), in order.
    case config([(String, ConfigValue)])
    /// Metrics (Flower's `MetricRecord`), in order.
    case metrics([(String, MetricValue)])

    public static func == (lhs: Record, rhs: Record) -> Bool {
        switch (lhs, rhs) {
        case (.arrays(let a), .arrays(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        case (.config(let a), .config(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        case (.metrics(let a), .metrics(let b)): return a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: return false
        }
    }
}

/// The content of a Flower message: named records, in order.
///
/// Received content keeps the order of Flower's JSON maps only up to names: records and
/// arrays are ordered by name after inflation (lookups are by name).
public struct RecordDict: Sendable, Equatable {
    /// The records, in order.
    public var records: [(String, Record)]

    /// Content made of `records`.
    public init(_ records: [(String, Record)] = []) { self.records = records }

    /// The record named `name`.
    public subscript(name: String) -> Record? { records.first { $0.0 == name }?.1 }

    public static func == (lhs: RecordDict, rhs: RecordDict) -> Bool {
        lhs.records.map(\.0) == rhs.records.map(\.0) && lhs.records.map(\.1) == rhs.records.map(\.1)
    }
}
