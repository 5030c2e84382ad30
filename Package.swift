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
        .library(name: "Federation", targets: ["Federation"]),
        .executable(name: "privagg", targets: ["privagg"]),
        // The networked commands (`privagg serve`, `join`, `federation …`): their own executable so
        // that `privagg` (and `make demo`) never builds gRPC, SwiftNIO or BoringSSL.
        .executable(name: "privagg-federation", targets: ["privagg-federation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `make docs`: DocC archives of the library modules (a build-time plugin only; nothing links it).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Federation over gRPC (issue 15): only the Federation target and privagg-federation link these.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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

        // Federation across processes and machines (issue 15): the .proto of the round
        // orchestration and its committed generated code (scripts/generate-protos.sh; the build
        // never runs protoc), the coordinator (gRPC server, sees only protocol messages) and the
        // site node (gRPC client, holds the site's records, ledger and keys).
        .target(
            name: "Federation",
            dependencies: [
                "FedAvg", "SecureAggregation", "Sodium", "PrivacyAccounting", "StrictInput",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Protos"]
        ),
        // The companion executable of the networked commands (privagg execs it).
        .executableTarget(
            name: "privagg-federation",
            dependencies: [
                "Federation", "FedAvg", "PrivacyAccounting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The command-line tool: parses, calls, formats.
        .executableTarget(
            name: "privagg",
            dependencies: [
                "Sodium", "Bignum", "PrivacyAccounting", "DifferentialPrivacy", "SecureAggregation", "Paillier", "FedAvg",
                "StrictInput", "Plotting", "Experiments", "PrivAggTools",
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
            name: "FederationTests",
            dependencies: [
                "Federation", "FedAvg", "SecureAggregation", "PrivacyAccounting", "privagg-federation",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
