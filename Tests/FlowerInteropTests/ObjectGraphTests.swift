import Foundation
import Testing
@testable import FlowerInterop

/// A deflated object graph written by flwr 1.42.0 (interop/flower/make_fixtures.py).
struct PythonGraph {
    let root: ObjectID
    let objects: [ObjectID: Data]
    let json: [String: Any]

    init(_ name: String) throws {
        json = try #require(try JSONSerialization.jsonObject(with: try Fixtures.data(name)) as? [String: Any])
        root = try ObjectID(validating: try #require(json["root"] as? String))
        let encoded = try #require(json["objects"] as? [String: String])
        var objects: [ObjectID: Data] = [:]
        for (id, base64) in encoded { objects[try ObjectID(validating: id)] = try #require(Data(base64Encoded: base64)) }
        self.objects = objects
    }

    func contents() throws -> [ObjectID: ObjectContent] {
        var out: [ObjectID: ObjectContent] = [:]
        for (id, data) in objects { out[id] = try ObjectContent(id: id, content: data) }
        return out
    }
}

/// numpy.linspace(-0.5, 0.5, 13) as the fixture recorded it: IEEE bit patterns, since a JSON
/// reader's decimal parsing need not round as Python's repr does.
func fixtureWeights() throws -> [Double] {
    let json = try #require(try JSONSerialization.jsonObject(with: try Fixtures.data("recorddict.json")) as? [String: Any])
    let bits = try #require(json["weight_bits"] as? [String])
    return try bits.map { Double(bitPattern: try #require(UInt64($0))) }
}

/// The content make_fixtures.py builds, in the same order.
func fixtureContent() throws -> RecordDict {
    let weights = try fixtureWeights()
    return RecordDict([
        ("arrays", .arrays([
            ("weights", FlowerArray(try NPYArray(shape: [13], values: weights))),
            ("bias", FlowerArray(try NPYArray(shape: [1], values: [0.25]))),
        ])),
        ("config", .config([("server-round", .int(3)), ("lr", .double(0.1)), ("name", .string("héllo")), ("flag", .bool(true)), ("sizes", .ints([1, 2]))])),
        ("metrics", .metrics([("num-examples", .int(42)), ("loss", .double(0.5))])),
    ])
}

@Suite("Flower objects")
struct ObjectGraphTests {
    @Test("Python's RecordDict inflates to its values")
    func inflatePython() throws {
        let graph = try PythonGraph("recorddict.json")
        let content = try ObjectGraph.inflateRecordDict(graph.root, try graph.contents())
        guard case .arrays(let arrays)? = content["arrays"] else { Issue.record("no arrays"); return }
        let weights = try #require(arrays.first { $0.0 == "weights" }?.1).npy()
        #expect(weights.values.map(\.bitPattern) == (try fixtureWeights()).map(\.bitPattern))
        #expect(try #require(arrays.first { $0.0 == "bias" }?.1).npy().values == [0.25])
        guard case .config(let config)? = content["config"] else { Issue.record("no config"); return }
        #expect(config.first { $0.0 == "server-round" }?.1 == .int(3))
        #expect(config.first { $0.0 == "name" }?.1 == .string("héllo"))
        #expect(config.first { $0.0 == "sizes" }?.1 == .ints([1, 2]))
        guard case .metrics(let metrics)? = content["metrics"] else { Issue.record("no metrics"); return }
        #expect(metrics.first { $0.0 == "num-examples" }?.1 == .int(42))
    }

    @Test("the same content deflates to Python's object ids, byte for byte")
    func deflateMatchesPython() throws {
        let graph = try PythonGraph("recorddict.json")
        let deflated = ObjectGraph.deflate(try fixtureContent())
        #expect(deflated.root == graph.root)
        #expect(deflated.contents == graph.objects)
    }

    @Test("a message deflates to Python's message id")
    func messageID() throws {
        let graph = try PythonGraph("message.json")
        let meta = try #require(graph.json["metadata"] as? [String: Any])
        var metadata = Flwr_Proto_Metadata()
        metadata.runID = 77
        metadata.srcNodeID = 1
        metadata.dstNodeID = 1234
        metadata.groupID = "7"
        metadata.createdAt = try #require(meta["created_at"] as? Double)
        metadata.ttl = 3600
        metadata.messageType = "train"
        metadata.srcTaskID = 5
        let deflated = ObjectGraph.deflateMessage(metadata: metadata, content: try fixtureContent(), error: nil)
        #expect(deflated.root == graph.root)
        let inflated = try ObjectGraph.inflateMessage(root: graph.root, objects: try graph.contents())
        #expect(inflated.metadata.messageType == "train" && inflated.metadata.runID == 77)
        #expect(inflated.error == nil)
        #expect(inflated.content?["metrics"] == (try fixtureContent())["metrics"])
        // Post order: every child before its parent, the root last.
        let order = try ObjectGraph.objectIDs(of: deflated.tree)
        #expect(order.last == deflated.root && Set(order) == Set(graph.objects.keys))
    }

    @Test("content that does not hash to its id is refused")
    func tamperedContent() throws {
        let graph = try PythonGraph("recorddict.json")
        let (id, data) = try #require(graph.objects.first)
        var tampered = data
        tampered[tampered.count - 1] ^= 1
        #expect(throws: FlowerInteropError.objectIDMismatch(expected: id.hex, actual: ObjectID(of: tampered).hex)) {
            try ObjectContent(id: id, content: tampered)
        }
    }

    @Test("malformed heads, bodies and trees give typed errors")
    func malformed() throws {
        func check(_ bytes: Data) {
            #expect(throws: FlowerInteropError.self) { try ObjectContent(id: ObjectID(of: bytes), content: bytes) }
        }
        check(Data("no divider".utf8))
        check(Data("Array  5\0abc".utf8))                  // wrong length
        check(Data("Pickle  3\0abc".utf8))                 // unknown type
        check(Data("Array zz 3\0abc".utf8))                // bad child id
        check(Data("Array a b 3\0abc".utf8))               // four head values
        #expect(throws: FlowerInteropError.self) { try ObjectID(validating: "12ab") }

        // A RecordDict whose body names a child its head does not list.
        let child = ObjectContent.deflate(kind: .metricRecord, children: [], body: Data())
        let childID = ObjectID(of: child)
        let body = Data(PythonJSON.encode(.object([("m", .string(String(repeating: "a", count: 64)))])).utf8)
        let parent = ObjectContent.deflate(kind: .recordDict, children: [childID], body: body)
        let parentID = ObjectID(of: parent)
        let objects = [childID: try ObjectContent(id: childID, content: child), parentID: try ObjectContent(id: parentID, content: parent)]
        #expect(throws: FlowerInteropError.malformedObject(id: parentID.hex, reason: "the body's references differ from the head's children")) {
            try ObjectGraph.inflateRecordDict(parentID, objects)
        }
        // A child the tree does not hold.
        let goodBody = Data(PythonJSON.encode(.object([("m", .string(childID.hex))])).utf8)
        let good = ObjectContent.deflate(kind: .recordDict, children: [childID], body: goodBody)
        let goodID = ObjectID(of: good)
        let alone = [goodID: try ObjectContent(id: goodID, content: good)]
        #expect(throws: FlowerInteropError.malformedTree("object \(childID.hex) is referenced but not in the tree")) {
            try ObjectGraph.inflateRecordDict(goodID, alone)
        }
        // With the child it inflates.
        #expect(try ObjectGraph.inflateRecordDict(goodID, alone.merging([childID: objects[childID]!]) { $1 }) == RecordDict([("m", .metrics([]))]))
    }

    @Test("Python's JSON encoding: separators and ASCII escapes")
    func pythonJSON() {
        #expect(PythonJSON.encode(.object([("a", .string("b")), ("c", .list([.int(1), .int(2)]))])) == #"{"a": "b", "c": [1, 2]}"#)
        #expect(PythonJSON.quote("é\"\n\u{1}😀") == #""\u00e9\"\n\u0001\ud83d\ude00""#)
    }
}
