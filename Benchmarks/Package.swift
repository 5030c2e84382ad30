// swift-tools-version: 6.1
import PackageDescription

// PrivAgg's benchmarks: ordo-one/benchmark suites, plus `RawRatios`, which times every
// operation on PrivAgg's Swift layer and on the raw C library in the same process.

/// An ordo-one/benchmark suite in Benchmarks/NAME over PrivAgg's `libraries` (and the raw
/// C calls when `raw`).
func suite(_ name: String, using libraries: [String], raw: Bool = false) -> Target {
    .executableTarget(
        name: name,
        dependencies: (raw ? ["RawLibs"] : []) + [.product(name: "Benchmark", package: "benchmark")]
            + libraries.map { .product(name: $0, package: "PrivAgg") },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "PrivAggBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "PrivAgg", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Direct calls into libsodium and GMP: the limit the Swift layers are measured against.
        .target(
            name: "RawLibs",
            path: "Sources/RawLibs",
            cSettings: [.unsafeFlags(["-I/opt/homebrew/include", "-I/usr/local/include"], .when(platforms: [.macOS]))],
            linkerSettings: [
                .linkedLibrary("sodium"), .linkedLibrary("gmp"),
                .unsafeFlags(["-L/opt/homebrew/lib", "-L/usr/local/lib"], .when(platforms: [.macOS])),
            ]
        ),
        .executableTarget(
            name: "RawRatios",
            dependencies: [
                "RawLibs",
                .product(name: "Sodium", package: "PrivAgg"),
                .product(name: "Bignum", package: "PrivAgg"),
            ],
            path: "Sources/RawRatios"
        ),
        // One RDP ε query (DP-SGD, default orders) in a loop; compared with dp_accounting by
        // peers/run-accounting.sh.
        .executableTarget(
            name: "AccountingTiming",
            dependencies: [.product(name: "PrivacyAccounting", package: "PrivAgg")],
            path: "Sources/AccountingTiming"
        ),
        suite("AccountingBenchmarks", using: ["PrivacyAccounting"]),
        suite("FoundationBenchmarks", using: ["Sodium", "Bignum"], raw: true),
        suite("SecureAggregationBenchmarks", using: ["Sodium", "SecureAggregation"], raw: true),
        // Exact noise samplers on vectors of 10^6; compared with OpenDP by peers/run-noise.sh.
        suite("DifferentialPrivacyBenchmarks", using: ["Sodium", "DifferentialPrivacy"]),
        suite("PaillierBenchmarks", using: ["Bignum", "Paillier"]),
    ]
)
