internal import CSodium

/// Facts about the libsodium library this module runs on.
public enum Libsodium {
    /// The version string of the linked libsodium, for example `"1.0.18"`.
    public static var version: String {
        ensureInitialized()
        return String(cString: sodium_version_string())
    }

    /// Initializes libsodium once per process; every entry point of this module calls it.
    ///
    /// `sodium_init` is thread-safe and idempotent, and Swift initializes globals
    /// exactly once, so the cost after the first call is a load.
    @inline(__always)
    static func ensureInitialized() {
        _ = isInitialized
    }
}

/// `sodium_init` returns -1 only when the library cannot be used at all (no entropy
/// source); continuing would silently produce weak keys, so stopping is the only safe answer.
private let isInitialized: Bool = {
    guard sodium_init() >= 0 else {
        fatalError("libsodium failed to initialize: no usable entropy source")
    }
    return true
}()
