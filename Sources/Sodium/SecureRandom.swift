internal import CSodium

/// A cryptographically secure `RandomNumberGenerator` over libsodium's `randombytes_buf`.
///
/// The default source of randomness everywhere in PrivAgg: keys, masks, noise.
public struct SecureRandom: RandomNumberGenerator, Sendable {
    // Not read: a zero-sized generator passed `inout` through a generic function (key
    // generation) crashes ThreadSanitizer's access instrumentation with Swift 6.3.1 (a SEGV in
    // __tsan::ExternalAccess on the dummy address Swift gives a value with no storage); one byte of
    // storage gives it a real address, so `make sanitize` can run the whole suite.
    private let storage: UInt8 = 0

    /// Creates a generator; all instances draw from the same process-wide CSPRNG.
    public init() {
        Libsodium.ensureInitialized()
    }

    /// The next 64 uniformly random bits.
    public mutating func next() -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { randombytes_buf($0.baseAddress!, 8) }
        return value
    }

    /// Fills `buffer` with random bytes in one call.
    public mutating func fillBytes(_ buffer: UnsafeMutableRawBufferPointer) {
        guard buffer.count > 0 else { return }
        randombytes_buf(buffer.baseAddress!, buffer.count)
    }

    /// `count` random bytes.
    public mutating func bytes(count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { fillBytes($0) }
        return result
    }
}
