import Foundation
import SwiftProtobuf

/// Entry points for the libFuzzer targets of `Fuzz/` (a separate package, hence public, behind
/// the `Fuzzing` SPI so they are not part of the module's API): Flower's message objects as a
/// node receives them from the SuperLink, through the checks and the inflation the node runs.
@_spi(Fuzzing)
public enum FlowerFuzzing {
    /// The object ids a received `ObjectTree` names, children first, as the node pulls them.
    ///
    /// - Parameter bytes: A serialized `flwr.proto.ObjectTree`.
    /// - Returns: The ids, hex.
    /// - Throws: ``FlowerInteropError/malformedTree(_:)`` for bytes that are not a tree, a tree
    ///   deeper than a message can be, or an invalid id.
    public static func objectIDs(ofTree bytes: [UInt8]) throws(FlowerInteropError) -> [String] {
        let tree: Flwr_Proto_ObjectTree
        do { tree = try Flwr_Proto_ObjectTree(serializedBytes: bytes) } catch { throw .malformedTree("not a protobuf ObjectTree") }
        return try ObjectGraph.objectIDs(of: tree).map(\.hex)
    }

    /// A received message inflated from its pulled objects, as the node does: every object is
    /// checked against the id it was pulled under, then the message is inflated from `root`,
    /// then every array's `.npy` bytes are read (as training reads the model).
    ///
    /// - Parameters:
    ///   - root: The message id (the tree's root).
    ///   - objects: The pulled objects: the id each was requested under, and the bytes received.
    /// - Returns: The message's content (nil when it carries an error) and its arrays, read.
    /// - Throws: ``FlowerInteropError``: `objectIDMismatch`, `malformedObject`, `malformedTree`,
    ///   `unsupportedArray`, `npy`.
    public static func receiveMessage(
        root: String, objects: [(id: String, content: Data)]
    ) throws(FlowerInteropError) -> (content: RecordDict?, arrays: [NPYArray]) {
        var pulled: [ObjectID: ObjectContent] = [:]
        for (hex, content) in objects {
            let id = try ObjectID(validating: hex)
            pulled[id] = try ObjectContent(id: id, content: content)
        }
        let inbound = try ObjectGraph.inflateMessage(root: try ObjectID(validating: root), objects: pulled)
        var arrays: [NPYArray] = []
        for (_, record) in inbound.content?.records ?? [] {
            guard case .arrays(let named) = record else { continue }
            for (_, array) in named { arrays.append(try array.npy()) }
        }
        return (inbound.content, arrays)
    }

    /// A message carrying `content`, deflated as the node sends one: its id and its objects.
    ///
    /// - Parameter content: The message's records.
    /// - Returns: The message id (root) and every object's id and bytes.
    public static func deflateMessage(_ content: RecordDict) -> (root: String, objects: [(id: String, content: Data)]) {
        var metadata = Flwr_Proto_Metadata()
        metadata.runID = 1
        metadata.messageType = "train"
        let deflated = ObjectGraph.deflateMessage(metadata: metadata, content: content, error: nil)
        return (deflated.root.hex, deflated.contents.map { ($0.key.hex, $0.value) }.sorted { $0.id < $1.id })
    }
}
