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
        .library(name: "FederationTLS", targets: ["FederationTLS"]),
        .library(name: "FederationSupport", targets: ["FederationSupport"]),
        .executable(name: "privagg", targets: ["privagg"]),
        .executable(name: "privagg-federation", targets: ["privagg-federation"]),
        .library(name: "FlowerInterop", targets: ["FlowerInterop"]),
        // Companion of `privagg flower-node` (CompanionExecutable): it links the HTTP/TLS stack,
        // which `privagg` itself does not (`make flower`).
        .executable(name: "privagg-flower", targets: ["privagg-flower"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `make docs`: DocC archives of the library modules (a build-time plugin only; nothing links it).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // Federation (issue 15): mutual TLS, certificates, checkpoints, metrics. Linked only by the
        // federation targets, never by `privagg`, so `make demo` does not build BoringSSL.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Flower interoperability (FlowerInterop, privagg-flower only): the Fleet API's protobuf
        // messages over HTTP, and P-384 node authentication.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
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
                "FedAvg", "SecureAggregation", "Sodium", "PrivacyAccounting", "StrictInput", "Paillier", "Bignum", "ParallelWork", "FederationTLS",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                // FederationSimulation: the same service and sites over grpc-swift's in-memory transport.
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                // The accepted connections' receive buffers (ReceiveBuffers.swift).
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Protos"]
        ),
        // Durable coordinator state and its metrics: the atomic, versioned, checksummed checkpoint
        // store and the Prometheus registry with its loopback `/metrics` endpoint (NIO HTTP/1).
        .target(
            name: "FederationSupport",
            dependencies: [
                "StrictInput",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The federation's security: its certificate authority and per-node certificates, the
        // mutual-TLS configurations of the gRPC transports, the site identity taken from a verified
        // peer certificate, and SecAgg key binding. No gRPC service code.
        .target(
            name: "FederationTLS",
            dependencies: [
                "FederationSupport", "StrictInput",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
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

        // The networked commands (`privagg federation …` and, from issue 15's part A, serve and
        // join): a companion executable, so `privagg` and `make demo` never build gRPC/BoringSSL.
        .executableTarget(
            name: "privagg-federation",
            dependencies: [
                "Federation", "FederationTLS", "FederationSupport", "FedAvg", "PrivacyAccounting", "Paillier", "SecureAggregation", "PrivAggTools",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
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
        .testTarget(name: "FederationSupportTests", dependencies: ["FederationSupport"]),
        .testTarget(
            name: "FederationTLSTests",
            dependencies: [
                "FederationTLS", "FederationSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "PrivaggFederationTests", dependencies: ["privagg-federation", "privagg", "FederationTLS", "ParallelWork"]),
        .testTarget(name: "PrivaggTests", dependencies: ["privagg", "PrivacyAccounting", "ParallelWork"]),
        .testTarget(
            name: "FlowerInteropTests",
            dependencies: [
                "FlowerInterop", "FedAvg", "PrivacyAccounting", .product(name: "Crypto", package: "swift-crypto"),
                // The in-test fake SuperLink (an HTTP/1.1 server on loopback).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "FederationTests",
            dependencies: [
                "Federation", "FedAvg", "SecureAggregation", "PrivacyAccounting", "Paillier", "privagg-federation", "FederationTLS", "Sodium", "ParallelWork",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
