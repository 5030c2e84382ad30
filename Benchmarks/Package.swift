// swift-tools-version: 6.1
import PackageDescription

// PrivAgg's benchmarks: ordo-one/benchmark suites, plus `RawRatios`, which times every
// operation on PrivAgg's Swift layer and on the raw C library in the same process.
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
        .executableTarget(
            name: "AccountingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PrivacyAccounting", package: "PrivAgg"),
            ],
            path: "Benchmarks/AccountingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "FoundationBenchmarks",
            dependencies: [
                "RawLibs",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Sodium", package: "PrivAgg"),
                .product(name: "Bignum", package: "PrivAgg"),
            ],
            path: "Benchmarks/FoundationBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SecureAggregationBenchmarks",
            dependencies: [
                "RawLibs",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Sodium", package: "PrivAgg"),
                .product(name: "SecureAggregation", package: "PrivAgg"),
            ],
            path: "Benchmarks/SecureAggregationBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Exact noise samplers on vectors of 10^6; compared with OpenDP by peers/run-noise.sh.
        .executableTarget(
            name: "DifferentialPrivacyBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Sodium", package: "PrivAgg"),
                .product(name: "DifferentialPrivacy", package: "PrivAgg"),
            ],
            path: "Benchmarks/DifferentialPrivacyBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "PaillierBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Bignum", package: "PrivAgg"),
                .product(name: "Paillier", package: "PrivAgg"),
            ],
            path: "Benchmarks/PaillierBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
