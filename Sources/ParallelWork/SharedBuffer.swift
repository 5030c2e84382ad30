/// A pointer shared by worker threads that write disjoint indices.
package struct SharedBuffer<Element>: @unchecked Sendable {
    /// The first element.
    package let base: UnsafeMutablePointer<Element>

    /// Shares `base`; the caller keeps the memory alive while workers use it.
    ///
    /// - Parameter base: the first element.
    package init(base: UnsafeMutablePointer<Element>) {
        self.base = base
    }
}
