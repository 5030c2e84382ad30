/// An exact sampler of integer noise that draws its random bits from a shared
/// ``RandomBits`` reservoir, so a vector of samples wastes no bits between samples.
@usableFromInline
protocol ReservoirSampler: Sendable {
    /// Draws one sample, taking bits from `bits` and refilling it from `rng`.
    func sample<G: RandomNumberGenerator>(using rng: inout G, bits: inout RandomBits) -> Int64
}

extension ReservoirSampler {
    /// Draws one sample with a fresh reservoir.
    @inlinable
    func sampleOnce<G: RandomNumberGenerator>(using rng: inout G) -> Int64 {
        var bits = RandomBits()
        return sample(using: &rng, bits: &bits)
    }

    /// Replaces every element x of `buffer` by `combine(x, sample)`, one reservoir for the
    /// whole vector, without allocating. From `SecureRandom`, a long vector reads a ChaCha20
    /// stream under a fresh key drawn from it (see `BulkRandom`).
    @inlinable
    func apply<Element, G: RandomNumberGenerator>(
        to buffer: UnsafeMutableBufferPointer<Element>, using rng: inout G, _ combine: (Element, Int64) -> Element
    ) {
        if var keystream = BulkRandom.keystream(replacing: &rng, count: buffer.count) {
            apply(to: buffer, directlyUsing: &keystream, combine)
        } else {
            apply(to: buffer, directlyUsing: &rng, combine)
        }
    }

    @inlinable
    func apply<Element, G: RandomNumberGenerator>(
        to buffer: UnsafeMutableBufferPointer<Element>, directlyUsing rng: inout G, _ combine: (Element, Int64) -> Element
    ) {
        var bits = RandomBits()
        for i in buffer.indices { buffer[i] = combine(buffer[i], sample(using: &rng, bits: &bits)) }
    }
}
