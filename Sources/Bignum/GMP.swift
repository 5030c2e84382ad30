internal import CGMP

/// Facts about the GMP library this module runs on.
public enum GMP {
    /// The version string of the linked GMP, for example `"6.2.1"`.
    public static var version: String { String(cString: __gmp_version) }
}
