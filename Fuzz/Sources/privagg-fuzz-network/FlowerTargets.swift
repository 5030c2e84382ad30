@_spi(Fuzzing) import FlowerInterop
import Foundation
import FuzzHarness

/// Flower's formats as a PrivAgg node receives them from a SuperLink.
enum FlowerTargets {
    /// `.npy` arrays (`NPYArray(npy:)`). Oracles: reads or throws `NPYError`; what is read has
    /// as many values as its shape says, and its `npyData()` reads back equal (NaN payloads
    /// compared bitwise).
    static func runNPY(_ bytes: [UInt8]) {
        let array: NPYArray
        do {
            array = try NPYArray(npy: Data(bytes))
        } catch {
            return  // typed: NPYError
        }
        guard array.shape.allSatisfy({ $0 >= 0 }), array.values.count == array.shape.reduce(1, *) else {
            violated("shape \(array.shape) with \(array.values.count) values")
        }
        do {
            let again = try NPYArray(npy: array.npyData())
            guard again.shape == array.shape, again.elementType == array.elementType,
                  again.values.map(\.bitPattern) == array.values.map(\.bitPattern) else {
                violated("an array written back reads different")
            }
        } catch {
            violated("an array written back does not read: \(error)")
        }
    }

    /// Flower's message objects (`Message`, `RecordDict`, `ArrayRecord`, `Array`, `ArrayChunk`,
    /// `ConfigRecord`, `MetricRecord`) as pulled for one message. The input is the objects,
    /// each preceded by its 3-byte big-endian length; each is offered under the id of its own
    /// bytes (the SuperLink's content address) and the first is the message. When the first
    /// byte is odd, one object (chosen by the second byte) is offered under another object's
    /// id instead. Oracles: inflation succeeds or throws `FlowerInteropError`; an object
    /// offered under an id its bytes do not hash to always fails as `objectIDMismatch`; a
    /// message that inflates, deflated again, inflates to the same records (the same bytes).
    static func runObjects(_ bytes: [UInt8]) {
        guard bytes.count >= 2 else { return }
        let swap = bytes[0] & 1 == 1, victim = Int(bytes[1])
        var objects: [(id: String, content: Data)] = []
        var offset = 2
        while offset + 3 <= bytes.count, objects.count < 64 {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            offset += 3
            let end = min(bytes.count, offset + length)
            let content = Data(bytes[offset..<end])
            objects.append((hexSHA256(content), content))
            offset = end
        }
        guard let root = objects.first?.id else { return }
        var mismatched = false
        if swap, objects.count >= 2 {
            let index = victim % objects.count, other = (index + 1) % objects.count
            if objects[index].content != objects[other].content {
                objects[index].id = objects[other].id
                mismatched = true
            }
        }
        let received: (content: RecordDict?, arrays: [NPYArray])
        do {
            received = try FlowerFuzzing.receiveMessage(root: root, objects: objects)
        } catch {
            // Refused, which is all a swapped object may get: `objectIDMismatch` when the
            // traversal reaches it, or another object's own error if that one comes first
            // (a fuzzed root with a malformed head fails before its children are looked at).
            return
        }
        if mismatched { violated("accepted an object under an id its bytes do not hash to") }
        guard let content = received.content else { return }
        let deflated = FlowerFuzzing.deflateMessage(content)
        do {
            let again = try FlowerFuzzing.receiveMessage(root: deflated.root, objects: deflated.objects)
            // Compared as bytes (the message id of their deflation): NaN values are never ==.
            guard let inflated = again.content, FlowerFuzzing.deflateMessage(inflated).root == deflated.root,
                  again.arrays.map({ $0.values.map(\.bitPattern) }) == received.arrays.map({ $0.values.map(\.bitPattern) }) else {
                violated("a message deflated again inflates to other records")
            }
        } catch {
            violated("a message deflated again does not inflate: \(error)")
        }
    }

    static func hexSHA256(_ data: Data) -> String { ObjectID(of: data).hex }
}
