/// Fixed slots written by concurrent workers, one slot per worker index, so no two
/// threads ever touch the same memory and no array copy-on-write check races.
package final class ConcurrentSlots<Element>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Element?>

    /// `count` empty slots.
    ///
    /// - Parameter count: the number of slots.
    package init(count: Int) {
        buffer = .allocate(capacity: max(count, 1))
        buffer.initialize(repeating: nil)
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    /// The slot at `index`: nil until a worker writes it.
    package subscript(index: Int) -> Element? {
        get { buffer[index] }
        set { buffer[index] = newValue }
    }
}
