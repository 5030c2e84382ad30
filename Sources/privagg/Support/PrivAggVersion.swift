/// The version of the PrivAgg toolkit.
enum PrivAggVersion {
    static let current = "0.1.0"
}
