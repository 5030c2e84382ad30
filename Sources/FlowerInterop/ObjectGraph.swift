import Foundation
import SwiftProtobuf

/// A message or record turned into Flower's content-addressed objects: every object's
/// deflated bytes by id, the root's id, and the tree the Fleet API exchanges next to it.
struct DeflatedObjects {
    /// The root object's id (a Message's id is its `message_id`).
    var root: ObjectID
    /// Every object of the tree, by id (shared objects once).
    var contents: [ObjectID: Data]
    /// The tree (`flwr.proto.ObjectTree`), children in head order.
    var tree: Flwr_Proto_ObjectTree
}

/// Flower's deflation and inflation of messages and records (`flwr.app.message.*.deflate` /
/// `inflate`), byte for byte, so that ids computed here equal the ids Python computes.
enum ObjectGraph {
    /// Flower's default chunk size for array data (`FLWR_PRIVATE_MAX_ARRAY_CHUNK_SIZE`, 5 MiB).
    static let chunkSize = 5_242_880

    // MARK: Deflation

    static func deflate(_ content: RecordDict) -> DeflatedObjects {
        var contents: [ObjectID: Data] = [:]
        let (id, tree) = deflateRecordDict(content, into: &contents)
        return DeflatedObjects(root: id, contents: contents, tree: tree)
    }

    /// A reply or request message: its body is the protobuf `Message` with `message_id`
    /// cleared and no content; its one child, the content's RecordDict (none with an error).
    static func deflateMessage(metadata: Flwr_Proto_Metadata, content: RecordDict?, error: Flwr_Proto_Error?) -> DeflatedObjects {
        var contents: [ObjectID: Data] = [:]
        var children: [Flwr_Proto_ObjectTree] = []
        var childIDs: [ObjectID] = []
        if let content {
            let (id, tree) = deflateRecordDict(content, into: &contents)
            children.append(tree)
            childIDs.append(id)
        }
        var body = Flwr_Proto_Message()
        var cleared = metadata
        cleared.messageID = ""
        body.metadata = cleared
        if let error { body.error = error }
        let bytes = ObjectContent.deflate(kind: .message, children: childIDs, body: serialize(body))
        let id = ObjectID(of: bytes)
        contents[id] = bytes
        return DeflatedObjects(root: id, contents: contents, tree: tree(id, children))
    }

    private static func deflateRecordDict(_ content: RecordDict, into contents: inout [ObjectID: Data]) -> (ObjectID, Flwr_Proto_ObjectTree) {
        var refs: [(String, PythonJSON.Value)] = []
        var children: [(ObjectID, Flwr_Proto_ObjectTree)] = []
        for (name, record) in content.records {
            let (id, subtree): (ObjectID, Flwr_Proto_ObjectTree)
            switch record {
            case .arrays(let arrays): (id, subtree) = deflateArrayRecord(arrays, into: &contents)
            case .config(let values): (id, subtree) = leaf(.configRecord, serialize(configProto(values)), into: &contents)
            case .metrics(let values): (id, subtree) = leaf(.metricRecord, serialize(metricProto(values)), into: &contents)
            }
            refs.append((name, .string(id.hex)))
            if !children.contains(where: { $0.0 == id }) { children.append((id, subtree)) }
        }
        let body = Data(PythonJSON.encode(.object(refs)).utf8)
        let bytes = ObjectContent.deflate(kind: .recordDict, children: children.map(\.0), body: body)
        let id = ObjectID(of: bytes)
        contents[id] = bytes
        return (id, tree(id, children.map(\.1)))
    }

    private static func deflateArrayRecord(_ arrays: [(String, FlowerArray)], into contents: inout [ObjectID: Data]) -> (ObjectID, Flwr_Proto_ObjectTree) {
        var refs: [(String, PythonJSON.Value)] = []
        var children: [(ObjectID, Flwr_Proto_ObjectTree)] = []
        for (name, array) in arrays {
            let (id, subtree) = deflateArray(array, into: &contents)
            refs.append((name, .string(id.hex)))
            if !children.contains(where: { $0.0 == id }) { children.append((id, subtree)) }
        }
        let body = Data(PythonJSON.encode(.object(refs)).utf8)
        let bytes = ObjectContent.deflate(kind: .arrayRecord, children: children.map(\.0), body: body)
        let id = ObjectID(of: bytes)
        contents[id] = bytes
        return (id, tree(id, children.map(\.1)))
    }

    private static func deflateArray(_ array: FlowerArray, into contents: inout [ObjectID: Data]) -> (ObjectID, Flwr_Proto_ObjectTree) {
        var chunkIDs: [ObjectID] = []
        var unique: [ObjectID] = []
        var start = array.data.startIndex
        while start < array.data.endIndex {
            let end = min(start + chunkSize, array.data.endIndex)
            let bytes = ObjectContent.deflate(kind: .arrayChunk, children: [], body: array.data[start..<end])
            let id = ObjectID(of: bytes)
            contents[id] = bytes
            chunkIDs.append(id)
            if !unique.contains(id) { unique.append(id) }
            start = end
        }
        let metadata: PythonJSON.Value = .object([
            ("dtype", .string(array.dtype)),
            ("shape", .list(array.shape.map { .int($0) })),
            ("stype", .string(array.stype)),
            ("arraychunk_ids", .list(chunkIDs.map { id in .int(unique.firstIndex(of: id) ?? 0) })),
        ])
        let bytes = ObjectContent.deflate(kind: .array, children: unique, body: Data(PythonJSON.encode(metadata).utf8))
        let id = ObjectID(of: bytes)
        contents[id] = bytes
        return (id, tree(id, unique.map { tree($0, []) }))
    }

    private static func leaf(_ kind: ObjectContent.Kind, _ body: Data, into contents: inout [ObjectID: Data]) -> (ObjectID, Flwr_Proto_ObjectTree) {
        let bytes = ObjectContent.deflate(kind: kind, children: [], body: body)
        let id = ObjectID(of: bytes)
        contents[id] = bytes
        return (id, tree(id, []))
    }

    private static func tree(_ id: ObjectID, _ children: [Flwr_Proto_ObjectTree]) -> Flwr_Proto_ObjectTree {
        var node = Flwr_Proto_ObjectTree()
        node.objectID = id.hex
        node.children = children
        return node
    }

    static func serialize(_ message: some SwiftProtobuf.Message) -> Data {
        // Serializing a fully built message cannot fail (no required fields in proto3, no Any).
        (try? message.serializedData()) ?? Data()
    }

    static func configProto(_ values: [(String, ConfigValue)]) -> Flwr_Proto_ConfigRecord {
        var record = Flwr_Proto_ConfigRecord()
        record.items = values.map { key, value in
            var item = Flwr_Proto_ConfigRecord.Item()
            item.key = key
            var proto = Flwr_Proto_ConfigRecordValue()
            switch value {
            case .double(let v): proto.double = v
            case .int(let v): proto.sint64 = v
            case .uint(let v): proto.uint64 = v
            case .bool(let v): proto.bool = v
            case .string(let v): proto.string = v
            case .bytes(let v): proto.bytes = v
            case .doubles(let v): proto.doubleList = .with { $0.vals = v }
            case .ints(let v): proto.sintList = .with { $0.vals = v }
            case .uints(let v): proto.uintList = .with { $0.vals = v }
            case .bools(let v): proto.boolList = .with { $0.vals = v }
            case .strings(let v): proto.stringList = .with { $0.vals = v }
            case .bytesList(let v): proto.bytesList = .with { $0.vals = v }
            }
            item.value = proto
            return item
        }
        return record
    }

    static func metricProto(_ values: [(String, MetricValue)]) -> Flwr_Proto_MetricRecord {
        var record = Flwr_Proto_MetricRecord()
        record.items = values.map { key, value in
            var item = Flwr_Proto_MetricRecord.Item()
            item.key = key
            var proto = Flwr_Proto_MetricRecordValue()
            switch value {
            case .double(let v): proto.double = v
            case .int(let v): proto.sint64 = v
            case .uint(let v): proto.uint64 = v
            case .doubles(let v): proto.doubleList = .with { $0.vals = v }
            case .ints(let v): proto.sintList = .with { $0.vals = v }
            case .uints(let v): proto.uintList = .with { $0.vals = v }
            }
            item.value = proto
            return item
        }
        return record
    }

    // MARK: Inflation

    /// The ids of a tree in post order (children before parents), each once, refusing trees
    /// deeper than a message can be (Message → RecordDict → ArrayRecord → Array → ArrayChunk).
    static func objectIDs(of tree: Flwr_Proto_ObjectTree) throws(FlowerInteropError) -> [ObjectID] {
        var ids: [ObjectID] = []
        var seen: Set<ObjectID> = []
        func visit(_ node: Flwr_Proto_ObjectTree, depth: Int) throws(FlowerInteropError) {
            guard depth <= 5 else { throw .malformedTree("deeper than Message/RecordDict/ArrayRecord/Array/ArrayChunk") }
            for child in node.children { try visit(child, depth: depth + 1) }
            let id: ObjectID
            do { id = try ObjectID(validating: node.objectID) } catch { throw .malformedTree("invalid object id in the tree") }
            if seen.insert(id).inserted { ids.append(id) }
        }
        try visit(tree, depth: 1)
        return ids
    }

    /// A received message's content or error, inflated from its pulled objects (each already
    /// checked against its id by ``ObjectContent/init(id:content:)``).
    static func inflateMessage(root: ObjectID, objects: [ObjectID: ObjectContent]) throws(FlowerInteropError) -> (metadata: Flwr_Proto_Metadata, content: RecordDict?, error: Flwr_Proto_Error?) {
        let message = try object(root, .message, objects)
        let proto: Flwr_Proto_Message
        do { proto = try Flwr_Proto_Message(serializedBytes: message.body) } catch {
            throw .malformedObject(id: root.hex, reason: "the Message body is not a protobuf Message")
        }
        if proto.hasError {
            guard message.children.isEmpty else { throw .malformedObject(id: root.hex, reason: "a Message with an error has content") }
            return (proto.metadata, nil, proto.error)
        }
        guard message.children.count == 1 else { throw .malformedObject(id: root.hex, reason: "a Message has \(message.children.count) content objects, not 1") }
        return (proto.metadata, try inflateRecordDict(message.children[0], objects), nil)
    }

    static func inflateRecordDict(_ id: ObjectID, _ objects: [ObjectID: ObjectContent]) throws(FlowerInteropError) -> RecordDict {
        let content = try object(id, .recordDict, objects)
        let refs = try references(content, id)
        var records: [(String, Record)] = []
        for (name, child) in refs.sorted(by: { $0.key < $1.key }) {
            let record = try object(child, nil, objects)
            switch record.kind {
            case .arrayRecord: records.append((name, .arrays(try inflateArrayRecord(child, objects))))
            case .configRecord: records.append((name, .config(try inflateConfig(child, record))))
            case .metricRecord: records.append((name, .metrics(try inflateMetrics(child, record))))
            default: throw .malformedObject(id: id.hex, reason: "record '\(name)' is a \(record.kind.rawValue)")
            }
        }
        return RecordDict(records)
    }

    private static func inflateArrayRecord(_ id: ObjectID, _ objects: [ObjectID: ObjectContent]) throws(FlowerInteropError) -> [(String, FlowerArray)] {
        let content = try object(id, .arrayRecord, objects)
        var arrays: [(String, FlowerArray)] = []
        for (name, child) in try references(content, id).sorted(by: { $0.key < $1.key }) {
            arrays.append((name, try inflateArray(child, objects)))
        }
        return arrays
    }

    private static func inflateArray(_ id: ObjectID, _ objects: [ObjectID: ObjectContent]) throws(FlowerInteropError) -> FlowerArray {
        let content = try object(id, .array, objects)
        let fields = try PythonJSON.decodeObject(content.body, id: id)
        guard fields.count == 4, let dtype = fields["dtype"] as? String, let stype = fields["stype"] as? String,
              let shapeValues = fields["shape"] as? [Any], let chunkValues = fields["arraychunk_ids"] as? [Any] else {
            throw .malformedObject(id: id.hex, reason: "Array metadata needs exactly dtype, shape, stype and arraychunk_ids")
        }
        let shape = try integers(shapeValues, id: id, what: "shape")
        let chunkIndices = try integers(chunkValues, id: id, what: "arraychunk_ids")
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .malformedObject(id: id.hex, reason: "negative extent in the shape") }
        guard chunkIndices.allSatisfy({ content.children.indices.contains($0) }),
              Set(chunkIndices).count == content.children.count else {
            throw .malformedObject(id: id.hex, reason: "arraychunk_ids do not index the head's children exactly")
        }
        var data = Data()
        for index in chunkIndices { data.append(try object(content.children[index], .arrayChunk, objects).body) }
        return FlowerArray(dtype: dtype, shape: shape, stype: stype, data: data)
    }

    private static func inflateConfig(_ id: ObjectID, _ content: ObjectContent) throws(FlowerInteropError) -> [(String, ConfigValue)] {
        guard content.children.isEmpty else { throw .malformedObject(id: id.hex, reason: "a ConfigRecord has children") }
        let proto: Flwr_Proto_ConfigRecord
        do { proto = try Flwr_Proto_ConfigRecord(serializedBytes: content.body) } catch {
            throw .malformedObject(id: id.hex, reason: "the body is not a protobuf ConfigRecord")
        }
        var values: [(String, ConfigValue)] = []
        for item in proto.items {
            let value: ConfigValue
            switch item.value.value {
            case .double(let v): value = .double(v)
            case .sint64(let v): value = .int(v)
            case .uint64(let v): value = .uint(v)
            case .bool(let v): value = .bool(v)
            case .string(let v): value = .string(v)
            case .bytes(let v): value = .bytes(v)
            case .doubleList(let v): value = .doubles(v.vals)
            case .sintList(let v): value = .ints(v.vals)
            case .uintList(let v): value = .uints(v.vals)
            case .boolList(let v): value = .bools(v.vals)
            case .stringList(let v): value = .strings(v.vals)
            case .bytesList(let v): value = .bytesList(v.vals)
            case nil: throw .malformedObject(id: id.hex, reason: "config value '\(item.key)' is unset")
            }
            guard !values.contains(where: { $0.0 == item.key }) else { throw .malformedObject(id: id.hex, reason: "duplicate config key '\(item.key)'") }
            values.append((item.key, value))
        }
        return values
    }

    private static func inflateMetrics(_ id: ObjectID, _ content: ObjectContent) throws(FlowerInteropError) -> [(String, MetricValue)] {
        guard content.children.isEmpty else { throw .malformedObject(id: id.hex, reason: "a MetricRecord has children") }
        let proto: Flwr_Proto_MetricRecord
        do { proto = try Flwr_Proto_MetricRecord(serializedBytes: content.body) } catch {
            throw .malformedObject(id: id.hex, reason: "the body is not a protobuf MetricRecord")
        }
        var values: [(String, MetricValue)] = []
        for item in proto.items {
            let value: MetricValue
            switch item.value.value {
            case .double(let v): value = .double(v)
            case .sint64(let v): value = .int(v)
            case .uint64(let v): value = .uint(v)
            case .doubleList(let v): value = .doubles(v.vals)
            case .sintList(let v): value = .ints(v.vals)
            case .uintList(let v): value = .uints(v.vals)
            case nil: throw .malformedObject(id: id.hex, reason: "metric value '\(item.key)' is unset")
            }
            guard !values.contains(where: { $0.0 == item.key }) else { throw .malformedObject(id: id.hex, reason: "duplicate metric key '\(item.key)'") }
            values.append((item.key, value))
        }
        return values
    }

    /// The `{name: child id}` map of a RecordDict or ArrayRecord body, whose set of ids must
    /// be exactly the head's children.
    private static func references(_ content: ObjectContent, _ id: ObjectID) throws(FlowerInteropError) -> [String: ObjectID] {
        var refs: [String: ObjectID] = [:]
        for (name, value) in try PythonJSON.decodeObject(content.body, id: id) {
            guard let hex = value as? String else { throw .malformedObject(id: id.hex, reason: "reference '\(name)' is not a string") }
            do { refs[name] = try ObjectID(validating: hex) } catch { throw .malformedObject(id: id.hex, reason: "reference '\(name)' is not an object id") }
        }
        guard Set(refs.values) == Set(content.children), Set(content.children).count == content.children.count else {
            throw .malformedObject(id: id.hex, reason: "the body's references differ from the head's children")
        }
        return refs
    }

    private static func object(_ id: ObjectID, _ kind: ObjectContent.Kind?, _ objects: [ObjectID: ObjectContent]) throws(FlowerInteropError) -> ObjectContent {
        guard let content = objects[id] else { throw .malformedTree("object \(id.hex) is referenced but not in the tree") }
        if let kind, content.kind != kind { throw .malformedObject(id: id.hex, reason: "expected a \(kind.rawValue), found a \(content.kind.rawValue)") }
        return content
    }

    private static func integers(_ values: [Any], id: ObjectID, what: String) throws(FlowerInteropError) -> [Int] {
        var out: [Int] = []
        for value in values {
            // JSONSerialization gives NSNumber; fractions are refused.
            guard let number = value as? NSNumber, let integer = Int(exactly: number.doubleValue),
                  number.doubleValue == Double(integer) else {
                throw .malformedObject(id: id.hex, reason: "\(what) holds a non-integer")
            }
            out.append(integer)
        }
        return out
    }
}
