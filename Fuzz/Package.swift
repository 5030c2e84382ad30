// swift-tools-version: 6.1
// libFuzzer targets for every PrivAgg decoder. Its own package (depending on the root one by
// path) so the sanitizer flags never touch the main build. Build and run with `make fuzz`
// or `make fuzz-smoke` from the repository root; see README.md in this folder.
import PackageDescription

let package = Package(
    name: "PrivAggFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "PrivAgg", path: ".."),
    ],
    targets: [
        // The libFuzzer driver, the command line, the seed writer and the SecAgg seed messages
        // both executables share.
        .target(
            name: "FuzzHarness",
            dependencies: [
                .product(name: "Sodium", package: "PrivAgg"),
                .product(name: "SecureAggregation", package: "PrivAgg"),
            ]
        ),
        // The core decoders; CI's `make fuzz-smoke` builds only this product.
        .executableTarget(
            name: "privagg-fuzz",
            dependencies: [
                "FuzzHarness",
                .product(name: "Sodium", package: "PrivAgg"),
                .product(name: "Bignum", package: "PrivAgg"),
                .product(name: "Paillier", package: "PrivAgg"),
                .product(name: "PrivacyAccounting", package: "PrivAgg"),
                .product(name: "SecureAggregation", package: "PrivAgg"),
            ]
        ),
        // The federation and Flower decoders: their modules link gRPC, SwiftNIO, BoringSSL and
        // AsyncHTTPClient, whose sanitizer build takes over an hour on two cores
        // (`make fuzz-network`).
        .executableTarget(
            name: "privagg-fuzz-network",
            dependencies: [
                "FuzzHarness",
                .product(name: "Sodium", package: "PrivAgg"),
                .product(name: "SecureAggregation", package: "PrivAgg"),
                .product(name: "FedAvg", package: "PrivAgg"),
                .product(name: "FederationSupport", package: "PrivAgg"),
                .product(name: "FederationTLS", package: "PrivAgg"),
                .product(name: "Federation", package: "PrivAgg"),
                .product(name: "FlowerInterop", package: "PrivAgg"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
