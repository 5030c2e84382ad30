import Foundation

/// A dense floating-point array in NumPy's `.npy` format (what Flower's `Array` carries when
/// its `stype` is `numpy.ndarray`).
///
/// Only what model parameters need is read: little-endian `float32` (`<f4`) or `float64`
/// (`<f8`), C order, any shape, format versions 1.0, 2.0 and 3.0. Everything else (object
/// arrays, pickles, big-endian data, Fortran order, integers) is refused with a typed
/// ``NPYError``, never guessed at. Writing produces exactly the bytes `numpy.save` writes for
/// the same array (version 1.0, header padded with spaces to a multiple of 64 bytes).
public struct NPYArray: Sendable, Equatable {
    /// The element type on the wire.
    public enum ElementType: String, Sendable, Equatable {
        /// IEEE 754 binary32, little-endian (`<f4`, NumPy's `float32`).
        case float32 = "<f4"
        /// IEEE 754 binary64, little-endian (`<f8`, NumPy's `float64`).
        case float64 = "<f8"

        /// Bytes per element.
        public var byteCount: Int { self == .float32 ? 4 : 8 }
        /// NumPy's name of the type (`float32`, `float64`), as Flower's `Array.dtype` holds it.
        public var numpyName: String { self == .float32 ? "float32" : "float64" }
    }

    /// The extent of every axis (empty for a scalar).
    public let shape: [Int]
    /// The element type the array is stored as.
    public let elementType: ElementType
    /// The elements in C (row-major) order, widened to `Double` (exact for `float32`).
    public let values: [Double]

    /// The largest element count accepted (2^31, 16 GiB of `float64`): bounds what a header
    /// can make the reader allocate before the data is checked.
    public static let maximumElementCount = 1 << 31

    /// An array from its shape and values.
    ///
    /// - Parameters:
    ///   - shape: the extent of every axis; empty for a scalar.
    ///   - values: the elements in C order; their count must be the product of `shape`.
    ///   - elementType: how the elements are stored when written (`float32` rounds them).
    /// - Throws: ``NPYError/invalidShape(_:)`` for a negative extent or a product that
    ///   overflows or exceeds ``maximumElementCount``; ``NPYError/dataLength(expected:actual:)``
    ///   when `values` does not hold exactly the product of `shape` elements.
    public init(shape: [Int], values: [Double], elementType: ElementType = .float64) throws(NPYError) {
        let count = try Self.elementCount(of: shape)
        guard count == values.count else { throw .dataLength(expected: count, actual: values.count) }
        self.shape = shape
        self.elementType = elementType
        self.values = elementType == .float32 ? values.map { Double(Float($0)) } : values
    }

    /// Reads a `.npy` file's bytes.
    ///
    /// - Parameter data: the whole file: magic, version, header, then the raw elements.
    /// - Throws: ``NPYError`` naming what is wrong: the magic, the version, a truncated or
    ///   malformed header, an unsupported `descr`, Fortran order, a bad shape, or data that
    ///   is shorter or longer than the shape says.
    public init(npy data: Data) throws(NPYError) {
        let bytes = [UInt8](data)
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 8, Array(bytes[0..<6]) == magic else { throw .badMagic }
        let major = bytes[6], minor = bytes[7]
        let headerStart: Int, headerLength: Int
        switch (major, minor) {
        case (1, 0):
            guard bytes.count >= 10 else { throw .truncatedHeader }
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case (2, 0), (3, 0):
            guard bytes.count >= 12 else { throw .truncatedHeader }
            headerStart = 12
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        default:
            throw .unsupportedVersion(major: major, minor: minor)
        }
        guard bytes.count - headerStart >= headerLength else { throw .truncatedHeader }
        // Version 3.0 allows UTF-8 in the header; 1.0 and 2.0 are Latin-1 (ASCII for anything valid here).
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw .malformedHeader("the header is not text")
        }
        let fields = try NPYHeader.parse(header)
        guard let type = ElementType(rawValue: fields.descr) else { throw .unsupportedType(fields.descr) }
        guard !fields.fortranOrder else { throw .fortranOrder }
        let count = try Self.elementCount(of: fields.shape)
        let payload = bytes.count - headerStart - headerLength
        guard payload == count * type.byteCount else {
            throw .dataLength(expected: count * type.byteCount, actual: payload)
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { buffer in
            let base = headerStart + headerLength
            switch type {
            case .float64:
                for index in 0..<count {
                    var bits: UInt64 = 0
                    for byte in 0..<8 { bits |= UInt64(buffer[base + 8 * index + byte]) << (8 * byte) }
                    values[index] = Double(bitPattern: bits)
                }
            case .float32:
                for index in 0..<count {
                    var bits: UInt32 = 0
                    for byte in 0..<4 { bits |= UInt32(buffer[base + 4 * index + byte]) << (8 * byte) }
                    values[index] = Double(Float(bitPattern: bits))
                }
            }
        }
        self.shape = fields.shape
        self.elementType = type
        self.values = values
    }

    /// The `.npy` bytes `numpy.save(..., allow_pickle=False)` writes for this array.
    public func npyData() -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(elementType.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        // numpy pads magic (6) + version (2) + length (2) + header + "\n" to a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let length = header.utf8.count
        out.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        out.append(contentsOf: Array(header.utf8))
        out.reserveCapacity(out.count + values.count * elementType.byteCount)
        var buffer = [UInt8](repeating: 0, count: values.count * elementType.byteCount)
        switch elementType {
        case .float64:
            for (index, value) in values.enumerated() {
                let bits = value.bitPattern
                for byte in 0..<8 { buffer[8 * index + byte] = UInt8(truncatingIfNeeded: bits >> (8 * byte)) }
            }
        case .float32:
            for (index, value) in values.enumerated() {
                let bits = Float(value).bitPattern
                for byte in 0..<4 { buffer[4 * index + byte] = UInt8(truncatingIfNeeded: bits >> (8 * byte)) }
            }
        }
        out.append(contentsOf: buffer)
        return out
    }

    private static func elementCount(of shape: [Int]) throws(NPYError) -> Int {
        var count = 1
        for extent in shape {
            guard extent >= 0 else { throw .invalidShape(shape) }
            let (product, overflow) = count.multipliedReportingOverflow(by: extent)
            guard !overflow, product <= maximumElementCount else { throw .invalidShape(shape) }
            count = product
        }
        return count
    }
}

/// Why `.npy` bytes were refused.
public enum NPYError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes do not start with `\x93NUMPY`.
    case badMagic
    /// A format version other than 1.0, 2.0 or 3.0.
    case unsupportedVersion(major: UInt8, minor: UInt8)
    /// The file ends inside its header.
    case truncatedHeader
    /// The header is not the Python dict literal NumPy writes (the reason says where).
    case malformedHeader(String)
    /// A `descr` other than `<f4` or `<f8` (e.g. integers, big-endian, objects).
    case unsupportedType(String)
    /// The array is stored in Fortran (column-major) order.
    case fortranOrder
    /// A negative extent, or more than ``NPYArray/maximumElementCount`` elements.
    case invalidShape([Int])
    /// The data is not exactly the size the shape and type imply (bytes, or elements when
    /// building an array from values).
    case dataLength(expected: Int, actual: Int)

    public var description: String {
        switch self {
        case .badMagic: return ".npy: missing the \\x93NUMPY magic"
        case .unsupportedVersion(let major, let minor): return ".npy: unsupported format version \(major).\(minor)"
        case .truncatedHeader: return ".npy: the file ends inside its header"
        case .malformedHeader(let reason): return ".npy: malformed header: \(reason)"
        case .unsupportedType(let descr): return ".npy: unsupported element type '\(descr)' (only '<f4' and '<f8')"
        case .fortranOrder: return ".npy: Fortran-order arrays are not supported (C order only)"
        case .invalidShape(let shape): return ".npy: invalid shape \(shape)"
        case .dataLength(let expected, let actual): return ".npy: expected \(expected) data bytes or elements, found \(actual)"
        }
    }
}

/// The three fields of a `.npy` header, parsed from its Python dict literal.
enum NPYHeader {
    struct Fields {
        var descr: String
        var fortranOrder: Bool
        var shape: [Int]
    }

    /// Parses `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` (any key order,
    /// optional trailing comma, padding spaces and the final newline), refusing anything else.
    static func parse(_ text: String) throws(NPYError) -> Fields {
        var scanner = Scanner(Array(text.unicodeScalars))
        var descr: String?, fortran: Bool?, shape: [Int]?
        scanner.skipSpaces()
        try scanner.expect("{")
        while true {
            scanner.skipSpaces()
            if scanner.consume("}") { break }
            let key = try scanner.quoted()
            scanner.skipSpaces()
            try scanner.expect(":")
            scanner.skipSpaces()
            switch key {
            case "descr":
                guard descr == nil else { throw .malformedHeader("duplicate key 'descr'") }
                descr = try scanner.quoted()
            case "fortran_order":
                guard fortran == nil else { throw .malformedHeader("duplicate key 'fortran_order'") }
                if scanner.consume("True") { fortran = true } else if scanner.consume("False") { fortran = false } else {
                    throw .malformedHeader("fortran_order is not True or False")
                }
            case "shape":
                guard shape == nil else { throw .malformedHeader("duplicate key 'shape'") }
                shape = try scanner.tuple()
            default:
                throw .malformedHeader("unexpected key '\(key)'")
            }
            scanner.skipSpaces()
            if scanner.consume(",") { continue }
            scanner.skipSpaces()
            try scanner.expect("}")
            break
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw .malformedHeader("text after the dict") }
        guard let descr, let fortran, let shape else { throw .malformedHeader("descr, fortran_order and shape are all required") }
        return Fields(descr: descr, fortranOrder: fortran, shape: shape)
    }

    private struct Scanner {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { position == scalars.count }

        mutating func skipSpaces() {
            while position < scalars.count, [" ", "\n", "\t"].contains(scalars[position]) { position += 1 }
        }

        mutating func consume(_ literal: String) -> Bool {
            let wanted = Array(literal.unicodeScalars)
            guard position + wanted.count <= scalars.count, Array(scalars[position..<(position + wanted.count)]) == wanted else { return false }
            position += wanted.count
            return true
        }

        mutating func expect(_ literal: String) throws(NPYError) {
            guard consume(literal) else { throw .malformedHeader("expected '\(literal)' at offset \(position)") }
        }

        mutating func quoted() throws(NPYError) -> String {
            guard position < scalars.count, scalars[position] == "'" || scalars[position] == "\"" else {
                throw .malformedHeader("expected a quoted string at offset \(position)")
            }
            let quote = scalars[position]
            position += 1
            var value = String.UnicodeScalarView()
            while position < scalars.count, scalars[position] != quote {
                guard scalars[position] != "\\" else { throw .malformedHeader("escapes are not supported in header strings") }
                value.append(scalars[position])
                position += 1
            }
            guard position < scalars.count else { throw .malformedHeader("unterminated string") }
            position += 1
            return String(value)
        }

        mutating func tuple() throws(NPYError) -> [Int] {
            try expect("(")
            var extents: [Int] = []
            while true {
                skipSpaces()
                if consume(")") { break }
                var digits = ""
                while position < scalars.count, ("0"..."9").contains(scalars[position]) {
                    digits.unicodeScalars.append(scalars[position])
                    position += 1
                }
                // Up to 18 digits: always fits an Int; the element count is checked later.
                guard !digits.isEmpty, digits.count <= 18, let extent = Int(digits) else {
                    throw .malformedHeader("shape entries must be non-negative integers")
                }
                extents.append(extent)
                skipSpaces()
                if consume(",") { continue }
                skipSpaces()
                try expect(")")
                break
            }
            // Python writes a one-element tuple as "(n,)"; "(n)" is an int, not a tuple.
            return extents
        }
    }
}
