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

        // Pure Swift privacy accounting: events, RDP accountant, calibration, ledger, reports.
        .target(name: "PrivacyAccounting"),
        .target(name: "DifferentialPrivacy", dependencies: ["Sodium", "PrivacyAccounting"]),

        // The command-line tool: parses, calls, formats.
        .executableTarget(
            name: "privagg",
            dependencies: [
                "Sodium", "Bignum", "PrivacyAccounting", "DifferentialPrivacy",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "SodiumTests", dependencies: ["Sodium"], resources: [.copy("Vectors")]),
        .testTarget(name: "BignumTests", dependencies: ["Bignum", "Sodium"]),
        .testTarget(name: "PrivacyAccountingTests", dependencies: ["PrivacyAccounting"], resources: [.copy("Golden")]),
        .testTarget(name: "DifferentialPrivacyTests", dependencies: ["DifferentialPrivacy", "Sodium", "PrivacyAccounting"]),
        .testTarget(name: "PrivaggTests", dependencies: ["privagg", "PrivacyAccounting"]),
    ],
    swiftLanguageModes: [.v6]
)
