// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "PrivAgg",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Sodium", targets: ["Sodium"]),
        .library(name: "Bignum", targets: ["Bignum"]),
        .library(name: "SecureAggregation", targets: ["SecureAggregation"]),
        .executable(name: "privagg", targets: ["privagg"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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

        // Safe Swift layers over the C libraries.
        .target(name: "Sodium", dependencies: ["CSodium"]),
        .target(name: "Bignum", dependencies: ["CGMP", "Sodium"]),

        // Secure aggregation (Bonawitz et al. 2017, SecAgg+): speaks Sodium, never C.
        .target(name: "SecureAggregation", dependencies: ["Sodium"]),

        // The command-line tool: parses, calls, formats.
        .executableTarget(
            name: "privagg",
            dependencies: [
                "Sodium", "Bignum", "SecureAggregation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "SodiumTests", dependencies: ["Sodium"], resources: [.copy("Vectors")]),
        .testTarget(name: "BignumTests", dependencies: ["Bignum", "Sodium"]),
        .testTarget(name: "SecureAggregationTests", dependencies: ["SecureAggregation", "Sodium"]),
        .testTarget(name: "PrivaggTests", dependencies: ["privagg"]),
    ],
    swiftLanguageModes: [.v6]
)
