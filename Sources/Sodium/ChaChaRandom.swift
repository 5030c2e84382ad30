internal import CSodium

/// A seeded, reproducible `RandomNumberGenerator` reading the ChaCha20 keystream.
///
/// The same 32-byte seed (and stream number) always gives the same sequence of bytes
/// on every platform; values are assembled little-endian from consecutive keystream
/// bytes, so `next()`, `fill(_:)` and `fillBytes(_:)` interleave consistently. Use it
/// for reproducible simulations and as the mask PRG of secure aggregation; use
/// `SecureRandom` when nobody asked for reproducibility.
///
/// Copies are independent generators that continue from the same position. The key
/// and buffered keystream are wiped when the last copy is released.
public struct ChaChaRandom: RandomNumberGenerator, Sendable {
    /// Seed length in bytes.
    public static let seedByteCount = 32

    private var storage: Storage

    /// A generator over the keystream of `seed` (32 bytes) and the 64-bit `stream` number.
    public init<Seed: Collection>(seed: Seed, stream: UInt64 = 0) throws(SodiumError) where Seed.Element == UInt8 {
        try requireLength(seed, Self.seedByteCount, "ChaChaRandom seed")
        Libsodium.ensureInitialized()
        var key = Array(seed)
        defer { SecureMemory.wipe(&key) }
        storage = Storage(key: key, stream: stream)
    }

    /// A generator whose key is the secret `seed` (32 bytes).
    public init(seed: SecretBytes, stream: UInt64 = 0) throws(SodiumError) {
        guard seed.count == Self.seedByteCount else {
            throw .invalidLength(what: "ChaChaRandom seed", expected: Self.seedByteCount, actual: seed.count)
        }
        Libsodium.ensureInitialized()
        // Copied straight into the wiped key storage: no unwiped intermediate array.
        storage = seed.withUnsafeBytes { Storage(keyBytes: $0, stream: stream) }
    }

    /// A generator under a fresh 256-bit key from libsodium's CSPRNG: unpredictable output at
    /// keystream speed (libsodium's own fast CSPRNG is this construction). For long runs of
    /// secret randomness when nobody asked for reproducibility.
    public static func freshlyKeyed() -> ChaChaRandom {
        Libsodium.ensureInitialized()
        return ChaChaRandom(freshKey: SecretBytes(randomCount: seedByteCount))
    }

    private init(freshKey key: SecretBytes) {
        storage = key.withUnsafeBytes { Storage(keyBytes: $0, stream: 0) }
    }

    /// A generator seeded from a 64-bit integer, for reproducible experiments.
    ///
    /// The integer is stretched with BLAKE2b into a 32-byte key; only 2^64 streams are
    /// reachable this way, which is fine for simulations and never appropriate for keys.
    public init(seed: UInt64) {
        var seedBytes = [UInt8](repeating: 0, count: 8)
        for index in 0..<8 { seedBytes[index] = UInt8(truncatingIfNeeded: seed >> (8 * UInt64(index))) }
        let key = BLAKE2b.hash(Array("PrivAgg.ChaChaRandom.seed".utf8) + seedBytes, length: 32)
        storage = Storage(key: key, stream: 0)
    }

    /// The next 64 bits of the keystream, little-endian.
    public mutating func next() -> UInt64 {
        makeUnique()
        return storage.nextUInt64()
    }

    /// Fills `buffer` with the next keystream bytes.
    public mutating func fillBytes(_ buffer: UnsafeMutableRawBufferPointer) {
        makeUnique()
        storage.fill(buffer)
    }

    /// Fills `buffer` with keystream words, at keystream speed.
    public mutating func fill<Word: FixedWidthInteger & UnsignedInteger>(_ buffer: UnsafeMutableBufferPointer<Word>) {
        fillBytes(UnsafeMutableRawBufferPointer(buffer))
    }

    /// Adds the next keystream words to `buffer` modulo 2^32 (applies a pairwise or self mask).
    public mutating func addKeystream(to buffer: UnsafeMutableBufferPointer<UInt32>) {
        combineKeystream(with: buffer, subtracting: false)
    }

    /// Adds the next keystream words to `buffer` modulo 2^64.
    public mutating func addKeystream(to buffer: UnsafeMutableBufferPointer<UInt64>) {
        combineKeystream(with: buffer, subtracting: false)
    }

    /// Subtracts the next keystream words from `buffer` modulo 2^32 (removes a mask).
    public mutating func subtractKeystream(from buffer: UnsafeMutableBufferPointer<UInt32>) {
        combineKeystream(with: buffer, subtracting: true)
    }

    /// Subtracts the next keystream words from `buffer` modulo 2^64.
    public mutating func subtractKeystream(from buffer: UnsafeMutableBufferPointer<UInt64>) {
        combineKeystream(with: buffer, subtracting: true)
    }

    /// Generates keystream into a chunk that stays in cache, then combines it with `buffer`.
    /// Always inlined into the concrete `UInt32`/`UInt64` entry points, so the loop below is
    /// specialized and vectorized rather than a generic call per element.
    @inline(__always)
    private mutating func combineKeystream<Word: FixedWidthInteger & UnsignedInteger>(
        with buffer: UnsafeMutableBufferPointer<Word>, subtracting: Bool
    ) {
        makeUnique()
        let chunkCount = Swift.min(buffer.count, Storage.chunkByteCount / MemoryLayout<Word>.stride)
        guard chunkCount > 0 else { return }
        let chunk = UnsafeMutableBufferPointer<Word>.allocate(capacity: chunkCount)
        defer {
            sodium_memzero(chunk.baseAddress, chunkCount * MemoryLayout<Word>.stride)
            chunk.deallocate()
        }
        var start = 0
        while start < buffer.count {
            let length = Swift.min(chunkCount, buffer.count - start)
            let part = UnsafeMutableBufferPointer(rebasing: chunk[0..<length])
            storage.fill(UnsafeMutableRawBufferPointer(part))
            let target = UnsafeMutableBufferPointer(rebasing: buffer[start..<(start + length)])
            if subtracting {
                for index in 0..<length { target[index] &-= part[index] }
            } else {
                for index in 0..<length { target[index] &+= part[index] }
            }
            start += length
        }
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }
}

extension ChaChaRandom {
    /// Holds the key, block counter and a small buffer of unread keystream.
    fileprivate final class Storage: @unchecked Sendable {
        static let bufferByteCount = 512
        static let chunkByteCount = 32 * 1024

        let key: UnsafeMutablePointer<UInt8>
        let nonce: [UInt8]
        var counter: UInt64 = 0
        let buffer: UnsafeMutableRawBufferPointer
        var offset: Int

        convenience init(key keyBytes: [UInt8], stream: UInt64) {
            self.init(key: keyBytes, nonce: Self.nonce(stream: stream))
        }

        convenience init(keyBytes: UnsafeRawBufferPointer, stream: UInt64) {
            self.init(nonce: Self.nonce(stream: stream)) { key in
                key.initialize(from: keyBytes.bindMemory(to: UInt8.self).baseAddress!, count: 32)
            }
        }

        convenience init(key keyBytes: [UInt8], nonce: [UInt8]) {
            self.init(nonce: nonce) { key in key.initialize(from: keyBytes, count: 32) }
        }

        static func nonce(stream: UInt64) -> [UInt8] {
            (0..<8).map { UInt8(truncatingIfNeeded: stream >> (8 * UInt64($0))) }
        }

        init(nonce: [UInt8], writeKey: (UnsafeMutablePointer<UInt8>) -> Void) {
            key = .allocate(capacity: 32)
            writeKey(key)
            self.nonce = nonce
            buffer = .allocate(byteCount: Self.bufferByteCount, alignment: 64)
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            offset = Self.bufferByteCount
        }

        func copy() -> Storage {
            let other = Storage(nonce: nonce) { $0.initialize(from: key, count: 32) }
            other.counter = counter
            other.offset = offset
            other.buffer.copyMemory(from: UnsafeRawBufferPointer(buffer))
            return other
        }

        deinit {
            sodium_memzero(key, 32)
            sodium_memzero(buffer.baseAddress, buffer.count)
            key.deallocate()
            buffer.deallocate()
        }

        @inline(__always)
        func nextUInt64() -> UInt64 {
            if offset + 8 > Self.bufferByteCount {
                var value: UInt64 = 0
                withUnsafeMutableBytes(of: &value) { fill($0) }
                return UInt64(littleEndian: value)
            }
            let value = buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
            return UInt64(littleEndian: value)
        }

        /// Drains the buffer, writes whole blocks straight into `out`, then refills for the tail.
        func fill(_ out: UnsafeMutableRawBufferPointer) {
            guard let outBase = out.baseAddress, out.count > 0 else { return }
            var position = 0
            let buffered = Swift.min(Self.bufferByteCount - offset, out.count)
            if buffered > 0 {
                outBase.copyMemory(from: buffer.baseAddress! + offset, byteCount: buffered)
                offset += buffered
                position = buffered
            }
            let direct = (out.count - position) & ~(ChaCha20.blockByteCount - 1)
            if direct > 0 {
                generate(into: outBase + position, byteCount: direct)
                position += direct
            }
            if position < out.count {
                generate(into: buffer.baseAddress!, byteCount: Self.bufferByteCount)
                let rest = out.count - position
                (outBase + position).copyMemory(from: buffer.baseAddress!, byteCount: rest)
                offset = rest
            }
        }

        private func generate(into destination: UnsafeMutableRawPointer, byteCount: Int) {
            destination.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
            let bytes = destination.assumingMemoryBound(to: UInt8.self)
            let status = crypto_stream_chacha20_xor_ic(bytes, bytes, UInt64(byteCount), nonce, counter, key)
            // A failure would leave the zeroed buffer to be handed out as random bits.
            precondition(status == 0, "crypto_stream_chacha20_xor_ic failed (status \(status))")
            counter &+= UInt64(byteCount / ChaCha20.blockByteCount)
        }
    }
}
