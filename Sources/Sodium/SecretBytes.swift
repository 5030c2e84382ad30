internal import CSodium

/// A fixed-size buffer of secret bytes that is wiped with `sodium_memzero` when released.
///
/// The storage is never mutated after initialization, so instances can be shared
/// between tasks. Comparison runs in constant time.
public final class SecretBytes: @unchecked Sendable, Equatable {
    private let storage: UnsafeMutableRawBufferPointer

    /// The number of bytes held.
    public var count: Int { storage.count }

    /// Allocates `count` bytes and lets `initializer` fill them.
    public init(count: Int, initializingWith initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        Libsodium.ensureInitialized()
        storage = .allocate(byteCount: Swift.max(count, 0), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        do {
            try initializer(storage)
        } catch {
            sodium_memzero(storage.baseAddress!, storage.count)
            storage.deallocate()
            throw error
        }
    }

    /// Copies `bytes` into secret storage. The caller remains responsible for its own copy.
    public convenience init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(count: bytes.count) { buffer in
            _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
        }
    }

    /// `count` bytes from libsodium's CSPRNG.
    public convenience init(randomCount count: Int) {
        self.init(count: count) { buffer in
            if buffer.count > 0 { randombytes_buf(buffer.baseAddress!, buffer.count) }
        }
    }

    deinit {
        sodium_memzero(storage.baseAddress!, storage.count)
        storage.deallocate()
    }

    /// Calls `body` with read-only access to the secret bytes.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(storage))
    }

    /// A copy of the bytes as an array: the copy is not wiped automatically.
    public var unprotectedCopy: [UInt8] { Array(storage) }

    /// Constant-time equality.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard lhs.count > 0 else { return true }
        return sodium_memcmp(lhs.storage.baseAddress, rhs.storage.baseAddress, lhs.count) == 0
    }
}
