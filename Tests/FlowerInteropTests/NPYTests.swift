import Foundation
import Testing
@testable import FlowerInterop

/// Files written by numpy (interop/flower/make_fixtures.py).
enum Fixtures {
    static let folder: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func data(_ name: String) throws -> Data { try Data(contentsOf: folder.appendingPathComponent(name)) }
}

@Suite("NPY codec")
struct NPYTests {
    @Test("reads numpy's float64 vector exactly, and writes the same bytes back")
    func float64Vector() throws {
        let bytes = try Fixtures.data("f64-vector.npy")
        let array = try NPYArray(npy: bytes)
        #expect(array.shape == [6])
        #expect(array.elementType == .float64)
        #expect(array.values.map(\.bitPattern) == [0.0, -1.5, Double.pi, 1e-300, 1.7976931348623157e308, -0.0].map(\.bitPattern))
        #expect(array.npyData() == bytes)
    }

    @Test("reads numpy's float32 matrix in C order and writes the same bytes back")
    func float32Matrix() throws {
        let bytes = try Fixtures.data("f32-matrix.npy")
        let array = try NPYArray(npy: bytes)
        #expect(array.shape == [2, 3])
        #expect(array.elementType == .float32)
        #expect(array.values == [0, 0.25, 0.5, 0.75, 1, 1.25])
        #expect(array.npyData() == bytes)
    }

    @Test("scalars, empty arrays, long arrays and format version 2.0")
    func otherShapes() throws {
        let scalar = try NPYArray(npy: try Fixtures.data("f64-scalar.npy"))
        #expect(scalar.shape == [] && scalar.values == [2.5])
        #expect(scalar.npyData() == (try Fixtures.data("f64-scalar.npy")))
        let empty = try NPYArray(npy: try Fixtures.data("f64-empty.npy"))
        #expect(empty.shape == [0, 4] && empty.values.isEmpty)
        #expect(empty.npyData() == (try Fixtures.data("f64-empty.npy")))
        let long = try NPYArray(npy: try Fixtures.data("f64-long.npy"))
        #expect(long.values.count == 1000 && long.values.first == -1 && long.values.last == 1)
        #expect(long.npyData() == (try Fixtures.data("f64-long.npy")))
        let version2 = try NPYArray(npy: try Fixtures.data("f64-version2.npy"))
        #expect(version2.values == [1, 2])
    }

    @Test("round trip of random arrays of both types")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for shape in [[1], [7], [3, 5], [2, 3, 4], [0]] {
            let count = shape.reduce(1, *)
            let values = (0..<count).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
            let wide = try NPYArray(shape: shape, values: values)
            #expect(try NPYArray(npy: wide.npyData()) == wide)
            let narrow = try NPYArray(shape: shape, values: values, elementType: .float32)
            let back = try NPYArray(npy: narrow.npyData())
            #expect(back == narrow)
            #expect(back.values == values.map { Double(Float($0)) })
            // numpy's alignment: the data starts at a multiple of 64 bytes.
            #expect((wide.npyData().count - count * 8) % 64 == 0)
        }
    }

    @Test("what numpy writes but PrivAgg does not read is refused by name")
    func unsupportedFiles() throws {
        #expect(throws: NPYError.fortranOrder) { try NPYArray(npy: try Fixtures.data("fortran.npy")) }
        #expect(throws: NPYError.unsupportedType("<i4")) { try NPYArray(npy: try Fixtures.data("int32.npy")) }
        #expect(throws: NPYError.unsupportedType(">f8")) { try NPYArray(npy: try Fixtures.data("bigendian.npy")) }
    }

    @Test("malformed bytes give typed errors, never a crash")
    func malformed() throws {
        let good = try Fixtures.data("f64-vector.npy")
        #expect(throws: NPYError.badMagic) { try NPYArray(npy: Data("not numpy".utf8)) }
        #expect(throws: NPYError.badMagic) { try NPYArray(npy: Data()) }
        var version = good
        version[6] = 9
        #expect(throws: NPYError.unsupportedVersion(major: 9, minor: 0)) { try NPYArray(npy: version) }
        #expect(throws: NPYError.truncatedHeader) { try NPYArray(npy: good.prefix(40)) }
        #expect(throws: NPYError.dataLength(expected: 48, actual: 47)) { try NPYArray(npy: good.dropLast()) }
        #expect(throws: NPYError.dataLength(expected: 48, actual: 49)) { try NPYArray(npy: good + Data([0])) }
        #expect(throws: NPYError.dataLength(expected: 6, actual: 5)) { try NPYArray(shape: [2, 3], values: [1, 2, 3, 4, 5]) }
        #expect(throws: NPYError.invalidShape([-1])) { try NPYArray(shape: [-1], values: []) }
        #expect(throws: NPYError.invalidShape([1 << 40, 1 << 40])) { try NPYArray(shape: [1 << 40, 1 << 40], values: []) }
        for header in [
            "{'descr': '<f8', 'fortran_order': False}", "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }",
            "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", "['descr']",
            "{'descr': '<f8', 'fortran_order': False, 'shape': (1.5,), }", "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}",
        ] {
            #expect(throws: NPYError.self) { try NPYArray(npy: Self.file(header: header, payload: Data(count: 8))) }
        }
    }

    @Test("a header announcing a huge shape is refused before any allocation")
    func hugeShape() {
        #expect(throws: NPYError.invalidShape([4_000_000_000, 4_000_000_000])) {
            try NPYArray(npy: Self.file(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (4000000000, 4000000000), }", payload: Data()))
        }
    }

    private static func file(header: String, payload: Data) -> Data {
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let text = header + "\n"
        data.append(contentsOf: [UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)])
        data.append(contentsOf: Array(text.utf8))
        return data + payload
    }
}
