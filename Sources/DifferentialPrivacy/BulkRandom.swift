import Sodium

/// The generator the vector forms draw from.
///
/// `SecureRandom` asks libsodium for 8 bytes per `next()`, a system call each time on
/// Linux. For a vector of at least `minimumCount` samples the vector forms instead draw a
/// fresh 256-bit key from the same CSPRNG (`ChaChaRandom.freshlyKeyed()`) and read a
/// ChaCha20 keystream under that key — the
/// construction libsodium's own fast CSPRNG uses — so the noise is still unpredictable
/// CSPRNG output, at keystream speed. Any other generator (a seeded `ChaChaRandom`, a test
/// generator) is used as is, so seeded runs stay reproducible.
@usableFromInline
enum BulkRandom {
    /// Vectors shorter than this draw from `SecureRandom` directly.
    @usableFromInline static let minimumCount = 256

    /// A freshly keyed ChaCha20 generator when `G` is `SecureRandom` and the vector is long
    /// enough, nil otherwise.
    @inlinable
    static func keystream<G: RandomNumberGenerator>(replacing rng: inout G, count: Int) -> ChaChaRandom? {
        guard G.self == SecureRandom.self, count >= minimumCount else { return nil }
        return ChaChaRandom.freshlyKeyed()
    }
}
