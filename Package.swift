// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PrivAgg",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Sodium", targets: ["Sodium"]),
        .library(name: "Bignum", targets: ["Bignum"]),
        .library(name: "PrivacyAccounting", targets: ["PrivacyAccounting"]),
        .library(name: "DifferentialPrivacy", targets: ["DifferentialPrivacy"]),
        .library(name: "SecureAggregation", targets: ["SecureAggregation"]),
        .library(name: "Paillier", targets: ["Paillier"]),
        .library(name: "FedAvg", targets: ["FedAvg"]),
        .executable(name: "privagg", targets: ["privagg"]),
        .library(name: "FlowerInterop", targets: ["FlowerInterop"]),
        // Companion of `privagg flower-node` (CompanionExecutable): it links the HTTP/TLS stack,
        // which `privagg` itself does not (`make flower`).
        .executable(name: "privagg-flower", targets: ["privagg-flower"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `make docs`: DocC archives of the library modules (a build-time plugin only; nothing links it).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Flower interoperability (FlowerInterop, privagg-flower only): the Fleet API's protobuf
        // messages over HTTP, and P-384 node authentication.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // System libraries: the only targets that speak C.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]
        ),
        .systemLibrary(
            name: "CGMP",
            pkgConfig: "gmp",
            providers: [.apt(["libgmp-dev"]), .brew(["gmp"])]
        ),

        // Strict input checks every reader shares: bounded file reads and a duplicate-key-refusing
        // JSON pre-check. No dependencies, so every layer can use it.
        .target(name: "StrictInput"),
        // Charts in one style for every report (SVG, PNG through rsvg-convert when present).
        // Not a product and free of dependencies: the tools, experiments and CLI draw with it;
        // no library does.
        .target(name: "Plotting"),
        // Data-parallel loops over all cores and the bridge that keeps them off Swift's
        // cooperative pool. Not a product: its API is `package`, for the libraries' own use.
        .target(name: "ParallelWork"),

        // Safe Swift layers over the C libraries.
        .target(name: "Sodium", dependencies: ["CSodium"]),
        .target(name: "Bignum", dependencies: ["CGMP", "Sodium"]),

        // Paillier homomorphic encryption over Bignum (no C imports).
        .target(name: "Paillier", dependencies: ["Bignum", "Sodium", "StrictInput", "ParallelWork"]),
        // Pure Swift privacy accounting: events, RDP accountant, calibration, ledger, reports.
        .target(name: "PrivacyAccounting", dependencies: ["StrictInput"]),
        // Exact, floating-point-safe noise mechanisms; each knows its privacy event.
        .target(name: "DifferentialPrivacy", dependencies: ["Sodium", "PrivacyAccounting"]),
        // Secure aggregation (Bonawitz et al. 2017, SecAgg+): speaks Sodium, never C.
        .target(name: "SecureAggregation", dependencies: ["Sodium", "ParallelWork"]),

        // Federated averaging on four hospitals' records, with pluggable privacy and aggregation.
        .target(
            name: "FedAvg",
            dependencies: ["Sodium", "PrivacyAccounting", "DifferentialPrivacy", "SecureAggregation", "Paillier", "StrictInput", "ParallelWork"],
            resources: [.copy("Resources/uci-heart-disease")]
        ),

        // Tooling over the libraries, for the CLI: benchmarks, the demo, report writers and SVG
        // plots. Not a product: what the libraries export is their domain, not their tooling.
        .target(
            name: "PrivAggTools",
            dependencies: [
                "Sodium", "Bignum", "PrivacyAccounting", "DifferentialPrivacy", "SecureAggregation", "Paillier", "FedAvg",
                "Plotting", "ParallelWork",
            ]
        ),

        // Experiment grids over seeds: runs, resumable results, summary tables and plots. Not a
        // product: the CLI's `experiment` command is its interface.
        .target(name: "Experiments", dependencies: ["FedAvg", "PrivacyAccounting", "Plotting", "StrictInput"]),

        // The command-line tool: parses, calls, formats.
        .executableTarget(
            name: "privagg",
            dependencies: [
                "Sodium", "Bignum", "PrivacyAccounting", "DifferentialPrivacy", "SecureAggregation", "Paillier", "FedAvg",
                "StrictInput", "Plotting", "Experiments", "PrivAggTools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // A PrivAgg site as a Flower SuperNode: Fleet API client (protobuf over HTTP), Flower's
        // content-addressed message objects, `.npy` arrays, and the node loop around FedAvg's
        // local training and the site's ledger.
        .target(
            name: "FlowerInterop",
            dependencies: [
                "FedAvg", "PrivacyAccounting", "Sodium",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            exclude: ["Generated/README.md"]
        ),
        .executableTarget(
            name: "privagg-flower",
            dependencies: [
                "FlowerInterop", "FedAvg", "PrivacyAccounting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "StrictInputTests", dependencies: ["StrictInput"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(name: "ParallelWorkTests", dependencies: ["ParallelWork"]),
        .testTarget(name: "PrivAggToolsTests", dependencies: ["PrivAggTools", "FedAvg", "PrivacyAccounting"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "FedAvg"]),
        .testTarget(name: "SodiumTests", dependencies: ["Sodium"], resources: [.copy("Vectors")]),
        .testTarget(name: "BignumTests", dependencies: ["Bignum", "Sodium"]),
        .testTarget(name: "PrivacyAccountingTests", dependencies: ["PrivacyAccounting", "PrivAggTools"], resources: [.copy("Golden")]),
        .testTarget(name: "DifferentialPrivacyTests", dependencies: ["DifferentialPrivacy", "Sodium", "PrivacyAccounting"]),
        .testTarget(name: "SecureAggregationTests", dependencies: ["SecureAggregation", "Sodium"]),
        .testTarget(name: "FedAvgTests", dependencies: ["FedAvg", "Sodium", "Bignum", "PrivacyAccounting", "DifferentialPrivacy", "SecureAggregation", "Paillier", "PrivAggTools"]),
        .testTarget(name: "PaillierTests", dependencies: ["Paillier", "Bignum", "Sodium"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PrivaggTests", dependencies: ["privagg", "PrivacyAccounting"]),
        .testTarget(
            name: "FlowerInteropTests",
            dependencies: ["FlowerInterop", "FedAvg", "PrivacyAccounting", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
